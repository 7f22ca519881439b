// renderServiceProxy: Services and EndpointSlices -> the nftables table of one node's Service
// proxy, a pure function (DESIGN.md §4). The layout is kube-proxy's nftables mode
// (pkg/proxy/nftables/proxier.go syncProxyRules, described here, not copied); README.md in
// this folder draws it. Per Service port:
//
//   service-ips / service-nodeports element -> the Service port's chain:
//     service-HASH-ns/name/proto/port   endpoints for Cluster policy (random, or sticky)
//     local-HASH-...                    this node's endpoints, for Local policy
//     external-HASH-...                 entry for NodePort / LoadBalancer / external IP traffic
//   endpoint-HASH-...__ip/port          hairpin mark, affinity update, DNAT
//   no-endpoint-services / -nodeports   reject (no endpoint anywhere) or drop (none on this node)
//   firewall-ips element -> firewall-HASH-...   loadBalancerSourceRanges: drop other sources
//
// Random choice without anonymous sets. kube-proxy picks an endpoint with an inline
// `numgen random mod N vmap { 0 : goto a, 1 : goto b }`; each such map is an anonymous set, and
// loading 10,000 of them took 17.6 s here (30,000: 421 s; anchors/performance.md §9.1). Two
// replacements were measured on this VM (nft 1.0.6, kernel 6.18, one transaction, 5 endpoints
// per Service, fresh namespace):
//   (a) a named map per Service port, `numgen random mod N vmap @endpoints-...`:
//       2,000 Services 0.99 s, 5,000 Services 3.45 s;
//   (b) one rule per endpoint, `numgen random mod (N-i) == 0 goto endpoint_i`, the last one
//       unconditional (iptables mode's `statistic --probability 1/(N-i)`):
//       2,000 Services 0.79 s, 5,000 Services 2.54 s.
// (b) is faster (every named set costs the kernel more than a few rules) and keeps the whole
// choice visible in one chain, so it is used; each endpoint is still taken with probability
// 1/N. docs/benchmarks.md has the numbers of the full benchmark.
import {
  keyText,
  type Chain,
  type Element,
  type ElementVerdict,
  type Match,
  type NftSet,
  type Rule,
  type Table,
  type Verdict,
} from '../../nft/ir.js';
import {
  buildServicePorts,
  type EndpointModel,
  type ServicePortModel,
  type ServiceProxyInput,
} from './model.js';
import { CHAIN, SET, proxyTableName } from './names.js';
import { rule, skeletonChains, skeletonSets } from './skeleton.js';

export function renderServiceProxy(input: ServiceProxyInput): Table {
  const node = nodeContext(input);
  return assembleTable(
    input,
    buildServicePorts(input).map((sp) => renderServicePort(sp, node)),
  );
}

/**
 * What one Service port adds to the table: its chains, its elements of the skeleton's maps and
 * sets, and its affinity sets. A partial render (partial.ts) keeps these per Service and redoes
 * only the changed ones.
 */
export interface PortFragment {
  chains: Chain[];
  elements: { set: string; element: Element }[];
  affinitySets: NftSet[];
}

/**
 * The skeleton with the fragments of every Service port, in port name order. `unique`: the
 * caller knows that no two fragments hold an element with the same key, which spares checking.
 */
export function assembleTable(
  input: Pick<ServiceProxyInput, 'clusterName' | 'nodeName' | 'nodeIP' | 'config'>,
  fragments: Iterable<PortFragment>,
  unique = false,
): Table {
  const chains = skeletonChains({
    nodeIP: input.nodeIP,
    podCIDR: input.config.podCIDR,
    serviceCIDR: input.config.serviceCIDR,
  });
  const sets = skeletonSets();
  const maps = new Map<string, { add(e: Element): void }>(
    sets.map((s) => [s.name, unique ? { add: (e) => s.elements.push(e) } : new ElementSink(s)]),
  );
  const affinitySets: NftSet[] = [];
  for (const f of fragments) {
    for (const c of f.chains) chains.push(c);
    for (const { set, element } of f.elements) maps.get(set)!.add(element);
    for (const s of f.affinitySets) affinitySets.push(s);
  }
  return {
    family: 'ip',
    name: proxyTableName(input.clusterName),
    comment: `podnet Service proxy of node ${input.nodeName}`,
    chains,
    sets: [...sets, ...affinitySets],
  };
}

/**
 * The elements of one map; a key already present keeps its first owner (Services are rendered
 * in name order), since two elements with one key would fail the whole transaction.
 */
class ElementSink {
  private readonly keys = new Set<string>();
  constructor(private readonly set: NftSet) {}
  add(e: Element): void {
    const k = keyText(e.key);
    if (this.keys.has(k)) return;
    this.keys.add(k);
    this.set.elements.push(e);
  }
}

