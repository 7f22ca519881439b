// Test fixtures for the Service proxy: one scenario cluster with every Service shape the
// renderer handles, and helpers to render it for a node and send packets through the result.
// Addresses follow DESIGN.md §2: node-1 172.18.0.2 (pods 10.244.0.0/24), node-2 172.18.0.3
// (pods 10.244.1.0/24), the outside client 172.18.0.100.
import type { Cluster } from '../../api/cluster.js';
import { nodeInternalIP } from '../../controllers/kubelet-sim.js';
import type { Table } from '../../nft/ir.js';
import {
  traceAll,
  tracePacket,
  type TraceEnv,
  type TracePacket,
  type TraceResult,
} from '../../nft/tracer.js';
import type { ServiceProxyInput } from './model.js';
import { announcedAddresses } from './node-duties.js';

export const EXTERNAL_CLIENT = '172.18.0.100';

export const SCENARIO = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: api-1, namespace: shop, labels: {app: api}}
spec: {nodeName: node-1, containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: api-2, namespace: shop, labels: {app: api}}
spec: {nodeName: node-2, containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: shop, labels: {app: web}}
spec: {nodeName: node-1, containers: [{name: c, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: dns-1, namespace: kube-system, labels: {app: dns}}
spec: {nodeName: node-2, containers: [{name: c, ports: [{containerPort: 53, protocol: UDP}, {containerPort: 53, protocol: TCP}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {type: NodePort, selector: {app: api}, ports: [{name: http, port: 80, targetPort: http, nodePort: 30080}]}
---
apiVersion: v1
kind: Service
metadata: {name: api-lb, namespace: shop}
spec: {type: LoadBalancer, selector: {app: api}, ports: [{port: 80, targetPort: 8080, nodePort: 30081}]}
---
apiVersion: v1
kind: Service
metadata: {name: api-lb-local, namespace: shop}
spec: {type: LoadBalancer, externalTrafficPolicy: Local, selector: {app: api}, ports: [{port: 80, targetPort: 8080, nodePort: 30082}]}
---
apiVersion: v1
kind: Service
metadata: {name: api-ext, namespace: shop}
spec: {selector: {app: api}, externalIPs: [203.0.113.10], ports: [{port: 8000, targetPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: api-local, namespace: shop}
spec: {internalTrafficPolicy: Local, selector: {app: api}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: web-sticky, namespace: shop}
spec: {sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 600}}, selector: {app: api}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: web-local-np, namespace: shop}
spec: {type: NodePort, externalTrafficPolicy: Local, selector: {app: web}, ports: [{port: 80, nodePort: 30083}]}
---
apiVersion: v1
kind: Service
metadata: {name: web-itp-local, namespace: shop}
spec: {internalTrafficPolicy: Local, selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: api-near, namespace: shop}
spec: {trafficDistribution: PreferClose, selector: {app: api}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: empty, namespace: shop}
spec: {type: NodePort, selector: {app: nothing}, ports: [{port: 80, nodePort: 30090}]}
---
apiVersion: v1
kind: Service
metadata: {name: headless, namespace: shop}
spec: {clusterIP: None, selector: {app: api}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: dns, namespace: kube-system}
spec: {selector: {app: dns}, ports: [{name: dns, port: 53, protocol: UDP}, {name: dns-tcp, port: 53, protocol: TCP}]}
---
apiVersion: v1
kind: Service
metadata: {name: draining, namespace: shop}
spec: {ports: [{port: 80}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: draining-1, namespace: shop, labels: {kubernetes.io/service-name: draining}}
addressType: IPv4
ports: [{port: 80}]
endpoints:
- {addresses: [10.244.1.50], nodeName: node-2, conditions: {ready: false, serving: true, terminating: true}}
- {addresses: [10.244.1.51], nodeName: node-2, conditions: {ready: false, serving: false, terminating: true}}
---
apiVersion: v1
kind: Service
metadata: {name: api-lb-ranges, namespace: shop}
spec: {type: LoadBalancer, loadBalancerSourceRanges: [' 172.18.0.64/26', 10.244.1.0/24], selector: {app: api}, ports: [{port: 80, targetPort: 8080, nodePort: 30084}]}
---
apiVersion: v1
kind: Service
metadata: {name: api-lb-nodes, namespace: shop}
spec: {type: LoadBalancer, loadBalancerSourceRanges: [172.18.0.0/30], selector: {app: api}, ports: [{port: 80, targetPort: 8080, nodePort: 30085}]}
---
apiVersion: v1
kind: Service
metadata: {name: api-lb-v6-ranges, namespace: shop}
spec: {type: LoadBalancer, loadBalancerSourceRanges: ['2001:db8::/32'], selector: {app: api}, ports: [{port: 80, targetPort: 8080, nodePort: 30086}]}
---
apiVersion: v1
kind: Service
metadata: {name: empty-lb-ranges, namespace: shop}
spec: {type: LoadBalancer, loadBalancerSourceRanges: [10.244.0.0/16], selector: {app: nothing}, ports: [{port: 80, nodePort: 30087}]}
`;

/** The renderer's input for one node of a simulated cluster. */
export function proxyInput(cluster: Cluster, nodeName: string, clusterName = 'podnet'): ServiceProxyInput {
  const node = cluster.nodes.find((n) => n.metadata.name === nodeName);
  if (!node) throw new Error(`no node ${nodeName}`);
  return {
    clusterName,
    nodeName,
    nodeIP: nodeInternalIP(node)!,
    config: cluster.config,
    services: cluster.services,
    endpointSlices: cluster.endpointSlices,
    nodes: cluster.nodes,
  };
}

/** The node's own addresses: InternalIP, pod gateway, and the LoadBalancer IPs it announces. */
export function localAddresses(cluster: Cluster, nodeName: string): string[] {
  const input = proxyInput(cluster, nodeName);
  const node = cluster.nodes.find((n) => n.metadata.name === nodeName)!;
  const gateway = node.spec?.podCIDR?.replace(/\.0\/\d+$/, '.1');
  return [input.nodeIP, ...(gateway ? [gateway] : []), ...announcedAddresses(input)];
}

/** `ip`: a packet from that address, from outside (prerouting) or sent by the node (output). */
export type Source = { pod: string } | 'node' | 'external' | { ip: string; entry: 'prerouting' | 'output' };

/** A packet from a pod (prerouting), the node itself (output) or outside (prerouting). */
export function packet(
  cluster: Cluster,
  nodeName: string,
  from: Source,
  to: { daddr: string; dport: number; protocol?: TracePacket['protocol'] },
): { entry: 'prerouting' | 'output'; packet: TracePacket; env: TraceEnv } {
  const saddr =
    from === 'node'
      ? proxyInput(cluster, nodeName).nodeIP
      : from === 'external'
        ? EXTERNAL_CLIENT
        : 'ip' in from
          ? from.ip
          : cluster.pods.find((p) => `${p.metadata.namespace}/${p.metadata.name}` === from.pod)!.status!
              .podIP!;
  return {
    entry: from === 'node' ? 'output' : typeof from === 'object' && 'ip' in from ? from.entry : 'prerouting',
    packet: { saddr, daddr: to.daddr, dport: to.dport, protocol: to.protocol ?? 'tcp' },
    env: { localAddresses: localAddresses(cluster, nodeName) },
  };
}

/** Sends the packet once (numgen always 0). */
export function send(table: Table | Table[], p: ReturnType<typeof packet>): TraceResult {
  return tracePacket(table, p.entry, p.packet, p.env);
}

/** Every outcome the random choices allow, summarized and de-duplicated, sorted. */
export function outcomes(table: Table | Table[], p: ReturnType<typeof packet>): string[] {
  return [...new Set(traceAll(table, p.entry, p.packet, p.env).map(summary))].sort();
}

/** `dnat 10.244.0.2:8080 snat 172.18.0.2`, `reject icmp port-unreachable`, `drop`, `accept`. */
export function summary(r: TraceResult): string {
  if (r.verdict === 'reject') return `reject ${r.rejectWith}`;
  if (r.verdict === 'drop') return 'drop';
  const parts = [r.dnat ? `dnat ${r.dnat.addr}:${r.dnat.port}` : 'accept'];
  if (r.snat) parts.push(`snat ${r.snat}`);
  return parts.join(' ');
}
