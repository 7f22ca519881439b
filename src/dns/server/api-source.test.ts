// The watch path for real: podnet's API server in-process (in-memory store, temp state dir, no
// root), HttpObjectClient.watch over its read socket, and the DNS server's index source following
// creates, deletes, a 410 Expired and a restart of the API server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject, Service } from '../../api/types.js';
import { startApiServer, type ApiServer } from '../../apiserver/server.js';
import { HttpObjectClient, type WatchEvent } from '../../client/http-client.js';
import { ObjectStore } from '../../store/store.js';
import { answer } from '../records.js';
import { ApiIndexSource } from './index-source.js';

const until = async (cond: () => boolean, ms = 5000) => {
  const t = Date.now();
  while (!cond()) {
    if (Date.now() - t > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

const service = (name: string, ip: string): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { clusterIP: ip, clusterIPs: [ip], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
});

describe('the index source against the API server', () => {
  let dir: string;
  let store: ObjectStore;
  let api: ApiServer;
  const start = (s: ObjectStore) =>
    startApiServer({
      stateDir: dir,
      port: 0,
      store: s,
      socketPath: join(dir, 'api.sock'),
      readSocketPath: join(dir, 'read', 'api-read.sock'),
    });
  const writer = () => new HttpObjectClient(join(dir, 'api.sock'));
  const reader = () => new HttpObjectClient(join(dir, 'read', 'api-read.sock'));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pn-dns-api-'));
    store = new ObjectStore({ historySize: 5 });
    api = await start(store);
  });
  afterAll(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('HttpObjectClient.watch: events with kind, 410 for a version past the history, Forbidden kinds', async () => {
    const { resourceVersion } = await reader().listWithVersion('Service');
    const events: WatchEvent<KubeObject>[] = [];
    const w = reader().watch('Service', resourceVersion, (e) => events.push(e));
    await writer().create(service('watched', '10.96.0.40'));
    await writer().delete('Service', 'default', 'watched');
    await until(() => events.length === 2);
    expect(events.map((e) => [e.type, e.object.kind, e.object.metadata?.name])).toEqual([
      ['ADDED', 'Service', 'watched'],
      ['DELETED', 'Service', 'watched'],
    ]);
    w.stop();
    expect(await w.done).toEqual({ reason: 'stopped' });

    for (let i = 0; i < 12; i++) await writer().create({ ...service(`filler-${i}`, `10.96.2.${i}`) });
    const old = reader().watch('Service', '1', () => undefined);
    expect(await old.done).toMatchObject({ reason: 'expired' });

    const secrets = reader().watch('Secret', '0', () => undefined);
    expect(await secrets.done).toMatchObject({
      reason: 'failed',
      message: expect.stringMatching(/forbidden/),
    });
  });

  it('follows creates and deletes, and catches up after the API server restarts', async () => {
    const logs: string[] = [];
    const source = new ApiIndexSource({
      client: reader(),
      dns: { zone: 'cluster.local', pods: 'disabled' },
      backoff: { minMs: 10, maxMs: 50 },
      log: (line) => logs.push(line),
    });
    const A = (name: string) => {
      const index = source.current();
      return index ? answer(index, `${name}.default.svc.cluster.local`, 'A') : undefined;
    };
    source.start();
    try {
      await until(() => source.current() !== undefined);
      expect(A('web')?.rcode).toBe('NXDOMAIN');

      const t = performance.now();
      await writer().create(service('web', '10.96.0.50'));
      await until(() => A('web')?.rcode === 'NOERROR');
      // DNS programming latency: the change is served within a second (here: debounce + build).
      expect(performance.now() - t).toBeLessThan(1000);
      expect(A('web')?.answers.map((r) => r.data)).toEqual(['10.96.0.50']);

      await writer().delete('Service', 'default', 'web');
      await until(() => A('web')?.rcode === 'NXDOMAIN');

      // The API server goes away; meanwhile more changes than its history holds.
      await api.close();
      for (let i = 0; i < 10; i++) store.create(service(`late-${i}`, `10.96.3.${i}`));
      api = await start(store);
      await until(() => A('late-9')?.rcode === 'NOERROR');
      expect(A('late-0')?.answers.map((r) => r.data)).toEqual(['10.96.3.0']);
      expect(logs).toContainEqual(expect.stringMatching(/^Service: watch failed .*; listing again$/));
    } finally {
      source.close();
    }
  });
});
