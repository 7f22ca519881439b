// Seeded random clusters with Services of every kind, for property tests: three nodes, pods on
// them (some not ready), Services with random types, traffic policies, affinity, distribution,
// external IPs and ports, loadBalancerSourceRanges, and a few selector-less Services with hand-made EndpointSlices holding
// terminating endpoints. Same seed, same cluster.
import type { KubeObject, Pod, Service, ServiceSpec } from '../../api/types.js';
import { defaultNodes } from '../../offline/simulate.js';
import { pod } from '../../../test/support/builders.js';
import { mulberry32 } from '../../../test/support/random-cluster.js';

export interface RandomServicesOptions {
  seed: number;
  pods: number;
  services: number;
}

export function randomServices(o: RandomServicesOptions): KubeObject[] {
  const rnd = mulberry32(o.seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const apps = ['web', 'api', 'db'];
  const objects: KubeObject[] = [...defaultNodes(3)];
  for (let i = 0; i < o.pods; i++) {
    const node = 1 + Math.floor(rnd() * 3);
    const p = pod(`default/p${i}`, `10.244.${node - 1}.${10 + i}`, { app: pick(apps) }, [
      { containerPort: 8080, name: 'http' },
      { containerPort: 5353, name: 'dns', protocol: 'UDP' },
    ]);
    p.spec!.nodeName = `node-${node}`;
    if (rnd() < 0.2) p.status!.conditions = [{ type: 'Ready', status: 'False' }];
    objects.push(p);
  }
  for (let i = 0; i < o.services; i++) objects.push(service(i, pick, rnd));
  // Selector-less Services whose endpoints are terminating, serving or not.
  for (let i = 0; i < 2; i++) {
    const name = `manual${i}`;
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'default' },
      spec: { type: 'NodePort', externalTrafficPolicy: pick(['Cluster', 'Local']), ports: [{ port: 80 }] },
    } as Service);
    objects.push({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-1`, namespace: 'default', labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      ports: [{ port: 80 }],
      endpoints: Array.from({ length: 3 }, (_, j) => ({
        addresses: [`10.244.${j}.${200 + i}`],
        nodeName: `node-${j + 1}`,
        conditions: { ready: rnd() < 0.3, serving: rnd() < 0.6, terminating: rnd() < 0.7 },
      })),
    } as KubeObject);
  }
  return objects;
}

function service(i: number, pick: <T>(xs: T[]) => T, rnd: () => number): Service {
  const type = pick(['ClusterIP', 'NodePort', 'LoadBalancer']);
  const spec: ServiceSpec = {
    type,
    selector: { app: pick(['web', 'api', 'db', 'none']) },
    ports:
      rnd() < 0.5
        ? [{ name: 'http', port: 80, targetPort: 'http' }]
        : [
            { name: 'http', port: 80, targetPort: 8080 },
            { name: 'dns', port: 53, targetPort: 'dns', protocol: 'UDP' },
          ],
    internalTrafficPolicy: pick(['Cluster', 'Local']),
  };
  if (type !== 'ClusterIP') spec.externalTrafficPolicy = pick(['Cluster', 'Local']);
  if (rnd() < 0.2) spec.externalIPs = [`203.0.113.${10 + i}`]; // distinct: one Service per address
  if (rnd() < 0.25) spec.sessionAffinity = 'ClientIP';
  if (rnd() < 0.25) spec.trafficDistribution = 'PreferClose';
  // Ranges holding the outside client, the pods of node-1, the nodes, or none of the sources.
  if (type === 'LoadBalancer' && rnd() < 0.5)
    spec.loadBalancerSourceRanges = pick([
      ['172.18.0.64/26'],
      ['10.244.0.0/24', '192.0.2.0/24'],
      ['172.18.0.0/30'],
      ['192.0.2.0/24'],
    ]);
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: `s${i}`, namespace: 'default' }, spec };
}

/** A random edit of the objects: the cluster one sync later. */
export function mutate(objects: KubeObject[], seed: number): KubeObject[] {
  const rnd = mulberry32(seed * 7919);
  const out = structuredClone(objects);
  for (const o of out) {
    if (o.kind === 'Pod' && rnd() < 0.2) {
      const p = o as Pod;
      p.status!.conditions = [
        { type: 'Ready', status: p.status?.conditions?.[0]?.status === 'False' ? 'True' : 'False' },
      ];
    }
    if (o.kind === 'Service' && rnd() < 0.3) {
      const s = o as Service;
      const r = rnd();
      if (r < 0.3) s.spec!.selector = { app: ['web', 'api', 'db'][Math.floor(rnd() * 3)] };
      else if (r < 0.5)
        s.spec!.sessionAffinity = s.spec!.sessionAffinity === 'ClientIP' ? 'None' : 'ClientIP';
      else if (r < 0.7)
        s.spec!.internalTrafficPolicy = s.spec!.internalTrafficPolicy === 'Local' ? 'Cluster' : 'Local';
      else if (r < 0.85 && s.spec!.type !== 'ClusterIP')
        s.spec!.externalTrafficPolicy = s.spec!.externalTrafficPolicy === 'Local' ? 'Cluster' : 'Local';
      else s.metadata.name = `${s.metadata.name}-renamed`;
    }
  }
  return out.filter((o) => !(o.kind === 'Service' && rnd() < 0.1));
}
