// The cached node duties against node-duties.ts over the whole input, on random clusters
// changed step by step, each step telling the cache only the Services that changed.
import { describe, expect, it } from 'vitest';
import { defaultClusterConfig, type Cluster } from '../../api/cluster.js';
import type { KubeObject } from '../../api/types.js';
import { simulateCluster } from '../../offline/simulate.js';
import { proxyInput } from './fixture.test-util.js';
import { serviceKey, slicesByService } from './model.js';
import { NodeDutiesCache } from './node-duties-cache.js';
import { announcedAddresses, healthCheckNodePorts } from './node-duties.js';
import { contextOf, type ServiceChange } from './partial.js';
import { mutate, randomServices } from './random-services.test-util.js';

const simulate = async (objects: KubeObject[]) =>
  (await simulateCluster(structuredClone(objects), defaultClusterConfig)).cluster;

/** Every Service of `c` and every Service of `before` gone from it, as changes. */
function changes(c: Cluster, before?: Cluster): ServiceChange[] {
  const slices = slicesByService(c.endpointSlices);
  const out: ServiceChange[] = c.services.map((service) => ({
    key: serviceKey(service),
    service,
    slices: slices.get(serviceKey(service)) ?? [],
  }));
  const present = new Set(out.map((ch) => ch.key));
  for (const s of before?.services ?? [])
    if (!present.has(serviceKey(s))) out.push({ key: serviceKey(s), slices: [] });
  return out;
}

/** The changes between two clusters: Services whose object or slices differ, or that are gone. */
function changed(before: Cluster, after: Cluster): ServiceChange[] {
  const text = (c: Cluster) => new Map(changes(c).map((ch) => [ch.key, JSON.stringify(ch)]));
  const a = text(before);
  return changes(after, before).filter((ch) => a.get(ch.key) !== JSON.stringify(ch));
}

describe('NodeDutiesCache', () => {
  it.each([1, 2, 3, 4, 5])(
    'equals the duties of the whole input after every change, seed %i',
    async (seed) => {
      let objects = randomServices({ seed, pods: 12, services: 12 });
      let cluster = await simulate(objects);
      const cache = new NodeDutiesCache();
      const context = contextOf(proxyInput(cluster, 'node-1'));
      cache.reset(context, changes(cluster));
      let seen = 0;
      for (let step = 0; step < 8; step++) {
        const input = proxyInput(cluster, 'node-1');
        expect(cache.announced()).toEqual(announcedAddresses(input));
        expect(cache.healthCheckNodePorts()).toEqual(healthCheckNodePorts(input));
        seen += cache.announced().length + cache.healthCheckNodePorts().size;
        objects = mutate(objects, seed * 10 + step);
        const next = await simulate(objects);
        cache.update(context, changed(cluster, next));
        cluster = next;
      }
      expect(seen, 'some LoadBalancer duties were checked').toBeGreaterThan(0);
    },
  );

  it('says nothing changed when no LoadBalancer Service did', async () => {
    const cluster = await simulate(randomServices({ seed: 1, pods: 4, services: 6 }));
    const context = contextOf(proxyInput(cluster, 'node-1'));
    const cache = new NodeDutiesCache();
    cache.reset(context, changes(cluster));
    const others = changes(cluster).filter((ch) => ch.service?.spec?.type !== 'LoadBalancer');
    expect(others.length).toBeGreaterThan(0);
    expect(cache.update(context, others)).toBe(false);
  });
});
