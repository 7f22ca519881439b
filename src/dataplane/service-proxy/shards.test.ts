// The physical tables (shards.ts) against the logical one: every object lands in exactly one
// place, the placed diff of a partial render leads from the previous physical tables to the new
// ones, and packets meet the same fate (agreement.test.ts traces the random clusters both ways).
import { describe, expect, it } from 'vitest';
import { defaultClusterConfig } from '../../api/cluster.js';
import type { KubeObject } from '../../api/types.js';
import { applyTransaction } from '../../nft/fake.js';
import { keyText, type Table } from '../../nft/ir.js';
import { canonical } from '../../nft/test-tables.test-util.js';
import { simulateCluster } from '../../offline/simulate.js';
import { proxyInput } from './fixture.test-util.js';
import { CHAIN, SET } from './names.js';
import { ServiceProxyRenderer } from './partial.js';
import { mutate, randomServices } from './random-services.test-util.js';
import { renderServiceProxy } from './render.js';
import { ownerOf, partSetName, ProxyShards, shardProxyTable, shardTableName } from './shards.js';

async function logical(objects: KubeObject[], node = 'node-1'): Promise<Table> {
  const { cluster } = await simulateCluster(structuredClone(objects), defaultClusterConfig);
  return renderServiceProxy(proxyInput(cluster, node));
}

describe('shardProxyTable', () => {
  it('puts each Service port in one shard, its firewall chain and the rest in the common table', async () => {
    const table = await logical(randomServices({ seed: 3, pods: 12, services: 10 }));
    const [common, ...shards] = shardProxyTable(table, 4);
    expect(common.name).toBe(table.name);
    expect(shards.map((s) => s.name)).toEqual([0, 1, 2, 3].map((k) => shardTableName(table.name, k)));
    const owned = table.chains.filter((c) => ownerOf(c.name));
    expect(owned.length).toBeGreaterThan(20);
    const firewalls = owned.filter((c) => c.name.startsWith('firewall-'));
    expect(firewalls.length).toBeGreaterThan(0);
    for (const c of firewalls) expect(common.chains, c.name).toContain(c);
    expect(common.sets.find((s) => s.name === SET.firewallIPs)).toBe(
      table.sets.find((s) => s.name === SET.firewallIPs),
    );
    for (const c of owned.filter((x) => !firewalls.includes(x))) {
      const homes = shards.filter((s) => s.chains.includes(c));
      expect(homes, c.name).toHaveLength(1);
      // Its dispatch elements are in the same shard.
      for (const map of [SET.serviceIPs, SET.serviceNodePorts])
        for (const s of shards)
          for (const e of s.sets.find((x) => x.name === map)!.elements)
            if (e.verdict && 'chain' in e.verdict && e.verdict.chain === c.name) expect(s).toBe(homes[0]);
    }
    // More than one shard is used, and the common table holds no other Service port chain.
    expect(shards.filter((s) => s.chains.some((c) => ownerOf(c.name))).length).toBeGreaterThan(1);
    expect(common.chains.filter((c) => ownerOf(c.name))).toEqual(firewalls);
    // The parted sets hold the logical set's elements, each once.
    for (const name of [SET.clusterIPs, SET.noEndpointServices, SET.noEndpointNodePorts]) {
      const whole = table.sets.find((s) => s.name === name)!.elements.map((e) => keyText(e.key));
      const parts = [0, 1, 2, 3].flatMap((p) =>
        common.sets.find((s) => s.name === partSetName(name, p))!.elements.map((e) => keyText(e.key)),
      );
      expect(parts.sort()).toEqual(whole.sort());
    }
    // The common NAT chains mark before any shard translates.
    const pre = (t: Table) => t.chains.find((c) => c.name === CHAIN.natPrerouting)!.base!.priority;
    expect(pre(common)).toBeLessThan(pre(shards[0]));
  });
});

describe('ProxyShards', () => {
  const seeds = Array.from({ length: 8 }, (_, i) => i + 1);
  it.each(seeds)('places the partial diff so that it leads to the new tables, seed %i', async (seed) => {
    let objects = randomServices({ seed, pods: 12, services: 10 });
    const renderer = new ServiceProxyRenderer();
    const shards = new ProxyShards(3);
    let previous: Table[] | undefined;
    let placed = 0;
    for (let step = 0; step < 5; step++) {
      const { cluster } = await simulateCluster(structuredClone(objects), defaultClusterConfig);
      for (const o of [...cluster.services, ...cluster.endpointSlices, ...cluster.nodes])
        delete o.metadata.resourceVersion;
      const { tables, diff } = shards.place(renderer.render(proxyInput(cluster, 'node-1')));
      expect(tables.map(canonical)).toEqual(
        shardProxyTable(renderServiceProxy(proxyInput(cluster, 'node-1')), 3).map(canonical),
      );
      if (previous && diff) {
        placed++;
        expect(diff.from).toBe(previous);
        // Tables the diff does not touch are the same objects: not built again.
        diff.txs.forEach((tx, i) => tx.ops.length === 0 && expect(tables[i]).toBe(previous![i]));
        diff.txs.forEach((tx, i) =>
          expect(canonical(applyTransaction(previous![i], tx)), tables[i].name).toEqual(canonical(tables[i])),
        );
      }
      previous = tables;
      objects = mutate(objects, seed * 100 + step);
    }
    expect(placed, 'partial diffs were placed, not left to whole-table diffs').toBeGreaterThan(0);
  });
});
