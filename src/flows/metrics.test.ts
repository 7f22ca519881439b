import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flowMetrics } from './metrics.js';
import { FlowStore, type Flow } from './store.js';

const denied: Flow = {
  time: 1,
  node: 'node-1',
  direction: 'ingress',
  src: '10.244.0.2',
  dst: '10.244.0.3',
  protocol: 'TCP',
  port: 80,
  verdict: 'denied',
  policies: ['x/deny-all', 'x/allow-web'],
  rule: 'isolated by x/allow-web, x/deny-all',
};

describe('flow metrics (/metrics of the API)', () => {
  let dir = '';
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'podnet-flowmetrics-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('mirrors the store counters per policy and verdict, growing with each scrape', async () => {
    const file = join(dir, 'flows.db');
    const metrics = flowMetrics(file);
    expect((await metrics()).body).not.toContain('podnet_networkpolicy_flows_total{');
    const store = new FlowStore(file);
    store.add([denied, denied]);
    const series = (body: string) =>
      body.split('\n').filter((l) => l.startsWith('podnet_networkpolicy_flows_total{'));
    expect(series((await metrics()).body)).toEqual([
      'podnet_networkpolicy_flows_total{node="node-1",direction="ingress",policy="x/allow-web",verdict="denied"} 2',
      'podnet_networkpolicy_flows_total{node="node-1",direction="ingress",policy="x/deny-all",verdict="denied"} 2',
    ]);
    store.add([{ ...denied, verdict: 'allowed', policies: ['x/allow-web'] }]);
    store.close();
    const body = (await metrics()).body;
    expect(body).toContain('# TYPE podnet_networkpolicy_flows_total counter');
    expect(series(body)).toContain(
      'podnet_networkpolicy_flows_total{node="node-1",direction="ingress",policy="x/allow-web",verdict="allowed"} 1',
    );
  });
});
