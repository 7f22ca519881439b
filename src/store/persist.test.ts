import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import { isExpired } from './errors.js';
import { openPersistentStore } from './persist.js';

const pod = (name: string, ns = 'x', labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels },
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pn-persist-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SqlitePersister', () => {
  it('reloads objects with their resourceVersions, uids, creation order and the revision', async () => {
    const a = openPersistentStore(dir);
    a.store.create(pod('b'));
    a.store.create(pod('a'));
    a.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } });
    a.store.update(pod('b', 'x', { k: 'v' }));
    a.store.create(pod('gone'));
    a.store.delete('Pod', 'x', 'gone');
    await a.persister.flushed();
    a.persister.close();

    const b = openPersistentStore(dir);
    expect(b.store.resourceVersion).toBe(6);
    expect(b.store.list('Pod').map((p) => [p.metadata!.name, p.metadata!.resourceVersion])).toEqual([
      ['b', '4'],
      ['a', '2'],
    ]);
    expect(b.store.get('Pod', 'x', 'b')!.metadata!.labels).toEqual({ k: 'v' });
    expect(b.store.kindRevision('Namespace')).toBe(3);
    // New writes continue the revision and never reuse a uid.
    const c = b.store.create(pod('c'));
    expect(c.metadata!.resourceVersion).toBe('7');
    const uids = b.store.list('Pod').map((p) => p.metadata!.uid);
    expect(new Set(uids).size).toBe(uids.length);
    b.persister.close();
  });

  it('expires watches from before the restart', () => {
    const a = openPersistentStore(dir);
    a.store.create(pod('a'));
    a.store.create(pod('b'));
    a.persister.close();
    const b = openPersistentStore(dir);
    let err: unknown;
    try {
      b.store.watch('Pod', 1, () => {});
    } catch (e) {
      err = e;
    }
    expect(isExpired(err)).toBe(true);
    b.persister.close();
  });

  it('batches a burst of writes per tick (benchmark note in the output)', async () => {
    const { store, persister } = openPersistentStore(dir);
    const n = 20000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      store.create(pod(`p${i}`));
      if (i % 1000 === 999) await persister.flushed();
    }
    await persister.flushed();
    const ms = performance.now() - t0;
    process.stderr.write(
      `persist: ${n} creates in ${ms.toFixed(0)} ms = ${Math.round((n / ms) * 1000)} writes/s\n`,
    );
    persister.close();
    expect(openPersistentStore(dir).store.list('Pod')).toHaveLength(n);
  });
});
