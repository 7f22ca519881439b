// The static part of the NetworkPolicy table: base chains, the no-window guards and the tier
// pipeline. It depends only on the node's pod range; policies add set elements, isolation
// chains and per-policy chains (render.ts).
//
// Hooks and priorities. Filter chains at priority 0 run after the Service proxy's DNAT
// (dstnat, -100, in prerouting and output), so policy sees the endpoint, not the ClusterIP
// (upstream: "policy is applied after Service translation"; kube-network-policies hooks its
// queue after DNAT the same way). Egress of this node's pods is checked where their packets
// enter the node's stack (forward, input), ingress to them where packets leave towards them
// (forward, output). Egress and ingress are separate base chains: `accept` ends only its own
// base chain, so a connection between two pods of this node passes both checks, in order.
//
// Replies: `ct state established,related accept` first (conntrack; upstream: "replies of
// allowed connections are allowed"), so only the first packet of a connection meets policy.
//
// The node's own traffic: "traffic to and from the node where a Pod is running is always
// allowed, regardless of the IP address of the Pod or the node" (kubernetes.io, Network
// Policies), so the input hook (pod -> node) and the output hook (node -> pod) only guard
// against unknown pods and accept; kubelet probes from the node reach isolated pods.
import { type BaseChainSpec, type Chain, type Match, type Rule } from '../../nft/ir.js';
import { CHAIN, SET } from './names.js';

export function rule(comment: string, r: Partial<Omit<Rule, 'comment'>>): Rule {
  return { matches: [], statements: [], ...r, comment };
}

const filter = (hook: BaseChainSpec['hook'], priority: number): BaseChainSpec => ({
  type: 'filter',
  hook,
  priority,
});

/** Egress runs first; ingress after it, at a later priority of the same hook. */
export const PRIORITY = { egress: 0, ingress: 10 } as const;

const established = rule('replies and related packets of allowed connections', {
  matches: [{ kind: 'cmp', left: 'ct state', op: '==', right: 'established,related' }],
  verdict: { kind: 'accept' },
});
const jump = (chain: string, comment: string) => rule(comment, { verdict: { kind: 'jump', chain } });

/**
 * The no-window guards. An address of this node's pod range that is not in `local-pods` is a
 * pod the ruleset does not know yet: its packets are dropped, so a pod cannot send or receive
 * before the sync that adds it (its set elements, isolation map entries and peer memberships
 * arrive in the same atomic transaction). The gateway is the node's own address on the bridge.
 */
function guard(field: 'ip saddr' | 'ip daddr', podCIDR: string | undefined): Rule[] {
  if (!podCIDR) return [];
  const gateway = gatewayOf(podCIDR);
  const matches: Match[] = [
    { kind: 'cmp', left: field, op: '==', right: podCIDR },
    { kind: 'cmp', left: field, op: '!=', right: gateway },
    { kind: 'lookup', key: [field], set: SET.localPods, negate: true },
  ];
  return [
    rule(`${field === 'ip saddr' ? 'from' : 'to'} a pod address not yet known to the ruleset`, {
      matches,
      statements: [{ kind: 'counter' }],
      verdict: { kind: 'drop' },
    }),
  ];
}

/** The first address of the range: the CNI bridge's address (DESIGN.md §2). */
export function gatewayOf(podCIDR: string): string {
  const [net] = podCIDR.split('/');
  const parts = net.split('.').map(Number);
  parts[3] += 1;
  return parts.join('.');
}

export function skeletonChains(podCIDR: string | undefined): Chain[] {
  const egressBase = (name: string, hook: 'forward' | 'input'): Chain => ({
    name,
    base: filter(hook, PRIORITY.egress),
    rules: [...guard('ip saddr', podCIDR), established, jump(CHAIN.egress, 'egress policy')],
  });
  const ingressBase = (name: string, hook: 'forward' | 'output'): Chain => ({
    name,
    base: filter(hook, PRIORITY.ingress),
    rules: [...guard('ip daddr', podCIDR), established, jump(CHAIN.ingress, 'ingress policy')],
  });
  const ownNode = (
    name: string,
    hook: 'input' | 'output',
    priority: number,
    field: 'ip saddr' | 'ip daddr',
  ) => ({
    name,
    base: filter(hook, priority),
    rules: [
      ...guard(field, podCIDR),
      rule(`${hook === 'input' ? 'pod -> its own node' : 'the node -> its own pods'}: always allowed`, {
        verdict: { kind: 'accept' },
      }),
    ],
  });
  return [
    egressBase(CHAIN.egressForward, 'forward'),
    ownNode(CHAIN.egressInput, 'input', PRIORITY.egress, 'ip saddr'),
    ingressBase(CHAIN.ingressForward, 'forward'),
    ownNode(CHAIN.ingressOutput, 'output', PRIORITY.ingress, 'ip daddr'),
    // The tier pipelines (DESIGN.md §4). Each tier chain ends in accept (Accept), drop (Deny)
    // or returns (Pass, or no policy selects the pod); the ClusterNetworkPolicy Admin tier
    // goes before the NetworkPolicy jump, the Baseline tier after it. Nothing left: accepted.
    { name: CHAIN.egress, rules: [jump(CHAIN.npEgress, 'tier NetworkPolicy')] },
    { name: CHAIN.ingress, rules: [jump(CHAIN.npIngress, 'tier NetworkPolicy')] },
    {
      name: CHAIN.npEgress,
      rules: [
        rule('pods isolated for egress -> their policies', {
          verdict: { kind: 'vmap', key: ['ip saddr'], map: SET.npEgressPods },
        }),
      ],
    },
    {
      name: CHAIN.npIngress,
      rules: [
        rule('pods isolated for ingress -> their policies', {
          verdict: { kind: 'vmap', key: ['ip daddr'], map: SET.npIngressPods },
        }),
      ],
    },
  ];
}
