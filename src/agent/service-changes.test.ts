// The change tracker on the agent's path: random clusters changed step by step are turned into
// the watch events a reflector would report (each object added, modified or deleted), the
// tracker's changes are rendered by renderChanged, and the table must equal the full render;
// the tracker's grouping of EndpointSlices must equal slicesByService's.
import { describe, expect, it } from 'vitest';
import { defaultClusterConfig, type Cluster } from '../api/cluster.js';
import type { EndpointSlice, KubeObject } from '../api/types.js';
import { changesBetween, keyOf } from '../client/reflector.js';
import { proxyInput } from '../dataplane/service-proxy/fixture.test-util.js';
import { slicesByService } from '../dataplane/service-proxy/model.js';
import { contextOf, ServiceProxyRenderer } from '../dataplane/service-proxy/partial.js';
import { mutate, randomServices } from '../dataplane/service-proxy/random-services.test-util.js';
import { renderServiceProxy } from '../dataplane/service-proxy/render.js';
import { simulateCluster } from '../offline/simulate.js';
import { ServiceChangeTracker, type ProxyKind } from './service-changes.js';

async function simulate(objects: KubeObject[]): Promise<Cluster> {
  const cluster = (await simulateCluster(structuredClone(objects), defaultClusterConfig)).cluster;
  for (const o of [...cluster.services, ...cluster.endpointSlices, ...cluster.nodes])
    delete o.metadata.resourceVersion;
  return cluster;
}

/** The events that turn `before` into `after`, as a reflector reports them (a relist, too). */
const events = (before: KubeObject[], after: KubeObject[]) =>
  changesBetween(new Map(before.map((o) => [keyOf(o), o])), new Map(after.map((o) => [keyOf(o), o])));

/** A slice the proxy must ignore: its changes dirty no Service. */
const ipv6Slice = (n: number): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'v6', namespace: 'default', labels: { 'kubernetes.io/service-name': 's0' } },
  addressType: 'IPv6',
  endpoints: [{ addresses: [`fd00::${n}`] }],
});

describe('ServiceChangeTracker', () => {
  it.each([1, 2, 3, 4, 5, 6])('drives renderChanged to the full render, seed %i', async (seed) => {
    let objects = randomServices({ seed, pods: 12, services: 10 });
    let cluster = await simulate(objects);
    const tracker = new ServiceChangeTracker();
    const renderer = new ServiceProxyRenderer();
    tracker.record('EndpointSlice', { type: 'list' }, () => cluster.endpointSlices);
    expect(tracker.take(() => undefined)).toEqual({ full: true });
    renderer.render(proxyInput(cluster, 'node-2'));
    for (let step = 0; step < 8; step++) {
      objects = mutate(objects, seed * 100 + step);
      const next = await simulate(objects);
      const slices = [...next.endpointSlices, ipv6Slice(step)];
      const byKind: [ProxyKind, KubeObject[], KubeObject[]][] = [
        ['Service', cluster.services, next.services],
        ['EndpointSlice', [...cluster.endpointSlices, ipv6Slice(step - 1)], slices],
      ];
      // Odd steps come as relists (a watch expired): the same changes, reported at once.
      for (const [kind, before, after] of byKind)
        if (step % 2) tracker.record(kind, { type: 'list', changes: events(before, after) }, () => after);
        else for (const e of events(before, after)) tracker.record(kind, e, () => after);
      for (const [key, group] of slicesByService(next.endpointSlices))
        expect(new Set(tracker.slicesOf(key)), key).toEqual(new Set(group));
      const work = tracker.take((key) => next.services.find((s) => keyOf(s) === key));
      expect(work.full).toBe(false);
      const context = contextOf(proxyInput(next, 'node-2'));
      const r = renderer.renderChanged(context, work.full ? [] : work.changes);
      expect(r.table).toEqual(renderServiceProxy(proxyInput(next, 'node-2')));
      cluster = next;
    }
  });

  it('asks for everything after the first list, a Node event or relist or a failed sync, and dirties both owners of a moved slice', () => {
    const tracker = new ServiceChangeTracker();
    const slice = (service: string): EndpointSlice => ({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'x', namespace: 'ns', labels: { 'kubernetes.io/service-name': service } },
      addressType: 'IPv4',
      endpoints: [],
    });
    tracker.record('Service', { type: 'list' }, () => []);
    expect(tracker.take(() => undefined)).toEqual({ full: true });
    expect(tracker.pending).toBe(false);
    tracker.record('EndpointSlice', { type: 'event', key: 'ns/x', object: slice('a') }, () => []);
    expect(tracker.take(() => undefined)).toEqual({
      full: false,
      changes: [{ key: 'ns/a', service: undefined, slices: [slice('a')] }],
    });
    tracker.record(
      'EndpointSlice',
      { type: 'event', key: 'ns/x', old: slice('a'), object: slice('b') },
      () => [],
    );
    expect(tracker.take(() => undefined)).toEqual({
      full: false,
      changes: [
        { key: 'ns/a', service: undefined, slices: [] },
        { key: 'ns/b', service: undefined, slices: [slice('b')] },
      ],
    });
    tracker.record('Node', { type: 'event', key: '/node-1', object: {} as KubeObject }, () => []);
    expect(tracker.take(() => undefined).full).toBe(true);
    // A relist of Services counts as the changes it found; one of Nodes as everything.
    const removed = { type: 'event', key: 'ns/gone', old: {} as KubeObject } as const;
    tracker.record('Service', { type: 'list', changes: [removed] }, () => []);
    expect(tracker.take(() => undefined)).toEqual({
      full: false,
      changes: [{ key: 'ns/gone', service: undefined, slices: [] }],
    });
    tracker.record('Node', { type: 'list', changes: [] }, () => []);
    expect(tracker.take(() => undefined).full).toBe(true);
    tracker.forceFull();
    expect(tracker.take(() => undefined).full).toBe(true);
  });
});
