// The two ends of a connection as policy sees them: a pod (selectable by labels and by its
// namespace's labels) or a bare address (outside the cluster, a node, a host-network pod,
// which podSelectors cannot select).
import { nsName, type Cluster } from '../api/cluster.js';
import { parseIP, type IP } from '../lib/netaddr/index.js';
import type { Labels, Pod, Protocol } from '../api/types.js';

export interface PolicyEndpoint {
  /** `ns/pod`, or the address for non-pods. */
  name: string;
  ip: IP;
  ipText: string;
  pod?: { namespace: string; labels: Labels; namespaceLabels: Labels; object: Pod };
  /** For a node's address: the node's name (traffic between a pod and its own node is exempt). */
  node?: string;
}

export interface Traffic {
  src: PolicyEndpoint;
  dst: PolicyEndpoint;
  /** The destination port after Service translation (the port the packet has at the pod). */
  port: number;
  protocol: Protocol;
}

export function namespaceLabelIndex(cluster: Cluster): Map<string, Labels> {
  return new Map(cluster.namespaces.map((n) => [n.metadata.name!, n.metadata.labels ?? {}]));
}

/** A pod as a policy endpoint; undefined when it has no IP yet. Host-network pods are bare IPs. */
export function podEndpoint(pod: Pod, namespaceLabels: Map<string, Labels>): PolicyEndpoint | undefined {
  const ipText = pod.status?.podIP;
  const ip = ipText ? parseIP(ipText) : null;
  if (!ip || !ipText) return undefined;
  if (pod.spec?.hostNetwork) return { name: nsName(pod), ip, ipText };
  const namespace = pod.metadata.namespace!;
  return {
    name: nsName(pod),
    ip,
    ipText,
    pod: {
      namespace,
      labels: pod.metadata.labels ?? {},
      namespaceLabels: namespaceLabels.get(namespace) ?? {},
      object: pod,
    },
  };
}

export function addressEndpoint(ipText: string, name = ipText, node?: string): PolicyEndpoint {
  const ip = parseIP(ipText);
  if (!ip) throw new Error(`not an IP address: ${ipText}`);
  return node === undefined ? { name, ip, ipText } : { name, ip, ipText, node };
}
