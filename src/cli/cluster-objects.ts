// A read cluster's objects as the analysis commands take them, whichever way they were read
// (remote.ts: a real cluster through @kubernetes/client-node; local-read.ts: the local cluster
// through its own socket): what is dropped on arrival, the address plan inferred from the
// objects, and the Cluster built from them with NO controllers run (the cluster's own
// EndpointSlices, pod IPs and ClusterIPs are authoritative).
import { defaultClusterConfig, type Cluster, type ClusterConfig } from '../api/cluster.js';
import type { KubeObject } from '../api/types.js';
import { cidrContainsCIDR, formatCIDR, parseCIDR, type CIDR } from '../lib/netaddr/index.js';
import { clusterFromStore } from '../offline/simulate.js';
import { ObjectStore } from '../store/store.js';

export const TLS_SECRET = 'kubernetes.io/tls';

/**
 * The kinds read from a cluster, both ways (remote.ts keys its client-node calls by them, so its
 * types require one per kind). ServiceCIDR is read apart: it only informs the address plan.
 */
export const ANALYZED_KINDS = [
  'Namespace',
  'Node',
  'Pod',
  'Service',
  'EndpointSlice',
  'NetworkPolicy',
  'Ingress',
  'IngressClass',
  'Secret',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'GatewayClass',
  'Gateway',
  'HTTPRoute',
  'ReferenceGrant',
] as const;
export type AnalyzedKind = (typeof ANALYZED_KINDS)[number];

/** The read objects (ServiceCIDRs apart) as a Cluster, with the store holding every object. */
export function clusterOfObjects(
  objects: KubeObject[],
  serviceCIDRs: KubeObject[],
): { cluster: Cluster; store: ObjectStore } {
  const store = new ObjectStore();
  for (const o of objects) store.create(o);
  const config = inferConfig(store.list('Node'), serviceCIDRs);
  return { cluster: clusterFromStore(store, config), store };
}

/** Drops what no analysis reads and what must not be kept (Secret data other than tls.crt). */
export function clean(obj: KubeObject): KubeObject | undefined {
  const md: NonNullable<KubeObject['metadata']> & { managedFields?: unknown } = { ...obj.metadata };
  delete md.managedFields;
  if (typeof md.creationTimestamp === 'string')
    md.creationTimestamp = md.creationTimestamp.replace(/\.\d+Z$/, 'Z');
  if (obj.kind !== 'Secret') return { ...obj, metadata: md };
  const s = obj as KubeObject & { type?: string; data?: Record<string, string> };
  if (s.type !== TLS_SECRET) return undefined;
  // Annotations may hold the whole Secret (kubectl's last-applied-configuration): none kept.
  const { name, namespace, uid, resourceVersion, creationTimestamp, labels } = md;
  const crt = s.data?.['tls.crt'];
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp, labels },
    type: TLS_SECRET,
    ...(crt === undefined ? {} : { data: { 'tls.crt': crt } }),
  } as KubeObject;
}

/**
 * The address plan of the real cluster where it shows: the pod CIDR covering the nodes' podCIDRs
 * (with their prefix length) and the Service CIDR of the ServiceCIDR objects (Kubernetes ≥ 1.33).
 * Anything not visible keeps podnet's default.
 */
function inferConfig(nodes: KubeObject[], serviceCIDRs: KubeObject[]): ClusterConfig {
  const config: ClusterConfig = { ...defaultClusterConfig };
  const nodeRanges = nodes
    .map((n) => (n as { spec?: { podCIDR?: string } }).spec?.podCIDR)
    .map((s) => (s ? parseCIDR(s) : null))
    .filter((c): c is CIDR => c?.family === 4);
  if (nodeRanges.length > 0) {
    const def = parseCIDR(config.podCIDR)!;
    const prefix = nodeRanges[0].prefix;
    if (!nodeRanges.every((c) => cidrContainsCIDR(def, c))) config.podCIDR = formatCIDR(covering(nodeRanges));
    if (nodeRanges.every((c) => c.prefix === prefix)) config.nodeCIDRMaskSize = prefix;
  }
  const kubernetesFirst = [...serviceCIDRs].sort(
    (a, b) => Number(b.metadata?.name === 'kubernetes') - Number(a.metadata?.name === 'kubernetes'),
  );
  for (const sc of kubernetesFirst) {
    const v4 = ((sc as { spec?: { cidrs?: string[] } }).spec?.cidrs ?? [])
      .map((s) => parseCIDR(s))
      .find((c) => c?.family === 4);
    if (v4) {
      config.serviceCIDR = formatCIDR(v4);
      break;
    }
  }
  return config;
}

/** The smallest IPv4 prefix holding every range. */
function covering(ranges: CIDR[]): CIDR {
  let prefix = Math.min(...ranges.map((r) => r.prefix));
  const mask = (p: number) => ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - p)) - 1n);
  while (
    prefix > 0 &&
    !ranges.every((r) => (r.network & mask(prefix)) === (ranges[0].network & mask(prefix)))
  )
    prefix--;
  return { family: 4, prefix, network: ranges[0].network & mask(prefix) };
}
