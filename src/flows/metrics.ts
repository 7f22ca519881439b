// Prometheus counters of the flow log, served by the daemon at the API's /metrics
// (`kubectl get --raw /metrics`): podnet_networkpolicy_flows_total{node, direction, policy,
// verdict}. The agents count into the flow store (store.ts `counters`, never pruned); each
// scrape mirrors those totals, so the series stay monotonic across agent and daemon restarts.
import { existsSync } from 'node:fs';
import { Counter, Registry } from 'prom-client';
import { FlowStore } from './store.js';

export function flowMetrics(file: string): () => Promise<{ contentType: string; body: string }> {
  const registry = new Registry();
  new Counter({
    name: 'podnet_networkpolicy_flows_total',
    help: 'Connection attempts NetworkPolicy accepted (verdict="allowed") or dropped ("denied"), per deciding policy; a default-deny drop counts for each isolating policy.',
    labelNames: ['node', 'direction', 'policy', 'verdict'],
    registers: [registry],
    collect() {
      this.reset();
      if (!existsSync(file)) return;
      const store = new FlowStore(file, { readonly: true });
      try {
        for (const c of store.counters())
          this.inc({ node: c.node, direction: c.direction, policy: c.policy, verdict: c.verdict }, c.count);
      } finally {
        store.close();
      }
    },
  });
  return async () => ({ contentType: registry.contentType, body: await registry.metrics() });
}
