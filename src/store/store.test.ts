import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import { isAlreadyExists, isConflict, isExpired, isNotFound } from './errors.js';
import { ObjectStore, type WatchEvent } from './store.js';

const pod = (name: string, ns = 'x'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns },
});
const fixedClock = () => new Date('2026-01-02T03:04:05.678Z');

function catchErr(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('ObjectStore', () => {
  it('assigns increasing resourceVersions, uid and creationTimestamp', () => {
    const s = new ObjectStore({ now: fixedClock });
    const a = s.create(pod('a'));
    const b = s.create(pod('b'));
    expect(a.metadata!.resourceVersion).toBe('1');
    expect(b.metadata!.resourceVersion).toBe('2');
    expect(a.metadata!.creationTimestamp).toBe('2026-01-02T03:04:05Z');
    expect(a.metadata!.uid).not.toBe(b.metadata!.uid);
  });

  it('lists by kind and namespace in creation order', () => {
    const s = new ObjectStore();
    s.create(pod('b', 'y'));
    s.create(pod('a', 'x'));
    s.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } });
    expect(s.list('Pod').map((p) => p.metadata!.name)).toEqual(['b', 'a']);
    expect(s.list('Pod', 'x').map((p) => p.metadata!.name)).toEqual(['a']);
  });

  it('rejects duplicates, missing objects and stale updates with typed errors', () => {
    const s = new ObjectStore();
    s.create(pod('a'));
    expect(isAlreadyExists(catchErr(() => s.create(pod('a'))))).toBe(true);
    expect(isNotFound(catchErr(() => s.update(pod('zz'))))).toBe(true);
    expect(isNotFound(catchErr(() => s.delete('Pod', 'x', 'zz')))).toBe(true);
    const stale = { ...pod('a'), metadata: { name: 'a', namespace: 'x', resourceVersion: '0' } };
    expect(isConflict(catchErr(() => s.update(stale)))).toBe(true);
  });

  it('keeps uid and creationTimestamp across updates', () => {
    const s = new ObjectStore({ now: fixedClock });
    const a = s.create(pod('a'));
    const b = s.update({ ...pod('a'), metadata: { name: 'a', namespace: 'x', labels: { k: 'v' } } });
    expect(b.metadata!.uid).toBe(a.metadata!.uid);
    expect(b.metadata!.resourceVersion).toBe('2');
  });

  it('replays history after a resourceVersion, then streams new events', () => {
    const s = new ObjectStore();
    s.create(pod('a'));
    s.create(pod('b'));
    s.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'x' } });
    const seen: string[] = [];
    const stop = s.watch('Pod', 1, (e: WatchEvent) =>
      seen.push(`${e.type} ${e.object.metadata!.name} ${e.resourceVersion}`),
    );
    s.delete('Pod', 'x', 'a');
    stop();
    s.create(pod('c'));
    expect(seen).toEqual(['ADDED b 2', 'DELETED a 4']);
  });

  it('expires watches older than the kept history (410 Gone)', () => {
    const s = new ObjectStore({ historySize: 2 });
    for (const n of ['a', 'b', 'c', 'd', 'e']) s.create(pod(n));
    expect(isExpired(catchErr(() => s.watch('Pod', 1, () => {})))).toBe(true);
    const seen: string[] = [];
    s.watch('Pod', 3, (e) => seen.push(e.object.metadata!.name!));
    expect(seen).toEqual(['d', 'e']);
  });
});
