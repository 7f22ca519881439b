// updateDnsIndex against buildDnsIndex: random sequences of creations, updates and deletions
// over a small world of names and addresses (so that Services share ClusterIPs, slices share
// addresses, slices name Services that do not exist yet and move between Services), and after
// every step the updated index must equal a fresh build of the same objects.
import { describe, expect, it } from 'vitest';
import { emptyCluster } from '../api/cluster.js';
import type { EndpointSlice, KubeObject, Namespace, Pod, Service } from '../api/types.js';
import { mulberry32 } from '../../test/support/random-cluster.js';
import { updateDnsIndex, type DnsObjectChange } from './dns-index-update.js';
import {
  clusterIPService,
  externalName,
  handlerCluster,
  headless,
  ns,
  pod,
  slice,
} from './fixture.test-util.js';
import { buildDnsIndex, type DnsIndex } from './records.js';
import type { PodsMode } from './types.js';

type Kind = DnsObjectChange['kind'];
type Rnd = () => number;

const NAMESPACES = ['a', 'b', 'kube-system'];
const SERVICES = ['web', 'db', 'kube-dns'];
const SLICES = ['web-1', 'web-2', 'db-1', 'x-1'];
const PODS = ['p1', 'p2', 'p3'];
const CLUSTER_IPS = ['10.96.0.1', '10.96.0.2', 'fd00::1'];
const ADDRESSES = ['10.244.0.1', '10.244.0.2', '10.244.0.3'];
const ADDRESSES6 = ['fd00:10:244::1', 'FD00:10:244::2'];

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
  if (r < 0.15)
    return externalName(namespace, name, pick(rnd, ['www.example.com', 'db.a.svc.cluster.local']));
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
function randomChange(rnd: Rnd, objects: Map<string, KubeObject>): DnsObjectChange {
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

/** buildDnsIndex of the objects, given in a random order (the build must not depend on it). */
function build(objects: Map<string, KubeObject>, pods: PodsMode, rnd: Rnd): DnsIndex {
  const c = emptyCluster();
  const shuffled = [...objects.values()].sort(() => rnd() - 0.5);
  for (const o of shuffled) {
    if (o.kind === 'Namespace') c.namespaces.push(o as Namespace);
    if (o.kind === 'Service') c.services.push(o as Service);
    if (o.kind === 'EndpointSlice') c.endpointSlices.push(o as EndpointSlice);
    if (o.kind === 'Pod') c.pods.push(o as Pod);
  }
  return buildDnsIndex(c, { zone: 'cluster.local', pods });
}

/** The index as text, Maps and Sets in key order (their order means nothing; lists' order does). */
const canonical = (index: DnsIndex) =>
  JSON.stringify(index, (_, v: unknown) =>
    v instanceof Map ? [...v].sort(([a], [b]) => (a < b ? -1 : 1)) : v instanceof Set ? [...v].sort() : v,
  );

/** What equality cannot see: a Service's entries in serviceByIP are the object in `services`. */
const shared = (index: DnsIndex) =>
  [...index.services.values()].every((svc) =>
    svc.clusterIPs.every((ip) => index.serviceByIP.get(ip)?.includes(svc)),
  );

describe('updateDnsIndex', () => {
  for (const pods of ['disabled', 'insecure', 'verified'] as PodsMode[]) {
    it(`equals buildDnsIndex after every step of random changes (pods ${pods})`, () => {
      for (let seed = 1; seed <= 30; seed++) {
        const rnd = mulberry32(seed);
        const objects = new Map<string, KubeObject>();
        const index = build(objects, pods, rnd);
        for (let step = 0; step < 120; step++) {
          const change = randomChange(rnd, objects);
          const before = canonical(index);
          const changed = updateDnsIndex(index, change);
          const want = build(objects, pods, rnd);
          const where = `seed ${seed} step ${step}: ${change.kind} ${JSON.stringify(change.old)} -> ${JSON.stringify(change.object)}`;
          // Text first (fast); toEqual shows the difference.
          if (canonical(index) !== canonical(want)) expect(index, where).toEqual(want);
          if (!changed) expect(canonical(want), `${where} reported no change`).toBe(before);
          if (!shared(index)) expect.fail(`${where}: serviceByIP holds copies`);
        }
      }
    });
  }

  it('takes a populated index apart object by object and builds it again', () => {
    const index = buildDnsIndex(handlerCluster, { zone: 'cluster.local', pods: 'disabled' });
    const all: [Kind, KubeObject[]][] = [
      ['Service', handlerCluster.services],
      ['EndpointSlice', handlerCluster.endpointSlices],
      ['Namespace', handlerCluster.namespaces],
    ];
    for (const [kind, objects] of all) {
      for (const old of objects) expect(updateDnsIndex(index, { kind, old } as DnsObjectChange)).toBe(true);
    }
    const empty = buildDnsIndex(emptyCluster(), { zone: 'cluster.local', pods: 'disabled' });
    expect(index).toEqual(empty);
    for (const [kind, objects] of [...all].reverse()) {
      for (const object of objects) updateDnsIndex(index, { kind, object } as DnsObjectChange);
    }
    expect(index).toEqual(buildDnsIndex(handlerCluster, { zone: 'cluster.local', pods: 'disabled' }));
  });

  it('reports no change when only fields the index does not read changed', () => {
    const index = buildDnsIndex(handlerCluster, { zone: 'cluster.local', pods: 'insecure' });
    const old = handlerCluster.services[0];
    const object = { ...old, metadata: { ...old.metadata, resourceVersion: '99', labels: { a: 'b' } } };
    expect(updateDnsIndex(index, { kind: 'Service', old, object })).toBe(false);
    const p = pod('testns', 'p', '10.244.0.1');
    expect(updateDnsIndex(index, { kind: 'Pod', object: p })).toBe(true);
    expect(updateDnsIndex(index, { kind: 'Pod', old: p, object: { ...p, spec: { nodeName: 'n' } } })).toBe(
      false,
    );
  });
});
