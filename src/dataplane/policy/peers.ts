// The data of the NetworkPolicy table: named sets for peers and ports, shared by meaning.
// A pod or namespace label change moves pod IPs in and out of these sets; the rules that
// look them up stay as they are (DESIGN.md §4: "sets of pod IPs per policy peer").
//
//   pods-HASH-...   ipv4_addr: pods matched by a namespaceSelector/podSelector peer
//   cidrs-HASH-...  ipv4_addr, interval: an ipBlock, its `except` ranges cut out
//   ports-HASH-...  inet_proto . inet_service, interval: a rule's numeric ports and endPort
//                   ranges (a protocol without a port is the whole 0-65535 range)
//   named-HASH-...  ipv4_addr . inet_proto . inet_service: `pod IP . proto . port` of every
//                   pod declaring the port name, so a name resolves per destination pod
//                   (upstream: named ports are resolved on the destination pod)
import { formatSelector } from '../../api/selector.js';
import { containerPorts } from '../../api/pod.js';
import { stableJson } from '../../lib/collections/stable-json.js';
import { formatIPv4 } from '../../lib/netaddr/index.js';
import type { Element, NftSet } from '../../nft/ir.js';
import { peerSelects } from '../../policy/evaluate.js';
import type { PeerModel, PortModel } from '../../policy/model.js';
import type { NodePolicyView } from './model.js';
import { ipBlockSet, namedPortSet, podPeerSet, portsSet } from './names.js';

/** The sets a render needs, created on first use; `sets()` lists them in name order. */
export class SetRegistry {
  private readonly byName = new Map<string, NftSet>();
  constructor(private readonly view: NodePolicyView) {}

  sets(): NftSet[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** The set of a peer: pod IPs for selector peers, address ranges for an ipBlock. */
  peer(peer: PeerModel): string {
    if (peer.ipBlock) {
      const { cidr, except, text } = peer.ipBlock;
      const meaning = stableJson({ cidr: text, except: except.map((e) => `${e.network}/${e.prefix}`) });
      return this.define(ipBlockSet(meaning, text), ['ipv4_addr'], true, () =>
        ipBlockRanges(cidr, except).map(([lo, hi]) => ({ key: [rangeText(lo, hi)], comment: text })),
      );
    }
    const sel = peer.pods!;
    const sameNs = sel.namespaceSelector === null;
    const meaning = stableJson(
      sameNs ? ['ns', sel.namespace, sel.podSelector] : [sel.namespaceSelector, sel.podSelector],
    );
    const readable = sameNs
      ? `${sel.namespace}/${formatSelector(sel.podSelector)}`
      : `ns:${formatSelector(sel.namespaceSelector!)}/${formatSelector(sel.podSelector)}`;
    return this.define(podPeerSet(meaning, readable), ['ipv4_addr'], false, () =>
      this.view.endpoints
        .filter((ep) => peerSelects(peer, ep))
        .map((ep) => ({ key: [ep.ipText], comment: ep.name })),
    );
  }

  /** The set of a rule's numeric ports, or undefined when it has none. */
  numericPorts(ports: PortModel[]): string | undefined {
    const numeric = ports.filter((p) => typeof p.port !== 'string');
    if (numeric.length === 0) return undefined;
    const ranges = mergeRanges(
      numeric.map((p) => {
        const lo = p.port === undefined ? 0 : (p.port as number);
        const hi = p.port === undefined ? 65535 : (p.endPort ?? lo);
        return { proto: p.protocol.toLowerCase(), lo, hi };
      }),
    );
    const text = ranges.map((r) => `${r.proto}.${r.lo === r.hi ? r.lo : `${r.lo}-${r.hi}`}`);
    return this.define(portsSet(text.join(','), text.join('_')), ['inet_proto', 'inet_service'], true, () =>
      ranges.map((r) => ({ key: [r.proto, r.lo === r.hi ? r.lo : `${r.lo}-${r.hi}`] })),
    );
  }

  /** The set of a port name: every pod that declares it for the protocol, with its number. */
  namedPort(name: string, protocol: string): string {
    return this.define(
      namedPortSet(name, protocol),
      ['ipv4_addr', 'inet_proto', 'inet_service'],
      false,
      () => {
        const seen = new Set<string>();
        const out: Element[] = [];
        for (const ep of this.view.endpoints)
          for (const cp of containerPorts(ep.pod.object)) {
            const key = [ep.ipText, protocol.toLowerCase(), cp.containerPort];
            if (cp.name !== name || cp.protocol !== protocol || seen.has(key.join(' '))) continue;
            seen.add(key.join(' '));
            out.push({ key, comment: ep.name });
          }
        return out;
      },
    );
  }

  private define(name: string, type: NftSet['type'], interval: boolean, elements: () => Element[]): string {
    if (!this.byName.has(name))
      this.byName.set(name, {
        name,
        type,
        ...(interval ? { flags: ['interval' as const] } : {}),
        elements: elements(),
      });
    return name;
  }
}

/** The address ranges of an IPv4 ipBlock without its excepts (IPv6 blocks hold no IPv4 pod). */
export function ipBlockRanges(
  cidr: { family: number; network: bigint; prefix: number },
  except: { family: number; network: bigint; prefix: number }[],
): [number, number][] {
  if (cidr.family !== 4) return [];
  const span = (c: typeof cidr): [number, number] => {
    const size = 2 ** (32 - c.prefix);
    return [Number(c.network), Number(c.network) + size - 1];
  };
  let ranges: [number, number][] = [span(cidr)];
  for (const e of except.filter((x) => x.family === 4).map(span))
    ranges = ranges.flatMap(([lo, hi]): [number, number][] => {
      if (e[1] < lo || e[0] > hi) return [[lo, hi]];
      const out: [number, number][] = [];
      if (e[0] > lo) out.push([lo, e[0] - 1]);
      if (e[1] < hi) out.push([e[1] + 1, hi]);
      return out;
    });
  return ranges;
}

/** `a.b.c.d/n` when the range is one prefix, else `lo-hi` (or one address). */
export function rangeText(lo: number, hi: number): string {
  const size = hi - lo + 1;
  const bits = Math.log2(size);
  if (Number.isInteger(bits) && lo % size === 0)
    return bits === 0 ? formatIPv4(lo) : `${formatIPv4(lo)}/${32 - bits}`;
  return `${formatIPv4(lo)}-${formatIPv4(hi)}`;
}

/** Port ranges per protocol, overlapping and adjacent ones merged (interval sets refuse overlaps). */
function mergeRanges(rs: { proto: string; lo: number; hi: number }[]) {
  const sorted = [...rs].sort((a, b) => (a.proto < b.proto ? -1 : a.proto > b.proto ? 1 : a.lo - b.lo));
  const out: typeof rs = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.proto === r.proto && r.lo <= last.hi + 1) last.hi = Math.max(last.hi, r.hi);
    else out.push({ ...r });
  }
  return out;
}
