// The node agent's decision (the kubelet's sync loop, reduced to networking): from the pods the
// API assigns to this node and the sandboxes that exist, what to create, what to tear down.
// Pure: the agent feeds it lists and carries out the actions.
import type { Pod } from '../api/types.js';
import { fnv1a } from '../controllers/names.js';

export interface Sandbox {
  /** `ns/name` of the pod. */
  pod: string;
  uid: string;
  netns: string;
  ip: string;
}

export type AgentAction = { type: 'create'; pod: Pod; netns: string } | { type: 'destroy'; sandbox: Sandbox };

const key = (p: Pod) => `${p.metadata.namespace}/${p.metadata.name}`;

/**
 * The pod's network namespace name: owned prefix, cluster name, and a hash of the pod's uid
 * (names in /run/netns must stay short; a recreated pod with the same name gets a new sandbox).
 */
export function podNetnsName(cluster: string, pod: Pod): string {
  const id = `${key(pod)}/${pod.metadata.uid ?? ''}`;
  return `pn-${cluster}-pod-${fnv1a(id).toString(16).padStart(8, '0')}`;
}

export function planSandboxes(
  cluster: string,
  node: string,
  pods: Pod[],
  sandboxes: Sandbox[],
): AgentAction[] {
  const wanted = pods.filter(
    (p) =>
      p.spec?.nodeName === node &&
      !p.spec?.hostNetwork &&
      !p.metadata.deletionTimestamp &&
      !['Succeeded', 'Failed'].includes(p.status?.phase ?? ''),
  );
  const byKey = new Map(sandboxes.map((s) => [s.pod, s]));
  const actions: AgentAction[] = [];
  const keep = new Set<string>();
  for (const p of wanted) {
    const s = byKey.get(key(p));
    if (s && s.uid === (p.metadata.uid ?? '')) {
      keep.add(s.pod);
      continue;
    }
    actions.push({ type: 'create', pod: p, netns: podNetnsName(cluster, p) });
  }
  for (const s of sandboxes) if (!keep.has(s.pod)) actions.unshift({ type: 'destroy', sandbox: s });
  return actions;
}

/** /etc/resolv.conf for a pod with dnsPolicy ClusterFirst (DESIGN.md §2). */
export function resolvConf(namespace: string, clusterDomain: string, nameserver: string): string {
  return `nameserver ${nameserver}\nsearch ${namespace}.svc.${clusterDomain} svc.${clusterDomain} ${clusterDomain}\noptions ndots:5\n`;
}

/** /etc/hosts as the kubelet writes it: localhost, then the pod's own name (and FQDN with a subdomain). */
export function hostsFile(pod: Pod, ip: string, clusterDomain: string): string {
  const hostname = pod.spec?.hostname ?? pod.metadata.name!;
  const fqdn = pod.spec?.subdomain
    ? `${hostname}.${pod.spec.subdomain}.${pod.metadata.namespace}.svc.${clusterDomain}\t`
    : '';
  return `# Kubernetes-managed hosts file (podnet).\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${ip}\t${fqdn}${hostname}\n`;
}
