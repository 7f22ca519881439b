// updateDnsIndex against buildDnsIndex: random sequences of creations, updates and deletions
// over a small world of names and addresses (random-changes.test-util.ts), and after every step
// the updated index must equal a fresh build of the same objects.
import { describe, expect, it } from 'vitest';
import { emptyCluster } from '../api/cluster.js';
import type { EndpointSlice, KubeObject, Namespace, Pod, Service } from '../api/types.js';
import { mulberry32 } from '../../test/support/random-cluster.js';
import { updateDnsIndex, type DnsObjectChange } from './dns-index-update.js';
import { handlerCluster, pod } from './fixture.test-util.js';
import { randomChange, type Kind, type Rnd } from './random-changes.test-util.js';
import { buildDnsIndex, type DnsIndex } from './records.js';
import type { PodsMode } from './types.js';

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
