// The index source against a fake API client: first build only when every kind is listed, watch
// events applied to the index in place at once (and the cached replies they can alter dropped),
// a relist's few changes applied the same way, builds debounced and paced after larger relists, resume on a normal end, relist on 410 and on failures.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types.js';
import type { ListResult, WatchEnd, WatchEvent, WatchHandle } from '../../client/http-client.js';
import { clusterIPService, clusterOf, ns, pod } from '../fixture.test-util.js';
import dnsPacket from 'dns-packet';
import { answer, buildDnsIndex, type DnsIndex } from '../records.js';
import { queryPacket } from './client.test-util.js';
import { ApiIndexSource, RELIST_IN_PLACE } from './index-source.js';
import { Responder } from './responder.js';
import type { WatchClient } from '../../client/reflector.js';

interface FakeWatch {
  kind: string;
  rv: string;
  emit(type: WatchEvent<KubeObject>['type'], o: KubeObject): void;
  end(e: WatchEnd): void;
}

/** Lists what `objects` holds; records list calls and open watches; fails lists while told to. */
class FakeClient implements WatchClient {
  objects = new Map<string, KubeObject[]>();
  rv = 10;
  lists: string[] = [];
  watches: FakeWatch[] = [];
  failLists = 0;

  async listWithVersion<T extends KubeObject>(kind: string): Promise<ListResult<T>> {
    this.lists.push(kind);
    if (this.failLists > 0) {
      this.failLists--;
      throw new Error('connect ECONNREFUSED');
    }
    return { items: (this.objects.get(kind) ?? []) as T[], resourceVersion: String(this.rv) };
  }

  watch<T extends KubeObject>(kind: string, rv: string, onEvent: (e: WatchEvent<T>) => void): WatchHandle {
    let end: (e: WatchEnd) => void = () => {};
    const done = new Promise<WatchEnd>((resolve) => (end = resolve));
    const w: FakeWatch = {
      kind,
      rv,
      emit: (type, o) => onEvent({ type, object: o as T }),
      end: (e) => {
        this.watches = this.watches.filter((x) => x !== w);
        end(e);
      },
    };
    this.watches.push(w);
    return { stop: () => w.end({ reason: 'stopped' }), done };
  }

  watchOf(kind: string): FakeWatch {
    const w = this.watches.find((x) => x.kind === kind);
    if (!w) throw new Error(`no watch of ${kind}`);
    return w;
  }
}

const until = async (cond: () => boolean, ms = 2000) => {
  const t = Date.now();
  while (!cond()) {
    if (Date.now() - t > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 2));
  }
};

const svc = (name: string, ip: string, rv: number) => {
  const s = clusterIPService('shop', name, [ip], [{ name: 'http', protocol: 'TCP', port: 80 }]);
  s.metadata.resourceVersion = String(rv);
  return s;
};
const A = (index: DnsIndex | undefined, name: string) =>
  index ? answer(index, `${name}.shop.svc.cluster.local`, 'A').answers.map((r) => r.data) : 'no index';

function start(client: FakeClient) {
  const builds: number[] = [];
  const updates: number[] = [];
  const source = new ApiIndexSource({
    client,
    dns: { zone: 'cluster.local', pods: 'disabled' },
    debounceMs: 20,
    maxDelayMs: 100,
    backoff: { minMs: 5, maxMs: 20 },
    onBuilt: (_, s) => builds.push(s),
    onUpdated: (_, s) => updates.push(s),
  });
  source.start();
  return { source, builds, updates };
}

/** What buildDnsIndex makes of the objects the source's reflectors hold now. */
function rebuilt(client: FakeClient, current: DnsIndex): DnsIndex {
  const dns = { zone: 'cluster.local', pods: 'disabled' as const, serial: current.serial };
  const cluster = clusterOf([...client.objects.values()].flat() as Parameters<typeof clusterOf>[0]);
  return buildDnsIndex(cluster, dns);
}

