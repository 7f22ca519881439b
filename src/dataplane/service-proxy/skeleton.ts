// The static part of the Service proxy's table: base chains, dispatch, no-endpoint handling,
// masquerading. It depends only on the node and the cluster's address plan; Services add map
// elements and their own chains (render.ts). Layout and priorities are kube-proxy's nftables
// mode (pkg/proxy/nftables/proxier.go setupNFTables; README.md in this folder):
//
//   filter-prerouting and filter-output at dstnat-10 see destinations before DNAT: traffic to a
//   LoadBalancer IP from a source outside its loadBalancerSourceRanges is dropped there
//   (firewall-check), before anything else;
//   nat-prerouting / nat-output at dstnat look the destination up in `service-ips` (ClusterIPs,
//   external IPs, LoadBalancer IPs) or, for local destinations, `service-nodeports`;
//   filter-input, filter-forward (after prerouting's DNAT) and filter-output-post-dnat
//   (dstnat+10) see destinations after DNAT: what is still addressed to a Service was not
//   translated, so it has no usable endpoint (service-endpoints-check,
//   nodeport-endpoints-check: reject or drop) or asked for a port the Service does not define
//   (cluster-ips-check). After DNAT, not before: the node's own traffic to an external address
//   of an externalTrafficPolicy Local Service is short-circuited to the Cluster endpoints, and
//   a check before DNAT would drop it on a node without a local endpoint (current kube-proxy's
//   filter-output runs at priority 0, after nat-output, too);
//   nat-postrouting at srcnat translates the source of marked packets.
import { PRIORITY, type BaseChainSpec, type Chain, type Expr, type NftSet, type Rule } from '../../nft/ir.js';
import { CHAIN, MASQUERADE_MARK, SET } from './names.js';

const SERVICE_KEY: Expr[] = ['ip daddr', 'meta l4proto', 'th dport'];
const NODEPORT_KEY: Expr[] = ['meta l4proto', 'th dport'];

export function rule(comment: string, r: Partial<Omit<Rule, 'comment'>>): Rule {
  return { matches: [], statements: [], ...r, comment };
}

const base = (name: string, spec: BaseChainSpec, rules: Rule[]): Chain => ({ name, base: spec, rules });
const filter = (hook: BaseChainSpec['hook'], priority: number): BaseChainSpec => ({
  type: 'filter',
  hook,
  priority,
});
const newConnections = (chain: string) =>
  rule(`new connections: ${chain}`, {
    matches: [{ kind: 'cmp', left: 'ct state', op: '==', right: 'new' }],
    verdict: { kind: 'jump', chain },
  });
const jump = (chain: string) => rule(chain, { verdict: { kind: 'jump', chain } });

export interface SkeletonParams {
  nodeIP: string;
  podCIDR: string;
  serviceCIDR: string;
}

