// Incremental updates of the NetworkPolicy table: for seeded random clusters and random edits
// (pod and namespace labels, policies added and removed, pods added), the diff between the two
// renders, applied by the validating fake to the old table, gives the new one; a label change
// that only changes who a peer selects is a change of set elements, not of rules.
import { describe, expect, it } from 'vitest';
import type { KubeObject, Namespace, Pod } from '../../api/types.js';
import { diffTables } from '../../nft/diff.js';
import { applyTransaction } from '../../nft/fake.js';
import { canonical } from '../../nft/test-tables.test-util.js';
import { clusterFromYaml, clusterOf } from '../../../test/support/builders.js';
import { mulberry32, randomCluster } from '../../../test/support/random-cluster.js';
import { SCENARIO } from './fixture.test-util.js';
import { policyInputOf } from './model.js';
import { renderPolicy } from './render.js';

function mutate(objects: KubeObject[], seed: number): KubeObject[] {
  const rnd = mulberry32(seed * 7919);
  const out = structuredClone(objects);
  for (const o of out) {
    if (o.kind === 'Pod' && rnd() < 0.3)
      (o as Pod).metadata.labels = { app: ['web', 'api', 'db'][Math.floor(rnd() * 3)] };
    if (o.kind === 'Namespace' && rnd() < 0.3)
      (o as Namespace).metadata.labels!.env = rnd() < 0.5 ? 'prod' : 'dev';
  }
  return out.filter((o) => !(o.kind === 'NetworkPolicy' && rnd() < 0.15));
}

describe('diff of rendered NetworkPolicy tables', () => {
  const seeds = Array.from({ length: 15 }, (_, i) => i + 1);
  it.each(seeds)('old + diff = new, seed %i', async (seed) => {
    const before = randomCluster({ seed, namespaces: 3, pods: 14, policies: 8 });
    const a = await clusterOf(before);
    const b = await clusterOf(mutate(before, seed));
    for (const node of a.nodes.map((n) => n.metadata.name!)) {
      const old = renderPolicy(policyInputOf(a, node, 'demo')).table;
      const next = renderPolicy(policyInputOf(b, node, 'demo')).table;
      const tx = diffTables(old, next);
      expect(tx, 'the table keeps its identity').toBeDefined();
      expect(canonical(applyTransaction(old, tx!))).toEqual(canonical(next));
      expect(diffTables(next, next)!.ops).toEqual([]);
    }
  });

  it('a pod label change that moves it between peers changes set elements only', async () => {
    const a = await clusterFromYaml(SCENARIO);
    // ops/monitor leaves namespace team=ops's peer set when its namespace label changes...
    const b = structuredClone(a);
    b.namespaces.find((n) => n.metadata.name === 'ops')!.metadata.labels!.team = 'none';
    // ...and shop/api stops being an api pod: allow-api no longer selects it (node-2's concern).
    b.pods.find((p) => p.metadata.name === 'api')!.metadata.labels = { app: 'api', tier: 'x' };
    const tx = diffTables(
      renderPolicy(policyInputOf(a, 'node-1', 'demo')).table,
      renderPolicy(policyInputOf(b, 'node-1', 'demo')).table,
    )!;
    expect(tx.ops.map((o) => `${o.verb} ${o.kind} ${o.kind === 'element' ? o.set : ''}`)).toEqual([
      'delete element pods-WN5UFKBG-ns_team_ops/_all_',
    ]);
  });

  it('a new pod on the node arrives with its isolation in the same transaction', async () => {
    const a = await clusterFromYaml(SCENARIO);
    const b = structuredClone(a);
    const web2 = structuredClone(b.pods.find((p) => p.metadata.name === 'web')!);
    web2.metadata.name = 'web-2';
    web2.status!.podIP = '10.244.0.11';
    b.pods.push(web2);
    const tx = diffTables(
      renderPolicy(policyInputOf(a, 'node-1', 'demo')).table,
      renderPolicy(policyInputOf(b, 'node-1', 'demo')).table,
    )!;
    const sets = tx.ops.map((o) => (o.kind === 'element' ? `${o.verb} ${o.set}` : `${o.verb} ${o.kind}`));
    expect(sets).toContain('add local-pods');
    expect(sets).toContain('add np-ingress-pods');
    expect(sets.every((s) => s.startsWith('add '))).toBe(true);
    expect(tx.ops.every((o) => o.kind === 'element')).toBe(true);
  });
});
