// Incremental updates of the Service proxy: for seeded random clusters and random changes to
// them (Services added, removed, retyped; pods becoming unready; endpoints moving), the diff
// between the two rendered tables, applied by the validating fake to the old one, gives the
// new one; and it is small when little changed.
import { describe, expect, it } from 'vitest';
import { defaultClusterConfig } from '../../api/cluster.js';
import type { Service } from '../../api/types.js';
import { diffTables } from '../../nft/diff.js';
import { applyTransaction } from '../../nft/fake.js';
import { canonical } from '../../nft/test-tables.test-util.js';
import { simulateCluster } from '../../offline/simulate.js';
import { proxyInput } from './fixture.test-util.js';
import { mutate, randomServices } from './random-services.test-util.js';
import { renderServiceProxy } from './render.js';

describe('diff of rendered Service proxy tables', () => {
  const seeds = Array.from({ length: 12 }, (_, i) => i + 1);
  it.each(seeds)('old + diff = new, seed %i', async (seed) => {
    const before = randomServices({ seed, pods: 12, services: 10 });
    const a = (await simulateCluster(structuredClone(before), defaultClusterConfig)).cluster;
    const b = (await simulateCluster(mutate(before, seed), defaultClusterConfig)).cluster;
    let changes = 0;
    for (const node of ['node-1', 'node-2', 'node-3']) {
      const old = renderServiceProxy(proxyInput(a, node));
      const next = renderServiceProxy(proxyInput(b, node));
      const tx = diffTables(old, next);
      expect(tx, 'the table keeps its identity').toBeDefined();
      expect(canonical(applyTransaction(old, tx!))).toEqual(canonical(next));
      expect(diffTables(next, next)!.ops).toEqual([]);
      changes += tx!.ops.length;
    }
    expect(changes, 'the mutation changed something').toBeGreaterThan(0);
  });

  it('one new Service costs only its own chains, rules and elements', async () => {
    const objects = randomServices({ seed: 3, pods: 12, services: 10 });
    const a = (await simulateCluster(structuredClone(objects), defaultClusterConfig)).cluster;
    const extra: Service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'zz-new', namespace: 'default' },
      spec: { selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8080 }] },
    };
    const b = (await simulateCluster([...structuredClone(objects), extra], defaultClusterConfig)).cluster;
    const tx = diffTables(
      renderServiceProxy(proxyInput(a, 'node-1')),
      renderServiceProxy(proxyInput(b, 'node-1')),
    )!;
    const endpoints = b.endpointSlices
      .find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'zz-new')!
      .endpoints!.filter((e) => e.conditions?.ready !== false).length;
    expect(endpoints).toBeGreaterThan(0);
    // 1 + N chains, N random-choice rules + 2 rules per endpoint, 2 elements (cluster-ips, service-ips)
    const kinds = tx.ops.map((o) => `${o.verb} ${o.kind}`);
    expect(kinds.filter((k) => k === 'add chain')).toHaveLength(1 + endpoints);
    expect(kinds.filter((k) => k === 'add rule')).toHaveLength(3 * endpoints);
    expect(kinds.filter((k) => k === 'add element')).toHaveLength(2);
    expect(kinds.filter((k) => !k.startsWith('add'))).toEqual([]);
  });
});
