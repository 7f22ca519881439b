// Builds a Cluster from loose API objects, for tests and small tools that route requests
// without running the loader or the controllers (Services keep what the YAML gives).
import { emptyCluster, type Cluster } from '../api/cluster.js';
import type { KubeObject } from '../api/types.js';

const slots: Record<string, keyof Cluster> = {
  Namespace: 'namespaces',
  Service: 'services',
  Secret: 'secrets',
  Ingress: 'ingresses',
  IngressClass: 'ingressClasses',
  GatewayClass: 'gatewayClasses',
  Gateway: 'gateways',
  HTTPRoute: 'httpRoutes',
  ReferenceGrant: 'referenceGrants',
};

const clusterScoped = new Set(['Namespace', 'IngressClass', 'GatewayClass']);

/** Sorts objects into a Cluster by kind (namespace defaults to `default`); other kinds are dropped. */
export function clusterFromObjects(objects: KubeObject[]): Cluster {
  const cluster = emptyCluster();
  for (const obj of objects) {
    const slot = obj?.kind ? slots[obj.kind] : undefined;
    if (!slot) continue;
    const metadata = { ...(obj.metadata ?? {}) };
    if (!clusterScoped.has(`${obj.kind}`) && !metadata.namespace) metadata.namespace = 'default';
    (cluster[slot] as KubeObject[]).push({ ...obj, metadata });
  }
  return cluster;
}
