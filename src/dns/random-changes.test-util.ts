// Test-only: random sequences of creations, updates and deletions of the objects the DNS index
// reads, over a small world of names and addresses, so that Services share ClusterIPs, slices
// share addresses, slices name Services that do not exist yet and move between Services, and
// ExternalName Services alias names of other namespaces. Used by dns-index-update.test.ts and
// server/scoped-cache.test.ts.
import type { EndpointSlice, KubeObject, Pod, Service } from '../api/types.js';
import type { DnsObjectChange } from './dns-index-update.js';
import { clusterIPService, externalName, headless, ns, pod, slice } from './fixture.test-util.js';

export type Kind = DnsObjectChange['kind'];
export type Rnd = () => number;

export const NAMESPACES = ['a', 'b', 'kube-system'];
export const SERVICES = ['web', 'db', 'kube-dns'];
export const SLICES = ['web-1', 'web-2', 'db-1', 'x-1'];
/** Targets of ExternalName Services: outside the zone, Services and an endpoint of other namespaces. */
const EXTERNAL_NAMES = [
  'www.example.com',
  'db.a.svc.cluster.local',
  'web.b.svc.cluster.local',
  'h1.db.kube-system.svc.cluster.local',
];
export const PODS = ['p1', 'p2', 'p3'];
export const CLUSTER_IPS = ['10.96.0.1', '10.96.0.2', 'fd00::1'];
export const ADDRESSES = ['10.244.0.1', '10.244.0.2', '10.244.0.3'];
export const ADDRESSES6 = ['fd00:10:244::1', 'FD00:10:244::2'];

const pick = <T>(rnd: Rnd, xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
const some = <T>(rnd: Rnd, xs: T[], max: number): T[] =>
  Array.from({ length: Math.floor(rnd() * (max + 1)) }, () => pick(rnd, xs));

function randomPorts(rnd: Rnd) {
  return some(
    rnd,
    [
      { name: 'http', protocol: 'TCP' as const, port: 80 },
      { name: 'dns', protocol: 'UDP' as const, port: 53 },
      { port: 8080 },
    ],
    2,
  );
}

function randomService(rnd: Rnd, namespace: string, name: string): Service {
  const r = rnd();
  if (r < 0.15) return externalName(namespace, name, pick(rnd, EXTERNAL_NAMES));
  if (r < 0.35) return headless(namespace, name, randomPorts(rnd));
  const ips = r < 0.5 ? [pick(rnd, CLUSTER_IPS), pick(rnd, CLUSTER_IPS)] : [pick(rnd, CLUSTER_IPS)];
  return clusterIPService(namespace, name, ips, randomPorts(rnd));
}

function randomSlice(rnd: Rnd, namespace: string, name: string): EndpointSlice {
  // Mostly the Service its name suggests, sometimes another (the slice moves), none, or the name in capitals.
  const r = rnd();
  const service = r < 0.5 ? name.replace(/-\d$/, '') : r < 0.8 ? pick(rnd, SERVICES) : r < 0.9 ? 'WEB' : '';
  const six = rnd() < 0.25;
  const eps = some(rnd, six ? ADDRESSES6 : ADDRESSES, 3).map(
    (ip) => ip + (rnd() < 0.3 ? `=${pick(rnd, ['h1', 'h2'])}` : '') + (rnd() < 0.2 ? '!' : ''),
  );
  const s = slice(namespace, service, name, eps, randomPorts(rnd));
  s.addressType = rnd() < 0.05 ? 'FQDN' : six ? 'IPv6' : 'IPv4';
  if (!service) s.metadata.labels = {};
  return s;
}

function randomPod(rnd: Rnd, namespace: string, name: string): Pod {
  const p = pod(namespace, name, pick(rnd, ADDRESSES), rnd() < 0.2);
  if (rnd() < 0.1) delete p.status!.podIP;
  return p;
}

/** One step: an object of a random kind and name is created, replaced or deleted. */
export function randomChange(rnd: Rnd, objects: Map<string, KubeObject>): DnsObjectChange {
  const kind = pick(rnd, [
    'Namespace',
    'Service',
    'Service',
    'EndpointSlice',
    'EndpointSlice',
    'Pod',
  ] as Kind[]);
  const namespace = pick(rnd, NAMESPACES);
  const name = {
    Namespace: namespace,
    Service: pick(rnd, SERVICES),
    EndpointSlice: pick(rnd, SLICES),
    Pod: pick(rnd, PODS),
  }[kind];
  const key = `${kind}/${kind === 'Namespace' ? '' : namespace}/${name}`;
  const old = objects.get(key);
  const make: Record<Kind, () => KubeObject> = {
    Namespace: () => ns(name),
    Service: () => randomService(rnd, namespace, name),
    EndpointSlice: () => randomSlice(rnd, namespace, name),
    Pod: () => randomPod(rnd, namespace, name),
  };
  const object = old && rnd() < 0.4 ? undefined : make[kind]();
  if (object) objects.set(key, object);
  else objects.delete(key);
  return { kind, old, object } as DnsObjectChange;
}
