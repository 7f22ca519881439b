// The partial render against the full one: on seeded random clusters changed step by step, the
// partial renderer's table equals renderServiceProxy's, its transaction (computed from the
// changed Services alone), applied by the validating fake to the previous table, gives the new
// one, and the Services that did not change are not rendered again.
import { describe, expect, it } from 'vitest';
import { defaultClusterConfig, type Cluster } from '../../api/cluster.js';
import type { KubeObject, Service } from '../../api/types.js';
import { applyTransaction } from '../../nft/fake.js';
import type { Table } from '../../nft/ir.js';
import { canonical } from '../../nft/test-tables.test-util.js';
import { simulateCluster } from '../../offline/simulate.js';
import { proxyInput } from './fixture.test-util.js';
import { ServiceProxyRenderer, type ProxyRender } from './partial.js';
import { mutate, randomServices } from './random-services.test-util.js';
import { renderServiceProxy } from './render.js';

/**
 * The simulated cluster, without resourceVersions: the random edits keep them (the simulation
 * numbers objects afresh), so the renderer compares contents, as it does for objects without one.
 */
async function simulate(objects: KubeObject[]): Promise<Cluster> {
  const cluster = (await simulateCluster(structuredClone(objects), defaultClusterConfig)).cluster;
  for (const o of [...cluster.services, ...cluster.endpointSlices, ...cluster.nodes])
    delete o.metadata.resourceVersion;
  return cluster;
}

/** The checks every render must pass: the full render's table, and a diff that leads to it. */
function expectConsistent(r: ProxyRender, cluster: Cluster, node: string, previous: Table | undefined) {
  expect(r.table).toEqual(renderServiceProxy(proxyInput(cluster, node)));
  if (!previous) return;
  expect(r.diff, 'a partial render').toBeDefined();
  expect(r.diff!.from).toBe(previous);
  expect(canonical(applyTransaction(previous, r.diff!.tx))).toEqual(canonical(r.table));
}

describe('ServiceProxyRenderer', () => {
  const seeds = Array.from({ length: 10 }, (_, i) => i + 1);
  it.each(seeds)('equals the full render, and its diff leads there, seed %i', async (seed) => {
    let objects = randomServices({ seed, pods: 12, services: 10 });
    for (const node of ['node-1', 'node-2']) {
      const renderer = new ServiceProxyRenderer();
      let previous: Table | undefined;
      for (let step = 0; step < 4; step++) {
        const cluster = await simulate(objects);
        const r = renderer.render(proxyInput(cluster, node));
        expectConsistent(r, cluster, node, previous);
        previous = r.table;
        objects = mutate(objects, seed * 100 + step);
      }
    }
  });

  it('renders only the Services that changed', async () => {
    const cluster = await simulate(randomServices({ seed: 4, pods: 12, services: 10 }));
    const renderer = new ServiceProxyRenderer();
    const first = renderer.render(proxyInput(cluster, 'node-1')).table;
    const target = cluster.services.find((s) => s.spec?.type === 'ClusterIP')!;
    const changed: Cluster = {
      ...cluster,
      services: cluster.services.map((s) =>
        s === target ? { ...s, spec: { ...s.spec, sessionAffinity: 'ClientIP' } } : s,
      ),
    };
    const r = renderer.render(proxyInput(changed, 'node-1'));
    expectConsistent(r, changed, 'node-1', first);
    const name = `${target.metadata.namespace}/${target.metadata.name}/`;
    const untouched = r.table.chains.filter((c) => c.name.includes('/') && !c.name.includes(name));
    expect(untouched.length).toBeGreaterThan(10);
    const before = new Map(first.chains.map((c) => [c.name, c]));
    // Other Services' chains are the same objects: not rendered again.
    for (const c of untouched) expect(c).toBe(before.get(c.name));
    expect(r.diff!.tx.ops.length).toBeGreaterThan(0);
    for (const op of r.diff!.tx.ops) expect(JSON.stringify(op)).toContain(name);
  });

  it('gives a contested element key to the first Service in name order, as the full render', async () => {
    const cluster = await simulate(randomServices({ seed: 2, pods: 12, services: 10 }));
    const owner = cluster.services.find((s) => s.spec?.externalIPs?.length)!;
    expect(owner, 'the seed has a Service with an external IP').toBeDefined();
    // A second Service asking for the same external IP and port, with the same endpoints.
    const copy: Service = { ...owner, metadata: { ...owner.metadata, name: `zz-${owner.metadata.name}` } };
    const copySlices = cluster.endpointSlices
      .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === owner.metadata.name)
      .map((s) => ({
        ...s,
        metadata: {
          ...s.metadata,
          name: `zz-${s.metadata.name}`,
          labels: { ...s.metadata.labels, 'kubernetes.io/service-name': copy.metadata.name! },
        },
      }));
    const both: Cluster = {
      ...cluster,
      services: [...cluster.services, copy],
      endpointSlices: [...cluster.endpointSlices, ...copySlices],
    };
    const onlyCopy: Cluster = { ...both, services: both.services.filter((s) => s !== owner) };
    const renderer = new ServiceProxyRenderer();
    let previous: Table | undefined;
    for (const c of [cluster, both, onlyCopy, both]) {
      const r = renderer.render(proxyInput(c, 'node-1'));
      expectConsistent(r, c, 'node-1', previous);
      previous = r.table;
    }
  });
});
