// The reflector against a fake API: a first list, watch events, and a relist after the watch
// expired (410), which must report exactly the objects that differ from those kept.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import type { ListResult, WatchEnd, WatchEvent } from './http-client.js';
import { changesBetween, keyOf, Reflector, type ReflectorChange, type WatchClient } from './reflector.js';

const cm = (name: string, rv: string, data = ''): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'ns', resourceVersion: rv },
    data: { data },
  }) as KubeObject;

/** Serves the lists in turn; each watch sends `events` once, then ends as told or waits for stop(). */
function fakeClient(lists: KubeObject[][], watches: { events: WatchEvent<KubeObject>[]; end?: WatchEnd }[]) {
  let listed = 0;
  let watched = 0;
  const client: WatchClient = {
    listWithVersion: <T extends KubeObject>() =>
      Promise.resolve({
        items: lists[Math.min(listed++, lists.length - 1)],
        resourceVersion: '1',
      } as ListResult<T>),
    watch: <T extends KubeObject>(_kind: string, _rv: string, onEvent: (e: WatchEvent<T>) => void) => {
      const w = watches[watched++] ?? { events: [] };
      let stop = () => {};
      const done = new Promise<WatchEnd>((resolve) => {
        stop = () => resolve({ reason: 'stopped' });
        setTimeout(() => {
          for (const e of w.events) onEvent(e as WatchEvent<T>);
          if (w.end) resolve(w.end);
        }, 1);
      });
      return { stop, done };
    },
  };
  return client;
}

async function collect(
  client: WatchClient,
  count: number,
): Promise<{ changes: ReflectorChange[]; r: Reflector }> {
  const changes: ReflectorChange[] = [];
  let r!: Reflector;
  await new Promise<void>((resolve) => {
    r = new Reflector({
      kind: 'ConfigMap',
      client,
      backoff: { minMs: 1, maxMs: 1 },
      onChange: (c) => {
        changes.push(c);
        if (changes.length === count) resolve();
      },
    });
    r.start();
  });
  r.stop();
  return { changes, r };
}

describe('Reflector', () => {
  it('reports a first list, each watch event, and a relist as the objects that differ', async () => {
    const [a1, b1, c1] = [cm('a', '1'), cm('b', '2'), cm('c', '3')];
    const b2 = cm('b', '4', 'new');
    const d1 = cm('d', '5');
    const client = fakeClient(
      [
        [a1, b1],
        // After the watch expired: a unchanged, b changed, c (added by the watch) gone, d new.
        [a1, b2, d1],
      ],
      [{ events: [{ type: 'ADDED', object: c1 }], end: { reason: 'expired', message: 'too old' } }],
    );
    const { changes, r } = await collect(client, 3);
    expect(changes[0]).toEqual({ type: 'list' });
    expect(changes[1]).toEqual({ type: 'event', key: 'ns/c', object: c1 });
    expect(changes[2]).toEqual({
      type: 'list',
      changes: [
        { type: 'event', key: 'ns/c', old: c1 },
        { type: 'event', key: 'ns/b', old: b1, object: b2 },
        { type: 'event', key: 'ns/d', object: d1 },
      ],
    });
    expect(r.items().map(keyOf)).toEqual(['ns/a', 'ns/b', 'ns/d']);
  });

  it('compares objects without a resourceVersion by content', () => {
    const plain = (data: string) => ({ ...cm('x', '', data), metadata: { name: 'x', namespace: 'ns' } });
    const before = new Map([['ns/x', plain('1')]]);
    expect(changesBetween(before, new Map([['ns/x', plain('1')]]))).toEqual([]);
    expect(changesBetween(before, new Map([['ns/x', plain('2')]]))).toHaveLength(1);
  });
});
