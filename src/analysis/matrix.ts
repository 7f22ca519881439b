// The reachability matrix: for each probe (port, protocol), which pods may open a connection to
// which pods, per NetworkPolicy. Computed over pod classes with bit sets:
//   row[S] = egressAllowed[S] ∩ {D : ingressAllowed[D] ∋ S} ∩ {D serving the port}
// Each peer's set of classes is computed once and reused by every rule that names it.
import { containerPorts, portsKey } from '../api/pod.js';
import { selectorMatches } from '../api/selector.js';
import type { Protocol } from '../api/types.js';
import { BitSet } from '../lib/collections/bitset.js';
import { stableJson } from '../lib/collections/stable-json.js';
import type { PolicyEndpoint, Traffic } from '../policy/endpoint.js';
import { peerSelects, portMatches } from '../policy/evaluate.js';
import type { PeerModel, PolicyModel, RuleModel } from '../policy/model.js';
import type { PodClass } from './pod-classes.js';

export interface ProbeSpec {
  /** A number, or a port name resolved on each destination pod. */
  port: number | string;
  protocol: Protocol;
}

/** The port a probe reaches on a destination pod; undefined when a named port is not declared. */
export function resolveProbePort(probe: ProbeSpec, dst: PolicyEndpoint): number | undefined {
  if (typeof probe.port === 'number') return probe.port;
  const pod = dst.pod?.object;
  if (!pod) return undefined;
  return containerPorts(pod).find((p) => p.name === probe.port && p.protocol === probe.protocol)
    ?.containerPort;
}

class ClassIndex {
  readonly byNamespace = new Map<string, number[]>();
  readonly byLabel = new Map<string, number[]>();
  constructor(readonly classes: PodClass[]) {
    for (const c of classes) {
      const pod = c.representative.pod;
      if (!pod) continue;
      push(this.byNamespace, pod.namespace, c.id);
      for (const [k, v] of Object.entries(pod.labels)) push(this.byLabel, `${k}=${v}`, c.id);
    }
  }

  /** Classes that may match a pod selector: narrowed by one matchLabels pair when there is one. */
  candidates(selector: { matchLabels?: Record<string, string> }, namespace?: string): number[] {
    let best: number[] | undefined =
      namespace !== undefined ? (this.byNamespace.get(namespace) ?? []) : undefined;
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
      const list = this.byLabel.get(`${k}=${v}`) ?? [];
      if (!best || list.length < best.length) best = list;
    }
    return best ?? this.classes.filter((c) => c.representative.pod).map((c) => c.id);
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export function computeClassMatrix(classes: PodClass[], policies: PolicyModel[], probe: ProbeSpec): BitSet[] {
  const n = classes.length;
  const index = new ClassIndex(classes);
  const full = BitSet.full(n);
  const dstPort = classes.map((c) => resolveProbePort(probe, c.representative));
  const served = new BitSet(n);
  dstPort.forEach((p, i) => p !== undefined && served.add(i));

  const peerCache = new Map<string, BitSet>();
  const peerSet = (peer: PeerModel): BitSet => {
    const key = peer.ipBlock
      ? `ip:${peer.ipBlock.text}:${peer.ipBlock.except.map((e) => `${e.network}/${e.prefix}`).join(',')}`
      : stableJson(
          peer.pods!.namespaceSelector === null
            ? ['same', peer.pods!.namespace, peer.pods!.podSelector]
            : peer.pods,
        );
    let set = peerCache.get(key);
    if (set) return set;
    set = new BitSet(n);
    const sameNs = peer.pods?.namespaceSelector === null ? peer.pods.namespace : undefined;
    const ids = peer.ipBlock ? classes.map((c) => c.id) : index.candidates(peer.pods!.podSelector, sameNs);
    for (const id of ids) if (peerSelects(peer, classes[id].representative)) set.add(id);
    peerCache.set(key, set);
    return set;
  };
  const rulePeers = (r: RuleModel): BitSet => {
    if (!r.peers) return full;
    const set = new BitSet(n);
    for (const p of r.peers) set.or(peerSet(p));
    return set;
  };

  // Destination classes grouped by what port matching can see of them.
  const portGroups = new Map<string, { rep: PolicyEndpoint; port: number; set: BitSet }>();
  classes.forEach((c, i) => {
    if (dstPort[i] === undefined) return;
    const pod = c.representative.pod?.object;
    const key = `${dstPort[i]}\0${pod ? portsKey(pod) : ''}`;
    let g = portGroups.get(key);
    if (!g) portGroups.set(key, (g = { rep: c.representative, port: dstPort[i]!, set: new BitSet(n) }));
    g.set.add(i);
  });
  const traffic = (dst: PolicyEndpoint, port: number): Traffic => ({
    src: dst,
    dst,
    port,
    protocol: probe.protocol,
  });
  const rulePortTargets = (r: RuleModel): BitSet => {
    if (!r.ports) return full;
    const set = new BitSet(n);
    for (const g of portGroups.values())
      if (r.ports.some((p) => portMatches(p, traffic(g.rep, g.port)))) set.or(g.set);
    return set;
  };

  // Which policies select each class, per direction.
  const ingressBy: PolicyModel[][] = classes.map(() => []);
  const egressBy: PolicyModel[][] = classes.map(() => []);
  for (const p of policies) {
    for (const id of index.candidates(p.podSelector, p.namespace)) {
      const pod = classes[id].representative.pod!;
      if (pod.namespace !== p.namespace || !selectorMatches(p.podSelector, pod.labels)) continue;
      if (p.types.ingress) ingressBy[id].push(p);
      if (p.types.egress) egressBy[id].push(p);
    }
  }

  // Ingress: for isolated destinations, the sources their rules allow, transposed into ingressTo[S].
  const openIngress = new BitSet(n);
  const ingressTo = classes.map(() => new BitSet(n));
  for (let d = 0; d < n; d++) {
    if (ingressBy[d].length === 0) {
      openIngress.add(d);
      continue;
    }
    if (dstPort[d] === undefined) continue;
    const t = traffic(classes[d].representative, dstPort[d]!);
    const allowed = new BitSet(n);
    for (const p of ingressBy[d]) {
      for (const r of p.ingress)
        if (!r.ports || r.ports.some((pm) => portMatches(pm, t))) allowed.or(rulePeers(r));
    }
    for (const s of allowed) ingressTo[s].add(d);
  }

  const ruleCache = new Map<RuleModel, BitSet>();
  const egressTargets = (r: RuleModel): BitSet => {
    let set = ruleCache.get(r);
    if (!set) ruleCache.set(r, (set = rulePeers(r).clone().and(rulePortTargets(r))));
    return set;
  };
  const rows: BitSet[] = [];
  for (let s = 0; s < n; s++) {
    let egress: BitSet;
    if (egressBy[s].length === 0) egress = full.clone();
    else {
      egress = new BitSet(n);
      for (const p of egressBy[s]) for (const r of p.egress) egress.or(egressTargets(r));
    }
    rows.push(egress.and(ingressTo[s].or(openIngress)).and(served));
  }
  return rows;
}
