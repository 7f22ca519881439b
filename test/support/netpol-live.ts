// Pure helpers to replay the netpol conformance cases (../shared/conformance/netpol format) on a
// live cluster: the cases state their ipBlocks against a fixed address plan (base-cluster.yaml's
// status.podIP), a live cluster hands out other addresses, so each CIDR is rewritten to select
// the same pods there; and predicted matrices are compared with expect.json, self cells aside.
import {
  cidrContains,
  formatCIDR,
  parseCIDRWithAddress,
  parseIP,
  type CIDR,
} from '../../src/lib/netaddr/index.js';

export interface Obj {
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  status?: { podIP?: string };
}

export type Matrix = Record<string, Record<string, boolean>>;

export const keyOf = (o: Obj) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
export const podRef = (o: Obj) => `${o.metadata?.namespace}/${o.metadata?.name}`;

/** Pod `ns/name` -> address, of the Pods among `objects` that have one. */
export function podIPs(objects: Obj[]): Map<string, string> {
  return new Map(
    objects.filter((o) => o.kind === 'Pod' && o.status?.podIP).map((o) => [podRef(o), o.status!.podIP!]),
  );
}

const members = (c: CIDR, ips: Map<string, string>) =>
  [...ips].filter(([, ip]) => cidrContains(c, parseIP(ip)!)).map(([pod]) => pod);

/** The smallest CIDR holding every address (IPv4). */
function covering(addresses: string[]): CIDR {
  const values = addresses.map((a) => parseIP(a)!.value);
  const lo = values.reduce((a, b) => (a < b ? a : b));
  const hi = values.reduce((a, b) => (a > b ? a : b));
  let prefix = 32;
  while (prefix > 0 && lo >> BigInt(32 - prefix) !== hi >> BigInt(32 - prefix)) prefix--;
  const host = (1n << BigInt(32 - prefix)) - 1n;
  return { family: 4, network: lo & ~host, prefix };
}

/**
 * A CIDR of the plan rewritten for the live addresses so that it holds the same pods. Kept as
 * written (host bits included) when it holds all of them or none; otherwise the smallest CIDR
 * around the live addresses of the pods it holds, which must hold no other pod: throws if the
 * live addresses do not allow that (the test lays its pods out so that they do).
 */
export function translateCidr(cidr: string, plan: Map<string, string>, live: Map<string, string>): string {
  const parsed = parseCIDRWithAddress(cidr);
  if (!parsed) throw new Error(`not a CIDR: ${cidr}`);
  const want = members(parsed.cidr, plan).sort();
  const pods = [...plan.keys()];
  if (pods.some((p) => !live.has(p)))
    throw new Error(`no live address for ${pods.filter((p) => !live.has(p))}`);
  const liveOfPlan = new Map(pods.map((p) => [p, live.get(p)!]));
  if (want.length === 0 || want.length === pods.length) {
    const got = members(parsed.cidr, liveOfPlan).sort();
    if (got.join() !== want.join())
      throw new Error(`${cidr} holds ${got.length} live pods, ${want.length} in the plan`);
    return cidr;
  }
  const c = covering(want.map((p) => live.get(p)!));
  const got = members(c, liveOfPlan).sort();
  if (got.join() !== want.join())
    throw new Error(
      `${cidr} holds ${want.join(', ')} in the plan; the smallest live CIDR around them, ${formatCIDR(c)}, holds ${got.join(', ')}`,
    );
  return formatCIDR(c);
}

interface IpBlock {
  cidr: string;
  except?: string[];
}

/** NetworkPolicies with every ipBlock (cidr and except) rewritten by translateCidr; a copy. */
export function translatePolicies(
  policies: Obj[],
  plan: Map<string, string>,
  live: Map<string, string>,
): Obj[] {
  const out = structuredClone(policies);
  const fix = (b: IpBlock) => {
    b.cidr = translateCidr(b.cidr, plan, live);
    if (b.except) b.except = b.except.map((e) => translateCidr(e, plan, live));
  };
  for (const p of out) {
    const spec = p.spec as
      | { ingress?: { from?: { ipBlock?: IpBlock }[] }[]; egress?: { to?: { ipBlock?: IpBlock }[] }[] }
      | undefined;
    for (const r of spec?.ingress ?? []) for (const peer of r.from ?? []) if (peer.ipBlock) fix(peer.ipBlock);
    for (const r of spec?.egress ?? []) for (const peer of r.to ?? []) if (peer.ipBlock) fix(peer.ipBlock);
  }
  return out;
}

/** Whether any policy has an ipBlock peer (such a case depends on the live addresses). */
export const hasIpBlock = (policies: Obj[]) => JSON.stringify(policies).includes('"ipBlock"');

/**
 * Cells where `got` differs from `want` (or lacks a cell), over want's pods, self-connections
 * aside (the cases treat them as informational, as upstream e2e does).
 */
export function matrixDiff(want: Matrix, got: Matrix): string[] {
  const out: string[] = [];
  for (const [src, row] of Object.entries(want))
    for (const [dst, allowed] of Object.entries(row)) {
      if (src === dst) continue;
      const g = got[src]?.[dst];
      if (g !== allowed) out.push(`${src} -> ${dst}: expected ${allowed}, predicted ${g ?? 'nothing'}`);
    }
  return out;
}
