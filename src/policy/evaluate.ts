// NetworkPolicy evaluation for one connection, with reasons (STYLE rule 8).
// A connection is allowed when the source's egress and the destination's ingress both allow it.
// A pod is isolated for a direction once any policy in its namespace selects it and has that
// policyType; then only the union of those policies' rules allows traffic. Replies of allowed
// connections are not evaluated (connection tracking), so only the first packet matters.
import { formatSelector, selectorMatches } from '../api/selector.js';
import { containerPorts } from '../api/pod.js';
import { cidrContains, formatCIDR } from '../lib/netaddr/index.js';
import type { PolicyEndpoint, Traffic } from './endpoint.js';
import type { Direction, PeerModel, PolicyModel, PortModel, RuleModel } from './model.js';

export type TierDecision = 'Accept' | 'Deny' | 'Pass' | 'NoMatch';

export interface RuleRef {
  policy: string;
  /** `spec.ingress[0]` */
  rule: string;
  /** `spec.ingress[0].from[1]`; absent when the rule allows every peer. */
  peer?: string;
  /** `spec.ingress[0].ports[0]`; absent when the rule allows every port. */
  port?: string;
}

export interface RuleMiss {
  policy: string;
  rule: string;
  reason: string;
  /** Whether some peer of the rule matched (true when the rule has no peers). */
  peerMatched: boolean;
  /** Whether some port of the rule matched (true when the rule has no ports). */
  portMatched: boolean;
}

export interface DirectionVerdict {
  direction: Direction;
  /** The endpoint whose policies decide this direction (source for egress, destination for ingress). */
  subject: string;
  decision: TierDecision;
  allowed: boolean;
  /** Policies that select the subject for this direction. */
  isolatedBy: string[];
  allowedBy: RuleRef[];
  /** For a denial: why each rule of each isolating policy did not match. */
  misses: RuleMiss[];
  reason: string;
}

export interface PolicyVerdict {
  allowed: boolean;
  egress: DirectionVerdict;
  ingress: DirectionVerdict;
  reason: string;
}

/** One tier of the policy pipeline (today NetworkPolicy; ClusterNetworkPolicy tiers slot in). */
export interface PolicyTier {
  name: string;
  evaluate(direction: Direction, traffic: Traffic): DirectionVerdict;
}

/** peerMatches without the reasons: for evaluating many endpoints where only the answer counts. */
export function peerSelects(peer: PeerModel, ep: PolicyEndpoint): boolean {
  if (peer.ipBlock)
    return cidrContains(peer.ipBlock.cidr, ep.ip) && !peer.ipBlock.except.some((e) => cidrContains(e, ep.ip));
  const sel = peer.pods!;
  if (!ep.pod) return false;
  if (
    sel.namespaceSelector === null
      ? ep.pod.namespace !== sel.namespace
      : !selectorMatches(sel.namespaceSelector, ep.pod.namespaceLabels)
  )
    return false;
  return selectorMatches(sel.podSelector, ep.pod.labels);
}

export function peerMatches(peer: PeerModel, ep: PolicyEndpoint): { ok: boolean; why: string } {
  if (peer.ipBlock) {
    const { cidr, except, text } = peer.ipBlock;
    if (!cidrContains(cidr, ep.ip)) return { ok: false, why: `${ep.ipText} is outside ipBlock ${text}` };
    const ex = except.find((e) => cidrContains(e, ep.ip));
    if (ex) return { ok: false, why: `${ep.ipText} is in ipBlock ${text} but excepted by ${formatCIDR(ex)}` };
    return { ok: true, why: `${ep.ipText} is in ipBlock ${text}` };
  }
  const sel = peer.pods!;
  if (!ep.pod)
    return { ok: false, why: `${ep.name} is not a pod; pod and namespace selectors match only pods` };
  if (sel.namespaceSelector === null) {
    if (ep.pod.namespace !== sel.namespace) {
      return {
        ok: false,
        why: `${ep.name} is not in namespace ${sel.namespace} (a podSelector alone selects the policy's namespace)`,
      };
    }
  } else if (!selectorMatches(sel.namespaceSelector, ep.pod.namespaceLabels)) {
    return {
      ok: false,
      why: `namespace ${ep.pod.namespace} does not match namespaceSelector ${formatSelector(sel.namespaceSelector)}`,
    };
  }
  if (!selectorMatches(sel.podSelector, ep.pod.labels)) {
    return { ok: false, why: `${ep.name} does not match podSelector ${formatSelector(sel.podSelector)}` };
  }
  return { ok: true, why: `${ep.name} matches` };
}

/** A rule port against the connection; named ports are resolved on the destination pod. */
export function portMatches(p: PortModel, traffic: Traffic): boolean {
  if (p.protocol !== traffic.protocol) return false;
  if (p.port === undefined) return true;
  if (typeof p.port === 'number')
    return p.endPort ? traffic.port >= p.port && traffic.port <= p.endPort : traffic.port === p.port;
  const pod = traffic.dst.pod?.object;
  if (!pod) return false; // a name can only be resolved on a pod
  return containerPorts(pod).some(
    (cp) => cp.name === p.port && cp.protocol === p.protocol && cp.containerPort === traffic.port,
  );
}

function describePort(p: PortModel): string {
  if (p.port === undefined) return `any/${p.protocol}`;
  return p.endPort ? `${p.port}-${p.endPort}/${p.protocol}` : `${p.port}/${p.protocol}`;
}