/** Base chains and static regular chains, in the order they are created. */
export function skeletonChains(p: SkeletonParams): Chain[] {
  const dstnat = PRIORITY.dstnat;
  const notLoopback = { kind: 'cmp', left: 'ip daddr', op: '!=', right: '127.0.0.0/8' } as const;
  return [
    base(CHAIN.filterPrerouting, filter('prerouting', dstnat - 10), [newConnections(CHAIN.firewallCheck)]),
    base(CHAIN.filterInput, filter('input', dstnat - 10), [
      newConnections(CHAIN.nodePortEndpointsCheck),
      newConnections(CHAIN.serviceEndpointsCheck),
    ]),
    base(CHAIN.filterForward, filter('forward', dstnat - 10), [
      newConnections(CHAIN.serviceEndpointsCheck),
      newConnections(CHAIN.clusterIPsCheck),
    ]),
    base(CHAIN.filterOutput, filter('output', dstnat - 10), [newConnections(CHAIN.firewallCheck)]),
    base(CHAIN.filterOutputPostDnat, filter('output', dstnat + 10), [
      newConnections(CHAIN.serviceEndpointsCheck),
      newConnections(CHAIN.clusterIPsCheck),
    ]),
    base(CHAIN.natPrerouting, { type: 'nat', hook: 'prerouting', priority: dstnat }, [jump(CHAIN.services)]),
    base(CHAIN.natOutput, { type: 'nat', hook: 'output', priority: dstnat }, [jump(CHAIN.services)]),
    base(CHAIN.natPostrouting, { type: 'nat', hook: 'postrouting', priority: PRIORITY.srcnat }, [
      jump(CHAIN.masquerading),
    ]),
    {
      name: CHAIN.services,
      rules: [
        // kube-proxy (with clusterCIDR set) puts this rule in each Service's chain, matching the
        // ClusterIP and port; one rule over the cluster-ips set does the same for every Service.
        // Sources outside the pod network (the node itself, a router) must see replies come back
        // through this node.
        rule('masquerade traffic to ClusterIPs from outside the pod network', {
          matches: [
            { kind: 'lookup', key: ['ip daddr'], set: SET.clusterIPs },
            { kind: 'cmp', left: 'ip saddr', op: '!=', right: p.podCIDR },
          ],
          verdict: { kind: 'jump', chain: CHAIN.markForMasquerade },
        }),
        rule('ClusterIP, external IP and LoadBalancer IP traffic', {
          verdict: { kind: 'vmap', key: SERVICE_KEY, map: SET.serviceIPs },
        }),
        rule('NodePort traffic to any local address but loopback', {
          matches: [{ kind: 'cmp', left: 'fib daddr type', op: '==', right: 'local' }, notLoopback],
          verdict: { kind: 'vmap', key: NODEPORT_KEY, map: SET.serviceNodePorts },
        }),
      ],
    },
    {
      name: CHAIN.serviceEndpointsCheck,
      rules: [
        rule('Services without usable endpoints', {
          verdict: { kind: 'vmap', key: SERVICE_KEY, map: SET.noEndpointServices },
        }),
      ],
    },
    {
      name: CHAIN.firewallCheck,
      rules: [
        rule('LoadBalancer IPs with loadBalancerSourceRanges', {
          verdict: { kind: 'vmap', key: SERVICE_KEY, map: SET.firewallIPs },
        }),
      ],
    },
    {
      name: CHAIN.nodePortEndpointsCheck,
      rules: [
        rule('NodePorts without usable endpoints', {
          matches: [notLoopback],
          verdict: { kind: 'vmap', key: NODEPORT_KEY, map: SET.noEndpointNodePorts },
        }),
      ],
    },
    {
      name: CHAIN.clusterIPsCheck,
      rules: [
        rule('reject traffic to undefined ports of ClusterIPs', {
          matches: [{ kind: 'lookup', key: ['ip daddr'], set: SET.clusterIPs }],
          verdict: { kind: 'goto', chain: CHAIN.reject },
        }),
        rule('drop traffic to unallocated ClusterIPs', {
          matches: [{ kind: 'cmp', left: 'ip daddr', op: '==', right: p.serviceCIDR }],
          verdict: { kind: 'drop' },
        }),
      ],
    },
    {
      name: CHAIN.reject,
      rules: [
        // A TCP reset fails connect() at once with ECONNREFUSED; everything else gets ICMP port
        // unreachable (kube-proxy's plain `reject`).
        rule('refuse TCP with a reset', {
          matches: [{ kind: 'cmp', left: 'meta l4proto', op: '==', right: 'tcp' }],
          verdict: { kind: 'reject', with: 'tcp reset' },
        }),
        rule('refuse with ICMP port unreachable', { verdict: { kind: 'reject' } }),
      ],
    },
    {
      name: CHAIN.markForMasquerade,
      rules: [
        rule('ask for SNAT in postrouting', {
          statements: [{ kind: 'mark', op: 'or', value: MASQUERADE_MARK }],
        }),
      ],
    },
    {
      name: CHAIN.masquerading,
      rules: [
        rule('not marked: leave the source alone', {
          matches: [{ kind: 'cmp', left: { field: 'meta mark', and: MASQUERADE_MARK }, op: '==', right: 0 }],
          verdict: { kind: 'return' },
        }),
        rule('clear the mark before the packet leaves', {
          statements: [{ kind: 'mark', op: 'xor', value: MASQUERADE_MARK }],
        }),
        // SNAT to the node's InternalIP rather than `masquerade`: masquerade takes the address of
        // the outgoing interface, which on a podnet node is the pod bridge's gateway (same-node
        // endpoints) or the overlay device, not the address the node is known by. The predictor
        // (src/analysis/trace) and the e2e tests expect the server to see the node's InternalIP,
        // and replies to it come back to this node over the fabric. fully-random picks source
        // ports at random, as kube-proxy does, to avoid the conntrack insertion race.
        rule(`SNAT to the node's InternalIP ${p.nodeIP}`, {
          statements: [{ kind: 'snat', addr: p.nodeIP, fullyRandom: true }],
        }),
      ],
    },
  ];
}

/** The dispatch maps and sets, empty; render.ts fills them. */
export function skeletonSets(): NftSet[] {
  const serviceMap = (name: string, comment: string): NftSet => ({
    name,
    type: ['ipv4_addr', 'inet_proto', 'inet_service'],
    map: 'verdict',
    comment,
    elements: [],
  });
  const nodePortMap = (name: string, comment: string): NftSet => ({
    name,
    type: ['inet_proto', 'inet_service'],
    map: 'verdict',
    comment,
    elements: [],
  });
  return [
    { name: SET.clusterIPs, type: ['ipv4_addr'], comment: 'Active ClusterIPs', elements: [] },
    serviceMap(SET.serviceIPs, 'ClusterIP, ExternalIP and LoadBalancer IP traffic'),
    nodePortMap(SET.serviceNodePorts, 'NodePort traffic'),
    serviceMap(SET.noEndpointServices, 'vmap to drop or reject packets to services with no endpoints'),
    nodePortMap(
      SET.noEndpointNodePorts,
      'vmap to drop or reject packets to service nodeports with no endpoints',
    ),
    serviceMap(SET.firewallIPs, 'destinations that are subject to LoadBalancerSourceRanges'),
  ];
}
