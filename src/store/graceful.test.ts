import { describe, expect, it } from 'vitest';
import type { Pod } from '../api/types.js';
import { deleteObject, podGracePeriod } from './graceful.js';
import { ObjectStore } from './store.js';

const now = new Date('2026-11-22T10:00:00Z');

function storeWith(tweak: (p: Pod) => void = () => undefined): ObjectStore {
  const store = new ObjectStore();
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default' },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx' }] },
    status: { phase: 'Running' },
  };
  tweak(pod);
  store.create(pod);
  return store;
}

describe('graceful pod deletion (pod strategy CheckGracefulDelete)', () => {
  it('marks a running pod: deletionTimestamp = now + 30 s by default', () => {
    const store = storeWith();
    const r = deleteObject(store, 'Pod', 'default', 'web', {}, now);
    expect(r.removed).toBe(false);
    const pod = store.get('Pod', 'default', 'web') as Pod;
    expect(pod.metadata.deletionTimestamp).toBe('2026-11-22T10:00:30Z');
    expect(pod.metadata.deletionGracePeriodSeconds).toBe(30);
  });

  it('takes spec.terminationGracePeriodSeconds, and DeleteOptions over it', () => {
    const pod = (storeWith().get('Pod', 'default', 'web') as Pod) ?? undefined;
    expect(podGracePeriod({ ...pod, spec: { ...pod.spec, terminationGracePeriodSeconds: 5 } }, {})).toBe(5);
    expect(podGracePeriod(pod, { gracePeriodSeconds: 2 })).toBe(2);
  });

  it.each([
    ['grace 0 (the node agent, or --force --grace-period=0)', (_: Pod) => undefined, 0],
    ['an unscheduled pod', (p: Pod) => delete p.spec!.nodeName, undefined],
    ['a finished pod', (p: Pod) => (p.status = { phase: 'Succeeded' }), undefined],
  ])('removes at once: %s', (_what, tweak, grace) => {
    const store = storeWith(tweak as (p: Pod) => void);
    expect(deleteObject(store, 'Pod', 'default', 'web', { gracePeriodSeconds: grace }, now).removed).toBe(
      true,
    );
    expect(store.get('Pod', 'default', 'web')).toBeUndefined();
  });

  it('a second delete may shorten the grace period, never lengthen it', () => {
    const store = storeWith();
    deleteObject(store, 'Pod', 'default', 'web', { gracePeriodSeconds: 10 }, now);
    deleteObject(store, 'Pod', 'default', 'web', { gracePeriodSeconds: 60 }, now);
    expect((store.get('Pod', 'default', 'web') as Pod).metadata.deletionGracePeriodSeconds).toBe(10);
    deleteObject(store, 'Pod', 'default', 'web', { gracePeriodSeconds: 3 }, now);
    expect((store.get('Pod', 'default', 'web') as Pod).metadata.deletionTimestamp).toBe(
      '2026-11-22T10:00:03Z',
    );
  });

  it('other kinds go at once', () => {
    const store = new ObjectStore();
    store.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' } });
    expect(deleteObject(store, 'Service', 'default', 's', {}, now).removed).toBe(true);
  });
});
