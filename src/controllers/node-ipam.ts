// Node IPAM (kube-controller-manager's range allocator): each node without a pod CIDR gets
// the next free /24 (nodeCIDRMaskSize) of the cluster's pod network, in node creation order.
import { formatCIDR, parseCIDR, subnet, type CIDR } from '../lib/netaddr/index.js';
import type { Node } from '../api/types.js';
import type { ClusterConfig } from '../api/cluster.js';
import type { ObjectClient } from '../store/client.js';
import type { Controller } from './controller.js';

/** The pod CIDR each node should get; nodes that already have one keep it. */
export function planNodeCIDRs(nodes: Node[], config: ClusterConfig): Map<string, string> {
  const cluster = parseCIDR(config.podCIDR)!;
  const taken = new Set(nodes.map((n) => n.spec?.podCIDR).filter((c): c is string => !!c));
  const out = new Map<string, string>();
  const count = 1n << BigInt(config.nodeCIDRMaskSize - cluster.prefix);
  let next = 0n;
  for (const n of nodes) {
    if (n.spec?.podCIDR) continue;
    let c: CIDR | null = null;
    while (next < count) {
      const candidate = subnet(cluster, config.nodeCIDRMaskSize, next++);
      if (!taken.has(formatCIDR(candidate))) {
        c = candidate;
        break;
      }
    }
    if (!c) break; // the pod network is full; the node stays without a range, as upstream
    out.set(n.metadata.name!, formatCIDR(c));
  }
  return out;
}

export function nodeIpamController(config: ClusterConfig): Controller {
  return {
    name: 'node-ipam',
    reads: ['Node'],
    async sync(client: ObjectClient) {
      const nodes = await client.list<Node>('Node');
      const plan = planNodeCIDRs(nodes, config);
      for (const n of nodes) {
        const cidr = plan.get(n.metadata.name!);
        if (cidr) await client.update<Node>({ ...n, spec: { ...n.spec, podCIDR: cidr, podCIDRs: [cidr] } });
      }
      return plan.size;
    },
  };
}