export const nodeContext = (input: ServiceProxyInput): NodeContext => ({
  nodeName: input.nodeName,
  podCIDR: input.config.podCIDR,
});

export interface NodeContext {
  nodeName: string;
  podCIDR: string;
}

export function renderServicePort(sp: ServicePortModel, node: NodeContext): PortFragment {
  const fragment: PortFragment = { chains: [], elements: [], affinitySets: [] };
  const out = {
    chain: (c: Chain) => fragment.chains.push(c),
    element: (set: string, element: Element) => fragment.elements.push({ set, element }),
    affinitySet: (s: NftSet) => fragment.affinitySets.push(s),
  };
  const goto = (chain: string): ElementVerdict => ({ kind: 'goto', chain });
  // kube-proxy: no endpoint anywhere -> reject; endpoints, but none this traffic may use
  // (a Local policy on a node without one) -> drop.
  const noEndpoint = (): ElementVerdict => (sp.hasEndpoints ? { kind: 'drop' } : goto(CHAIN.reject));
  const hasInternal = sp.internalLocal ? sp.local.length > 0 : sp.hasEndpoints;
  const hasExternal = sp.externalLocal ? sp.local.length > 0 : sp.hasEndpoints;
  const internalChain = sp.internalLocal ? sp.chains.local : sp.chains.cluster;
  const key = (ip: string, port: number) => [ip, sp.protocol, port];

  out.element(SET.clusterIPs, { key: [sp.clusterIP], comment: sp.service });
  out.element(hasInternal ? SET.serviceIPs : SET.noEndpointServices, {
    key: key(sp.clusterIP, sp.port),
    comment: `${sp.name} ClusterIP`,
    verdict: hasInternal ? goto(internalChain) : noEndpoint(),
  });
  const external = [
    ...sp.externalIPs.map((ip) => ({ ip, comment: `${sp.name} external IP` })),
    ...sp.loadBalancerIPs.map(({ ip, announcer }) => ({
      ip,
      comment: `${sp.name} LoadBalancer IP, announced by ${announcer === node.nodeName ? 'this node' : `node ${announcer}`}`,
    })),
  ];
  for (const { ip, comment } of external) {
    if (sp.hasEndpoints)
      out.element(SET.serviceIPs, { key: key(ip, sp.port), comment, verdict: goto(sp.chains.external) });
    if (!hasExternal)
      out.element(SET.noEndpointServices, { key: key(ip, sp.port), comment, verdict: noEndpoint() });
  }
  if (sp.nodePort !== undefined) {
    const comment = `${sp.name} NodePort`;
    const k = [sp.protocol, sp.nodePort];
    if (sp.hasEndpoints)
      out.element(SET.serviceNodePorts, { key: k, comment, verdict: goto(sp.chains.external) });
    if (!hasExternal) out.element(SET.noEndpointNodePorts, { key: k, comment, verdict: noEndpoint() });
  }

  if (sp.loadBalancerIPs.length > 0 && sp.loadBalancerSources.length > 0) {
    for (const { ip } of sp.loadBalancerIPs)
      out.element(SET.firewallIPs, {
        key: key(ip, sp.port),
        comment: `${sp.name} LoadBalancer IP`,
        verdict: goto(sp.chains.firewall),
      });
    out.chain({ name: sp.chains.firewall, rules: firewallRules(sp) });
  }
  if (sp.cluster.length > 0) out.chain({ name: sp.chains.cluster, rules: chooseRules(sp, sp.cluster) });
  if (sp.local.length > 0) out.chain({ name: sp.chains.local, rules: chooseRules(sp, sp.local) });
  if (sp.hasEndpoints && sp.externallyAccessible)
    out.chain({ name: sp.chains.external, rules: externalRules(sp, node.podCIDR) });
  const seen = new Set<string>();
  for (const ep of [...sp.cluster, ...sp.local]) {
    if (seen.has(ep.chain)) continue;
    seen.add(ep.chain);
    out.chain({ name: ep.chain, rules: endpointRules(sp, ep) });
    if (ep.affinitySet)
      out.affinitySet({
        name: ep.affinitySet,
        type: ['ipv4_addr'],
        flags: ['dynamic', 'timeout'],
        timeout: sp.affinityTimeout,
        comment: `${sp.name} clients of ${ep.ip}:${ep.port}`,
        elements: [],
      });
  }
  return fragment;
}

