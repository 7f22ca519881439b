// Test helpers for the NetworkPolicy table: render every node of a cluster and send a pod's
// first packet through the source node's table (egress) and then the destination node's
// (ingress), the way the packet crosses the real nodes.
import type { Cluster } from '../../api/cluster.js';
import { nodeInternalIP } from '../../controllers/kubelet-sim.js';
import type { Pod } from '../../api/types.js';
import { tracePacket, type TracePacket, type TraceResult } from '../../nft/tracer.js';
import { policyInputOf } from './model.js';
import { renderPolicy, type PolicyRender } from './render.js';
import { gatewayOf } from './skeleton.js';

export function renderAll(cluster: Cluster, clusterName = 'demo'): Map<string, PolicyRender> {
  return new Map(
    cluster.nodes.map((n) => [
      n.metadata.name!,
      renderPolicy(policyInputOf(cluster, n.metadata.name!, clusterName)),
    ]),
  );
}

/** The node's own addresses: its InternalIP and its bridge gateway. */
export function nodeAddresses(cluster: Cluster, node: string): string[] {
  const n = cluster.nodes.find((x) => x.metadata.name === node)!;
  return [nodeInternalIP(n)!, ...(n.spec?.podCIDR ? [gatewayOf(n.spec.podCIDR)] : [])];
}

export interface PodTrace {
  allowed: boolean;
  hops: TraceResult[];
}

/** A pod's first packet to another pod: its node forwards it, then the destination's node. */
export function tracePods(
  cluster: Cluster,
  tables: Map<string, PolicyRender>,
  src: Pod,
  dst: Pod,
  packet: Pick<TracePacket, 'protocol' | 'dport'>,
): PodTrace {
  const p: TracePacket = { saddr: src.status!.podIP!, daddr: dst.status!.podIP!, ...packet };
  const nodes = [src.spec!.nodeName!, dst.spec!.nodeName!].filter((n, i, a) => a.indexOf(n) === i);
  const hops: TraceResult[] = [];
  for (const node of nodes) {
    const r = tracePacket(tables.get(node)!.table, 'prerouting', p, {
      localAddresses: nodeAddresses(cluster, node),
    });
    hops.push(r);
    if (r.verdict !== 'accept') return { allowed: false, hops };
  }
  return { allowed: true, hops };
}

/**
 * Two nodes (node-1: pods 10.244.0.0/24, node-2: 10.244.1.0/24); `shop` holds a web pod and an
 * api pod (named port `http` = 8080 on api, 80 on web), `ops` a monitor pod, `other` a client.
 * Policies: default deny ingress in shop; web open from namespaces labelled team=ops on
 * port 80 and from anywhere in shop; api reachable on the named port `http` and 9000-9100
 * from shop; monitor egress only to 10.244.0.0/16 except node-2's range, DNS over UDP to
 * anything, and SCTP 3868.
 */
export const SCENARIO = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Namespace
metadata: {name: ops, labels: {team: ops}}
---
apiVersion: v1
kind: Namespace
metadata: {name: other}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {nodeName: node-1, containers: [{name: c, ports: [{name: http, containerPort: 80}]}]}
status: {podIP: 10.244.0.10}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: shop, labels: {app: api}}
spec: {nodeName: node-2, containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
status: {podIP: 10.244.1.10}
---
apiVersion: v1
kind: Pod
metadata: {name: monitor, namespace: ops, labels: {app: monitor}}
spec: {nodeName: node-1, containers: [{name: c, ports: [{containerPort: 9090}]}]}
status: {podIP: 10.244.0.20}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: other, labels: {app: client}}
spec: {nodeName: node-2, containers: [{name: c}]}
status: {podIP: 10.244.1.20}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
    - from: [{namespaceSelector: {matchLabels: {team: ops}}}]
      ports: [{port: 80}]
    - from: [{podSelector: {}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
    - from: [{podSelector: {}}]
      ports: [{port: http}, {port: 9000, endPort: 9100}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: monitor-egress, namespace: ops}
spec:
  podSelector: {matchLabels: {app: monitor}}
  policyTypes: [Egress]
  egress:
    - to: [{ipBlock: {cidr: 10.244.0.0/16, except: [10.244.1.0/24]}}]
    - ports: [{port: 53, protocol: UDP}, {port: 3868, protocol: SCTP}]
`;
