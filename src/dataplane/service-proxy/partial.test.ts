// The partial render against the full one: on seeded random clusters changed step by step, the
// partial renderer's table equals renderServiceProxy's, its transaction (computed from the
// changed Services alone), applied by the validating fake to the previous table, gives the new
// one, and the Services that did not change are not rendered again. The same for renderChanged,
// told which Services changed, over random sequences of changes mixed with full renders.
import { describe, expect, it } from 'vitest';
import { defaultClusterConfig, type Cluster } from '../../api/cluster.js';
import type { EndpointSlice, KubeObject, Service } from '../../api/types.js';
import { applyTransaction } from '../../nft/fake.js';
import type { Table } from '../../nft/ir.js';
import { canonical } from '../../nft/test-tables.test-util.js';
import { simulateCluster } from '../../offline/simulate.js';
import { proxyInput } from './fixture.test-util.js';
import { serviceKey, slicesByService } from './model.js';
import { contextOf, ServiceProxyRenderer, type ProxyRender, type ServiceChange } from './partial.js';
import { mutate, randomServices } from './random-services.test-util.js';
import { mulberry32 } from '../../../test/support/random-cluster.js';
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

/**
 * The Services whose Service object or IPv4 EndpointSlices differ between two clusters, each as
 * it is in `after`: what the node agent's change tracker reports (src/agent/service-changes.ts).
 */
function changedServices(before: Cluster, after: Cluster): ServiceChange[] {
  const text = (c: Cluster) => new Map(c.services.map((svc) => [serviceKey(svc), JSON.stringify(svc)]));
  const [svcA, svcB] = [text(before), text(after)];
  const [slicesA, slicesB] = [slicesByService(before.endpointSlices), slicesByService(after.endpointSlices)];
  const keys = new Set<string>();
  for (const k of new Set([...svcA.keys(), ...svcB.keys()])) if (svcA.get(k) !== svcB.get(k)) keys.add(k);
  for (const k of new Set([...slicesA.keys(), ...slicesB.keys()]))
    if (JSON.stringify(slicesA.get(k) ?? []) !== JSON.stringify(slicesB.get(k) ?? [])) keys.add(k);
  return [...keys].map((key) => ({
    key,
    service: after.services.find((svc) => serviceKey(svc) === key),
    slices: slicesB.get(key) ?? [],
  }));
}

/**
 * mutate(), and changes it does not make: a hand-made EndpointSlice moved to the other
 * selector-less Service, and a copy of a Service with an external IP (their element keys are
 * then contested).
 */
function change(objects: KubeObject[], rnd: () => number): KubeObject[] {
  const out = mutate(objects, Math.floor(rnd() * 1e6));
  const moved = out.find((o) => o.kind === 'EndpointSlice' && o.metadata?.name === 'manual0-1') as
    EndpointSlice | undefined;
  if (moved && rnd() < 0.3) {
    const labels = moved.metadata.labels!;
    labels['kubernetes.io/service-name'] =
      labels['kubernetes.io/service-name'] === 'manual0' ? 'manual1' : 'manual0';
  }
  const withIP = out.find((o) => o.kind === 'Service' && (o as Service).spec?.externalIPs?.length) as
    Service | undefined;
  if (withIP && rnd() < 0.3 && !out.some((o) => o.metadata?.name === `zz-${withIP.metadata.name}`))
    out.push({
      ...structuredClone(withIP),
      metadata: { ...withIP.metadata, name: `zz-${withIP.metadata.name}` },
    });
  return out;
}

describe('ServiceProxyRenderer.renderChanged', () => {
  const seeds = Array.from({ length: 12 }, (_, i) => i + 1);
  it.each(seeds)('equals the full render after every change of a random sequence, seed %i', async (seed) => {
    const rnd = mulberry32(seed);
    const node = `node-${1 + (seed % 3)}`;
    let objects = randomServices({ seed, pods: 12, services: 10 });
    let cluster = await simulate(objects);
    const renderer = new ServiceProxyRenderer();
    let previous = renderer.render(proxyInput(cluster, node)).table;
    for (let step = 0; step < 10; step++) {
      objects = change(objects, rnd);
      const next = await simulate(objects);
      const input = proxyInput(next, node);
      let r: ProxyRender;
      // A (re)list in the agent: everything is handed over again now and then.
      if (rnd() < 0.15) r = renderer.render(input);
      else {
        // Reported Services that did not change, or that never existed, change nothing.
        const unchanged = next.services
          .filter(() => rnd() < 0.2)
          .map((svc) => ({
            key: serviceKey(svc),
            service: svc,
            slices: slicesByService(next.endpointSlices).get(serviceKey(svc)) ?? [],
          }));
        const changes = [
          ...changedServices(cluster, next),
          ...unchanged,
          { key: 'default/never', slices: [] },
        ];
        r = renderer.renderChanged(contextOf(input), changes);
      }
      expectConsistent(r, next, node, previous);
      previous = r.table;
      cluster = next;
    }
  });

  it('refuses to render changes before a full render, or for other Nodes', async () => {
    const cluster = await simulate(randomServices({ seed: 1, pods: 4, services: 3 }));
    const context = contextOf(proxyInput(cluster, 'node-1'));
    const renderer = new ServiceProxyRenderer();
    expect(() => renderer.renderChanged(context, [])).toThrow(/render\(input\) first/);
    renderer.render(proxyInput(cluster, 'node-1'));
    expect(() => renderer.renderChanged({ ...context, nodes: context.nodes.slice(1) }, [])).toThrow(
      /render\(input\) first/,
    );
    expect(renderer.renderChanged(context, []).diff?.tx.ops).toEqual([]);
  });
});