function matchRule(
  policy: PolicyModel,
  rule: RuleModel,
  direction: Direction,
  traffic: Traffic,
): RuleRef | RuleMiss {
  const other = direction === 'ingress' ? traffic.src : traffic.dst;
  const port = rule.ports ? rule.ports.find((pm) => portMatches(pm, traffic)) : undefined;
  const portMatched = !rule.ports || !!port;
  const whys: string[] = [];
  let peer: PeerModel | undefined;
  for (const candidate of rule.peers ?? []) {
    const m = peerMatches(candidate, other);
    if (m.ok) {
      peer = candidate;
      break;
    }
    whys.push(`${candidate.path.slice(rule.path.length + 1)}: ${m.why}`);
  }
  const peerMatched = !rule.peers || !!peer;
  if (portMatched && peerMatched)
    return { policy: policy.name, rule: rule.path, peer: peer?.path, port: port?.path };
  if (!portMatched) {
    whys.unshift(
      `port ${traffic.port}/${traffic.protocol} is not among ${rule.ports!.map(describePort).join(', ')}`,
    );
  }
  return { policy: policy.name, rule: rule.path, reason: whys.join('; '), peerMatched, portMatched };
}

export function selectsEndpoint(policy: PolicyModel, ep: PolicyEndpoint): boolean {
  return (
    !!ep.pod && ep.pod.namespace === policy.namespace && selectorMatches(policy.podSelector, ep.pod.labels)
  );
}

/** The NetworkPolicy tier (networking.k8s.io/v1). */
export function networkPolicyTier(policies: PolicyModel[]): PolicyTier {
  const byNamespace = new Map<string, PolicyModel[]>();
  for (const p of policies) {
    const list = byNamespace.get(p.namespace) ?? [];
    list.push(p);
    byNamespace.set(p.namespace, list);
  }
  return {
    name: 'NetworkPolicy',
    evaluate(direction, traffic) {
      const subject = direction === 'ingress' ? traffic.dst : traffic.src;
      const selecting = subject.pod
        ? (byNamespace.get(subject.pod.namespace) ?? []).filter(
            (p) => p.types[direction] && selectsEndpoint(p, subject),
          )
        : [];
      const base = {
        direction,
        subject: subject.name,
        isolatedBy: selecting.map((p) => p.name),
        allowedBy: [] as RuleRef[],
        misses: [] as RuleMiss[],
      };
      if (selecting.length === 0) {
        const why = subject.pod
          ? `no NetworkPolicy selects ${subject.name} for ${direction}`
          : `${subject.name} is not a pod; NetworkPolicy does not apply`;
        return { ...base, decision: 'NoMatch', allowed: true, reason: why };
      }
      // "traffic to and from the node where a Pod is running is always allowed, regardless of
      // the IP address of the Pod or the node" (kubernetes.io, Network Policies): kubelet
      // probes and host agents must reach an isolated pod.
      const peer = direction === 'ingress' ? traffic.src : traffic.dst;
      const ownNode = subject.pod?.object.spec?.nodeName;
      if (peer.node !== undefined && peer.node === ownNode) {
        const way = direction === 'ingress' ? 'from' : 'to';
        return {
          ...base,
          decision: 'Accept',
          allowed: true,
          reason: `${subject.name} is isolated for ${direction} by ${base.isolatedBy.join(', ')}, but traffic ${way} its own node ${ownNode} is always allowed`,
        };
      }
      for (const p of selecting) {
        const rules = direction === 'ingress' ? p.ingress : p.egress;
        if (rules.length === 0)
          base.misses.push({
            policy: p.name,
            rule: `spec.${direction}`,
            reason: `the policy has no ${direction} rules (deny all)`,
            peerMatched: false,
            portMatched: false,
          });
        for (const r of rules) {
          const m = matchRule(p, r, direction, traffic);
          if ('reason' in m) base.misses.push(m);
          else base.allowedBy.push(m);
        }
      }
      if (base.allowedBy.length > 0) {
        const a = base.allowedBy[0];
        return {
          ...base,
          decision: 'Accept',
          allowed: true,
          reason: `${direction} allowed by ${a.policy} ${a.rule}`,
        };
      }
      return {
        ...base,
        decision: 'Deny',
        allowed: false,
        reason: `${subject.name} is isolated for ${direction} by ${base.isolatedBy.join(', ')} and no rule allows it`,
      };
    },
  };
}

/**
 * Runs the tiers in order: Accept or Deny ends the walk, Pass and NoMatch go on; when no
 * tier decides, the connection is allowed (Kubernetes' default without policies).
 */
export function evaluateDirection(
  tiers: PolicyTier[],
  direction: Direction,
  traffic: Traffic,
): DirectionVerdict {
  let last: DirectionVerdict | undefined;
  for (const t of tiers) {
    last = t.evaluate(direction, traffic);
    if (last.decision === 'Accept' || last.decision === 'Deny') return last;
  }
  return last!;
}

export function evaluateTraffic(tiers: PolicyTier[], traffic: Traffic): PolicyVerdict {
  const egress = evaluateDirection(tiers, 'egress', traffic);
  const ingress = evaluateDirection(tiers, 'ingress', traffic);
  const allowed = egress.allowed && ingress.allowed;
  const reason = !egress.allowed
    ? egress.reason
    : !ingress.allowed
      ? ingress.reason
      : 'allowed by egress and ingress policy';
  return { allowed, egress, ingress, reason };
}