/** Sticky clients first (sessionAffinity ClientIP), then a uniformly random endpoint. */
function chooseRules(sp: ServicePortModel, eps: EndpointModel[]): Rule[] {
  const rules: Rule[] = [];
  for (const ep of eps)
    if (ep.affinitySet)
      rules.push(
        rule(`${sp.name} client stuck to ${describe(ep)}`, {
          matches: [{ kind: 'lookup', key: ['ip saddr'], set: ep.affinitySet }],
          verdict: { kind: 'goto', chain: ep.chain },
        }),
      );
  // Endpoint i (of n) is taken with probability 1/(n-i) among the packets that reach its rule,
  // so each endpoint gets 1/n overall.
  eps.forEach((ep, i) =>
    rules.push(
      rule(`${sp.name} -> ${describe(ep)}`, {
        matches: i < eps.length - 1 ? [pickOneIn(eps.length - i)] : [],
        verdict: { kind: 'goto', chain: ep.chain },
      }),
    ),
  );
  return rules;
}

/**
 * kube-proxy writes `ip saddr != { ranges } drop`; the table model has no anonymous sets (every
 * set is named, ir.ts), and a `return` per allowed source followed by a `drop` is the same test:
 * firewall-check was jumped to, so `return` goes back to the base chain, which accepts.
 */
function firewallRules(sp: ServicePortModel): Rule[] {
  return [
    ...sp.loadBalancerSources.map((source) =>
      rule(`${sp.name} loadBalancerSourceRanges allow ${source}`, {
        matches: [{ kind: 'cmp', left: 'ip saddr', op: '==', right: source }],
        verdict: { kind: 'return' },
      }),
    ),
    rule(`${sp.name} drop sources outside loadBalancerSourceRanges`, { verdict: { kind: 'drop' } }),
  ];
}

function externalRules(sp: ServicePortModel, podCIDR: string): Rule[] {
  const toCluster: Verdict = { kind: 'goto', chain: sp.chains.cluster };
  const mark = MARK;
  if (!sp.externalLocal)
    // Cluster policy: the endpoint may be on another node, so the reply must come back here.
    return [
      rule(`${sp.name} masquerade external traffic`, { verdict: mark }),
      rule(sp.name, { verdict: toCluster }),
    ];
  const localSource = { kind: 'cmp', left: 'fib saddr type', op: '==', right: 'local' } as const;
  const rules = [
    // Pods and the node itself reach external addresses as if through the load balancer and
    // back: neither traffic policy applies to them (kube-proxy's short-circuit rules).
    rule(`${sp.name} short-circuit pod traffic`, {
      matches: [{ kind: 'cmp', left: 'ip saddr', op: '==', right: podCIDR }],
      verdict: toCluster,
    }),
    rule(`${sp.name} masquerade local traffic`, { matches: [localSource], verdict: mark }),
    rule(`${sp.name} short-circuit local traffic`, { matches: [localSource], verdict: toCluster }),
  ];
  // Local policy keeps the client address; without a local endpoint the packet falls through
  // untranslated and no-endpoint-services drops it.
  if (sp.local.length > 0) rules.push(rule(sp.name, { verdict: { kind: 'goto', chain: sp.chains.local } }));
  return rules;
}

function endpointRules(sp: ServicePortModel, ep: EndpointModel): Rule[] {
  const what = `${sp.name} -> ${describe(ep)}`;
  const rules = [
    // Hairpin: a pod that reaches itself through the Service would answer itself directly.
    rule(`${what} hairpin`, {
      matches: [{ kind: 'cmp', left: 'ip saddr', op: '==', right: ep.ip }],
      verdict: MARK,
    }),
  ];
  if (ep.affinitySet)
    rules.push(
      rule(`${what} remember the client`, {
        statements: [{ kind: 'update', set: ep.affinitySet, key: ['ip saddr'] }],
      }),
    );
  rules.push(
    rule(what, {
      matches: [PROTOCOL[sp.protocol]],
      statements: [{ kind: 'dnat', addr: ep.ip, port: ep.port }],
    }),
  );
  return rules;
}

// Shared pieces: every render reuses the same objects, which saves allocations and lets the
// diff's equality check stop at identity for them.
const MARK: Verdict = { kind: 'jump', chain: CHAIN.markForMasquerade };
const PROTOCOL: Record<ServicePortModel['protocol'], Match> = {
  tcp: { kind: 'cmp', left: 'meta l4proto', op: '==', right: 'tcp' },
  udp: { kind: 'cmp', left: 'meta l4proto', op: '==', right: 'udp' },
  sctp: { kind: 'cmp', left: 'meta l4proto', op: '==', right: 'sctp' },
};
const pickMatches = new Map<number, Match>();
/** `numgen random mod n == 0`: true for one packet in n. */
function pickOneIn(n: number): Match {
  let m = pickMatches.get(n);
  if (!m) pickMatches.set(n, (m = { kind: 'cmp', left: { numgen: 'random', mod: n }, op: '==', right: 0 }));
  return m;
}

const describe = (ep: EndpointModel) => (ep.pod ? `${ep.pod} ${ep.ip}:${ep.port}` : `${ep.ip}:${ep.port}`);
