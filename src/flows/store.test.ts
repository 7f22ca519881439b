import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFlowStore, FlowStore, type Flow } from './store.js';

const flow = (over: Partial<Flow>): Flow => ({
  time: 1000,
  node: 'node-1',
  direction: 'ingress',
  src: '10.244.0.2',
  srcPod: 'default/client',
  dst: '10.244.1.3',
  dstPod: 'default/web',
  protocol: 'TCP',
  port: 80,
  verdict: 'allowed',
  policies: ['default/allow-web'],
  rule: 'ingress rule 1 of default/allow-web',
  ...over,
});

describe('flow store (SQLite, shared by the agents, read by podnet flows)', () => {
  let dir = '';
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'podnet-flows-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps flows across reopenings and filters by pod, verdict, time and id', () => {
    const file = join(dir, 'flows.db');
    const w = new FlowStore(file);
    w.add([
      flow({}),
      flow({ time: 2000, verdict: 'denied', policies: ['default/deny'], srcPod: 'default/other' }),
      flow({ time: 3000, dstPod: 'kube-system/dns', srcPod: undefined }),
    ]);
    w.close();
    const r = new FlowStore(file, { readonly: true });
    expect(r.query({}).map((f) => f.time)).toEqual([1000, 2000, 3000]);
    expect(r.query({ pod: 'default/other' }).map((f) => f.verdict)).toEqual(['denied']);
    expect(r.query({ verdict: 'allowed', since: 1500 }).map((f) => f.time)).toEqual([3000]);
    const [first] = r.query({ limit: 1 });
    expect(r.query({ afterId: first.id })).toHaveLength(2);
    expect(r.query({})[2].srcPod).toBeUndefined();
    expect(r.counters().map(({ policy, verdict, count }) => ({ policy, verdict, count }))).toEqual(
      expect.arrayContaining([
        { policy: 'default/allow-web', verdict: 'allowed', count: 2 },
        { policy: 'default/deny', verdict: 'denied', count: 1 },
      ]),
    );
    r.close();
  });

  it('prunes the oldest rows past its budget', () => {
    const s = new FlowStore(join(dir, 'small.db'), { budget: 10 });
    for (let i = 0; i < 25; i++) s.add([flow({ time: i })]);
    s.prune();
    expect(s.query({}).map((f) => f.time)).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
    // The counters are not pruned: they stay monotonic for Prometheus.
    expect(s.counters().reduce((n, c) => n + c.count, 0)).toBe(25 * flow({}).policies.length);
    s.close();
  });

  // The agents of a cluster start together and each opens the store: what `podnet up` did when
  // one of them crashed with "database is locked" and its node never became Ready. Separate
  // processes, because SQLite's file locks are per process. The children run the built module
  // (npm test builds first).
  it('is opened by several agent processes at once without "database is locked" once created', async () => {
    const file = join(dir, 'flows.db');
    createFlowStore(file);
    const module = join(import.meta.dirname, '..', '..', 'dist', 'flows', 'store.js');
    // Each child spins until the round's start time so that the opens meet within a millisecond
    // (spawned one by one from this large process, they would otherwise start ms apart).
    const script = `const { FlowStore } = await import(${JSON.stringify(module)});
      while (Date.now() < Number(process.argv[2]));
      try {
        const s = new FlowStore(process.argv[1]);
        s.add([{ time: 1, node: 'n', direction: 'ingress', src: 'a', dst: 'b', protocol: 'TCP', port: 80,
          verdict: 'allowed', policies: [], rule: 'r' }]);
        s.close();
      } catch (e) {
        process.stderr.write(e.message);
        process.exitCode = 1;
      }`;
    const open = (at: number) =>
      new Promise<string>((done) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, file, String(at)]);
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('close', (code) => done(code === 0 ? 'ok' : err || `exit ${code}`));
      });
    const results: string[] = [];
    for (let round = 0; round < 12; round++) {
      const at = Date.now() + 400;
      results.push(...(await Promise.all([open(at), open(at), open(at)])));
    }
    expect(results.filter((r) => r !== 'ok')).toEqual([]);
    const s = new FlowStore(file, { readonly: true });
    expect(s.query({})).toHaveLength(36);
    s.close();
  });
});
