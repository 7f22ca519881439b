import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlowStore, type Flow } from './store.js';

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
});
