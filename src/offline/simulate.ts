// A simulated cluster from plain objects: put them in an in-memory store, add the nodes a
// cluster would have (two by default when the input names none), and run the controllers until
// they settle. The result is what `podnet get` shows and what every analysis reads.
import { emptyCluster, type Cluster, type ClusterConfig } from '../api/cluster.js';
import type { KubeObject } from '../api/types.js';
import { runToConvergence } from '../controllers/controller.js';
import { offlineControllers } from '../controllers/index.js';
import { StoreClient } from '../store/client.js';
import { ObjectStore } from '../store/store.js';

export function defaultNodes(count: number): KubeObject[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: `node-${i + 1}`,
      labels: { 'kubernetes.io/hostname': `node-${i + 1}`, 'kubernetes.io/os': 'linux' },
    },
  }));
}

export async function simulateCluster(
  objects: KubeObject[],
  config: ClusterConfig,
): Promise<{ cluster: Cluster; store: ObjectStore }> {
  const store = new ObjectStore({ now: () => new Date('2026-01-01T00:00:00Z') });
  if (!objects.some((o) => o.kind === 'Node'))
    for (const n of defaultNodes(config.defaultNodeCount)) store.create(n);
  for (const o of objects) store.create(o);
  const client = new StoreClient(store);
  await runToConvergence(client, offlineControllers(config), (kind) => store.kindRevision(kind));
  return { cluster: clusterFromStore(store, config), store };
}

export function clusterFromStore(store: ObjectStore, config: ClusterConfig): Cluster {
  const c = emptyCluster(config);
  const list = <T>(kind: string) => store.list(kind) as T[];
  c.namespaces = list('Namespace');
  c.nodes = list('Node');
  c.pods = list('Pod');
  c.services = list('Service');
  c.endpointSlices = list('EndpointSlice');
  c.networkPolicies = list('NetworkPolicy');
  c.ingresses = list('Ingress');
  c.ingressClasses = list('IngressClass');
  c.secrets = list('Secret');
  c.gatewayClasses = list('GatewayClass');
  c.gateways = list('Gateway');
  c.httpRoutes = list('HTTPRoute');
  c.referenceGrants = list('ReferenceGrant');
  return c;
}