describe('ApiIndexSource', () => {
  it('builds the first index once every kind is listed, then applies each event to it at once', async () => {
    const client = new FakeClient();
    client.objects.set('Namespace', [ns('shop')]);
    client.objects.set('Service', [svc('web', '10.96.0.20', 5)]);
    client.failLists = 1; // the first list fails: retried after the back-off
    const { source, builds, updates } = start(client);
    try {
      await until(() => source.current() !== undefined);
      expect(A(source.current(), 'web')).toEqual(['10.96.0.20']);
      expect(client.lists.filter((k) => k === 'Namespace').length).toBe(2);
      await until(() => client.watches.length === 3);
      expect(client.watches.map((w) => `${w.kind}@${w.rv}`).sort()).toEqual([
        'EndpointSlice@10',
        'Namespace@10',
        'Service@10',
      ]);

      const first = source.current()!;
      const serial = first.serial;
      const w = client.watchOf('Service');
      for (let i = 0; i < 10; i++) w.emit('ADDED', svc(`api-${i}`, `10.96.1.${i}`, 11 + i));
      // Answered at once, from the same index changed in place, with a higher serial each time.
      expect(source.current()).toBe(first);
      expect(A(first, 'api-9')).toEqual(['10.96.1.9']);
      expect(first.serial).toBe(serial + 10);
      expect([builds.length, updates.length]).toEqual([1, 10]);

      w.emit('DELETED', svc('web', '10.96.0.20', 30));
      expect(A(first, 'web')).toEqual([]);
      // Only a field the index does not read: nothing to do, the serial stays.
      const api0 = svc('api-0', '10.96.1.0', 40);
      api0.metadata.labels = { team: 'a' };
      w.emit('MODIFIED', api0);
      expect([first.serial, updates.length]).toEqual([serial + 11, 11]);

      client.objects.set(
        'Service',
        Array.from({ length: 10 }, (_, i) => svc(`api-${i}`, `10.96.1.${i}`, 0)),
      );
      expect(first).toEqual(rebuilt(client, first));
      await new Promise((r) => setTimeout(r, 50));
      expect(builds.length).toBe(1);
    } finally {
      source.close();
    }
  });

  it('resumes a watch the server ended from the last version, and lists again after 410 or a failure', async () => {
    const client = new FakeClient();
    client.objects.set('Namespace', [ns('shop')]);
    const { source } = start(client);
    try {
      await until(() => client.watches.length === 3);
      client.watchOf('Service').emit('ADDED', svc('web', '10.96.0.20', 15));
      client.watchOf('Service').emit('BOOKMARK', { kind: 'Service', metadata: { resourceVersion: '17' } });
      client.watchOf('Service').end({ reason: 'closed' });
      await until(() => client.watches.filter((w) => w.kind === 'Service').length === 1);
      expect(client.watchOf('Service').rv).toBe('17');
      expect(client.lists.filter((k) => k === 'Service').length).toBe(1);

      // Expired: list again; the list is the truth (web was deleted meanwhile, db created).
      client.objects.set('Service', [svc('db', '10.96.0.30', 40)]);
      client.rv = 41;
      client.watchOf('Service').end({ reason: 'expired', message: 'too old resource version' });
      await until(() => A(source.current(), 'db').length === 1 && A(source.current(), 'web').length === 0);
      expect(client.lists.filter((k) => k === 'Service').length).toBe(2);
      await until(() => client.watches.some((w) => w.kind === 'Service' && w.rv === '41'));

      // The connection dropped: list again after the back-off.
      client.watchOf('Service').end({ reason: 'failed', message: 'the watch connection dropped' });
      await until(() => client.lists.filter((k) => k === 'Service').length === 3);
    } finally {
      source.close();
    }
    await until(() => client.watches.length === 0);
  });

  it('drops the cached replies an event can alter: its namespace and the global ones', async () => {
    const client = new FakeClient();
    client.objects.set('Namespace', [ns('shop'), ns('bank')]);
    const vault = clusterIPService('bank', 'vault', ['10.96.0.30'], [{ name: 'http', port: 80 }]);
    client.objects.set('Service', [svc('web', '10.96.0.20', 5), vault]);
    const { source } = start(client);
    let cached = false;
    const responder = new Responder({
      dns: { zone: 'cluster.local', pods: 'disabled' },
      index: () => source.current(),
      lastChange: (namespace) => source.lastChange(namespace),
      onServed: (s) => (cached = s.cached),
    });
    const ask = (name: string, type = 'A') => {
      const reply = dnsPacket.decode(responder.handle(queryPacket(name, type), 'udp', 4) as Buffer);
      const records = [...(reply.answers ?? []), ...(reply.authorities ?? [])];
      return { data: records.map((a) => a.data as unknown), cached };
    };
    const questions = {
      web: ['web.shop.svc.cluster.local'],
      vault: ['vault.bank.svc.cluster.local'],
      missing: ['missing.bank.svc.cluster.local'], // NXDOMAIN, with the SOA
      apex: ['cluster.local', 'SOA'], // global
    };
    const askAll = () =>
      Object.fromEntries(Object.entries(questions).map(([k, [name, type]]) => [k, ask(name, type)]));
    const soa = () => expect.objectContaining({ serial: source.current()!.serial });
    try {
      await until(() => client.watches.length === 3 && source.current() !== undefined);
      askAll();
      expect(askAll()).toEqual({
        web: { data: ['10.96.0.20'], cached: true },
        vault: { data: ['10.96.0.30'], cached: true },
        missing: { data: [soa()], cached: true },
        apex: { data: [soa()], cached: true },
      });

      client.watchOf('Service').emit('MODIFIED', svc('web', '10.96.0.21', 6)); // namespace shop
      expect(askAll()).toEqual({
        web: { data: ['10.96.0.21'], cached: false },
        vault: { data: ['10.96.0.30'], cached: true },
        missing: { data: [soa()], cached: true }, // kept, with the serial of now
        apex: { data: [soa()], cached: false },
      });

      // A change the index does not read drops nothing.
      const labelled = svc('web', '10.96.0.21', 7);
      labelled.metadata.labels = { team: 'a' };
      client.watchOf('Service').emit('MODIFIED', labelled);
      expect(Object.values(askAll()).every((r) => r.cached)).toBe(true);

      client.watchOf('Service').emit('DELETED', labelled);
      expect(askAll()).toMatchObject({
        web: { data: [soa()], cached: false },
        vault: { cached: true },
        missing: { cached: true },
        apex: { cached: false },
      });
    } finally {
      source.close();
    }
  });

  it('applies the few changes a relist found in place, as events (client-go Replace)', async () => {
    const client = new FakeClient();
    client.objects.set('Namespace', [ns('shop')]);
    client.objects.set('Service', [svc('web', '10.96.0.20', 5), svc('api', '10.96.0.21', 6)]);
    const { source, builds, updates } = start(client);
    try {
      await until(() => client.watches.length === 3 && source.current() !== undefined);
      const first = source.current()!;
      // While the watch was down: web deleted, db added, api unchanged.
      client.objects.set('Service', [svc('api', '10.96.0.21', 6), svc('db', '10.96.0.30', 40)]);
      client.watchOf('Service').end({ reason: 'expired' });
      await until(() => client.watches.length === 3 && updates.length === 2);
      expect(builds.length).toBe(1);
      expect(source.current()).toBe(first);
      expect(A(first, 'db')).toEqual(['10.96.0.30']);
      expect(A(first, 'web')).toEqual([]);
      expect(A(first, 'api')).toEqual(['10.96.0.21']);
    } finally {
      source.close();
    }
  });

  it(`builds again after a relist of more than ${RELIST_IN_PLACE} changes, and leaves the events that come meanwhile to that build`, async () => {
    const client = new FakeClient();
    client.objects.set('Namespace', [ns('shop')]);
    client.objects.set('Service', [svc('web', '10.96.0.20', 5)]);
    const { source, builds, updates } = start(client);
    try {
      await until(() => client.watches.length === 3 && source.current() !== undefined);
      const many = Array.from({ length: RELIST_IN_PLACE + 1 }, (_, i) =>
        svc(`s-${i}`, `10.97.${i >> 8}.${i & 255}`, 40),
      );
      client.objects.set('Service', [svc('db', '10.96.0.30', 40), ...many]);
      client.watchOf('Service').end({ reason: 'expired' });
      await until(() => client.watches.length === 3);
      // The Service relist is in, its build is due: an event meanwhile waits for the build.
      const first = source.current()!;
      client.watchOf('Namespace').emit('ADDED', ns('bank'));
      expect(updates.length).toBe(0);
      expect(first.namespaces.has('bank')).toBe(false);
      await until(() => source.current() !== first);
      expect(builds.length).toBe(2);
      expect(source.current()!.namespaces.has('bank')).toBe(true);
      expect(A(source.current(), 'db')).toEqual(['10.96.0.30']);
      expect(source.current()!.serial).toBeGreaterThan(first.serial);
    } finally {
      source.close();
    }
  });

  it('paces builds: the next starts no sooner than 2 build-times after the last ended', async () => {
    const client = new FakeClient();
    client.objects.set('Namespace', [ns('shop')]);
    client.objects.set(
      'Service',
      Array.from({ length: 5000 }, (_, i) => svc(`s-${i}`, `10.96.${i >> 8}.${i & 255}`, 5)),
    );
    const ends: { end: number; ms: number }[] = [];
    const source = new ApiIndexSource({
      client,
      dns: { zone: 'cluster.local', pods: 'disabled' },
      debounceMs: 1,
      onBuilt: (_, s) => ends.push({ end: performance.now(), ms: s * 1000 }),
    });
    source.start();
    try {
      await until(() => client.watches.length === 3);
      const services = client.objects.get('Service')!;
      for (let i = 0; i < 30; i++) {
        // Each relist changes every Service, so asks for a build; the builds that happen must
        // keep their distance.
        client.objects.set('Service', [
          svc('s-0', `10.97.0.${i}`, 100 + i),
          ...services
            .slice(1)
            .map((s) => ({ ...s, metadata: { ...s.metadata, resourceVersion: String(100 + i) } })),
        ]);
        client.watchOf('Service').end({ reason: 'expired' });
        await until(() => client.watches.length === 3);
        await new Promise((r) => setTimeout(r, 10));
      }
      await until(() => A(source.current(), 's-0')[0] === '10.97.0.29');
    } finally {
      source.close();
    }
    expect(ends.length).toBeGreaterThan(2);
    for (let i = 1; i < ends.length; i++) {
      const started = ends[i].end - ends[i].ms;
      expect(started - ends[i - 1].end).toBeGreaterThanOrEqual(2 * ends[i - 1].ms - 2);
    }
  });

  it('watches Pods only with pods verified (CoreDNS initPodCache), and answers from them', async () => {
    const client = new FakeClient();
    client.objects.set('Namespace', [ns('shop')]);
    client.objects.set('Pod', [pod('shop', 'web-1', '10.244.1.5')]);
    const source = new ApiIndexSource({ client, dns: { zone: 'cluster.local', pods: 'verified' } });
    source.start();
    try {
      await until(() => client.watches.length === 4);
      expect(client.watches.map((w) => w.kind)).toContain('Pod');
      await until(() => source.current() !== undefined);
      expect(answer(source.current()!, '10-244-1-5.shop.pod.cluster.local', 'A').rcode).toBe('NOERROR');
      expect(answer(source.current()!, '10-244-1-6.shop.pod.cluster.local', 'A').rcode).toBe('NXDOMAIN');
    } finally {
      source.close();
    }
  });
});
