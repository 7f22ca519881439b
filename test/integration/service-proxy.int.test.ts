// The Service proxy's tables in a real kernel (nft 1.0.6 here): rendered rulesets load with
// `nft -f`, as one table and as the common and shard tables the agent loads (shards.ts), diffs
// apply incrementally (also in the forms that spare nft its chain dump, and with chain deletes
// deferred, as the agent syncs), a diff that fails is followed by a full resync, and a few real
// connections go through the agent's tables (DNAT from the node, reject, hairpin SNAT).
// Everything lives in namespaces named pn-tsp-*, deleted afterwards; nothing is added to
// the root namespace and no traffic leaves it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Cluster } from '../../src/api/cluster.js';
import { defaultClusterConfig } from '../../src/api/cluster.js';
import type { Service } from '../../src/api/types.js';
import { renderServiceProxy } from '../../src/dataplane/service-proxy/render.js';
import { proxyInput, SCENARIO } from '../../src/dataplane/service-proxy/fixture.test-util.js';
import { ServiceProxyRenderer } from '../../src/dataplane/service-proxy/partial.js';
import { mutate, randomServices } from '../../src/dataplane/service-proxy/random-services.test-util.js';
import { exec, execCapture } from '../../src/host/exec.js';
import { createNetns, deleteNetns, ipBatch, setSysctl } from '../../src/host/netns.js';
import { execNftRunner, TableGroupSyncer, TableSyncer } from '../../src/nft/apply.js';
import { PROXY_SYNC_OPTIONS } from '../../src/agent/service-proxy.js';
import { ProxyShards, shardProxyTable } from '../../src/dataplane/service-proxy/shards.js';
import { simulateCluster } from '../../src/offline/simulate.js';
import { clusterFromYaml } from '../support/builders.js';
import { describeAsRoot, leakedNetns } from '../support/root.js';
import { irShape, kernelShape, nft } from '../support/nft-kernel.js';

const PREFIX = 'pn-tsp-';
const NODE = `${PREFIX}node`;
const POD = `${PREFIX}pod`;

const without = (c: Cluster, name: string): Cluster => ({
  ...c,
  services: c.services.filter((s) => s.metadata.name !== name),
});

const mapValues = <T, U>(o: Record<string, T>, f: (v: T) => U): Record<string, U> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));

/** The cluster with a copy of Service `name` (and its EndpointSlices) at another ClusterIP. */
function withCopy(c: Cluster, name: string, clusterIP: string): Cluster {
  const svc = c.services.find((s) => s.metadata.name === name)!;
  const copy = `${name}-copy`;
  return {
    ...c,
    services: [
      ...c.services,
      {
        ...svc,
        metadata: { ...svc.metadata, name: copy },
        spec: { ...svc.spec, clusterIP, clusterIPs: [clusterIP] },
      },
    ],
    endpointSlices: [
      ...c.endpointSlices,
      ...c.endpointSlices
        .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === name)
        .map((s) => ({
          ...s,
          metadata: {
            ...s.metadata,
            name: `${s.metadata.name}-copy`,
            labels: { ...s.metadata.labels, 'kubernetes.io/service-name': copy },
          },
        })),
    ],
  };
}

describeAsRoot('Service proxy rulesets in the kernel (root)', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await clusterFromYaml(SCENARIO);
    await createNetns(NODE);
    await createNetns(POD);
  });

  afterAll(async () => {
    await deleteNetns(NODE);
    await deleteNetns(POD);
    expect(await leakedNetns(PREFIX)).toEqual([]);
    // Nothing was ever loaded into the root namespace (read-only check).
    expect(await exec(['nft', 'list', 'tables'])).not.toMatch(/pn-podnet-proxy/);
  });

  it('loads every rendered ruleset with nft -f, and the kernel holds what was rendered', async () => {
    const syncer = new TableSyncer(NODE);
    const tables = [
      renderServiceProxy(proxyInput(cluster, 'node-1')),
      renderServiceProxy(proxyInput(cluster, 'node-2')),
    ];
    for (const seed of [1, 2, 3]) {
      const random = (
        await simulateCluster(randomServices({ seed, pods: 12, services: 10 }), defaultClusterConfig)
      ).cluster;
      tables.push(renderServiceProxy(proxyInput(random, 'node-3')));
    }
    const group = new TableGroupSyncer(NODE, execNftRunner, PROXY_SYNC_OPTIONS);
    for (const t of tables) {
      await syncer.deleteTable(t);
      expect(await syncer.sync(t)).toMatchObject({ mode: 'full' });
      expect(await kernelShape(NODE, t.name)).toEqual(irShape(t));
      const physical = shardProxyTable(t);
      await group.deleteTables(physical);
      expect(await group.sync(physical)).toMatchObject({ mode: 'full' });
      for (const p of physical) expect(await kernelShape(NODE, p.name), p.name).toEqual(irShape(p));
      await group.deleteTables(physical);
    }
  });

  it('applies diffs incrementally, and resyncs in full after a diff fails', async () => {
    const scripts: string[] = [];
    const syncer = new TableSyncer(NODE, {
      run: (netns, script) => (scripts.push(script), execNftRunner.run(netns, script)),
    });
    const first = renderServiceProxy(proxyInput(cluster, 'node-1'));
    await syncer.deleteTable(first);
    expect(await syncer.sync(first)).toMatchObject({ mode: 'full' });

    // A Service goes away, another loses its endpoints, session affinity is switched off.
    const changed = without(cluster, 'api-lb');
    changed.endpointSlices = changed.endpointSlices.filter(
      (s) => s.metadata.labels?.['kubernetes.io/service-name'] !== 'api-near',
    );
    changed.services = changed.services.map((s) =>
      s.metadata.name === 'web-sticky'
        ? ({ ...s, spec: { ...s.spec, sessionAffinity: 'None' } } as Service)
        : s,
    );
    const second = renderServiceProxy(proxyInput(changed, 'node-1'));
    expect(await syncer.sync(second)).toMatchObject({ mode: 'incremental' });
    expect(await kernelShape(NODE, second.name)).toEqual(irShape(second));
    expect(await syncer.sync(second)).toEqual({ mode: 'unchanged', ops: 0 });

    // Back again, incrementally.
    expect(await syncer.sync(first)).toMatchObject({ mode: 'incremental' });
    expect(await kernelShape(NODE, first.name)).toEqual(irShape(first));

    // A new Service deletes nothing, so its diff goes without nft's chain dump
    // (src/nft/light.ts): chains with their rules in one command, elements as map bodies.
    const added = renderServiceProxy(proxyInput(withCopy(cluster, 'api-local', '10.96.200.200'), 'node-1'));
    expect(await syncer.sync(added)).toMatchObject({ mode: 'incremental' });
    expect(scripts.at(-1)).toMatch(/^add map /m);
    expect(scripts.at(-1)).not.toMatch(/^add (rule|element) /m);
    expect(await kernelShape(NODE, added.name)).toEqual(irShape(added));
    expect(await syncer.sync(first)).toMatchObject({ mode: 'incremental' });

    // Someone adds an element the next diff adds too, with another verdict: the diff fails
    // (File exists) and a full load follows.
    const lbIP = cluster.services.find((x) => x.metadata.name === 'api-lb')!.status!.loadBalancer!.ingress![0]
      .ip!;
    expect(await syncer.sync(second)).toMatchObject({ mode: 'incremental' });
    await nft(NODE, 'add', 'element', 'ip', first.name, 'service-ips', `{ ${lbIP} . tcp . 80 : drop }`);
    const conflict = await syncer.sync(first);
    expect(conflict).toMatchObject({ mode: 'resync', error: expect.stringMatching(/exists|busy/i) });
    expect(await kernelShape(NODE, first.name)).toEqual(irShape(first));

    // Someone deletes the table: the next diff fails, the full load recreates it.
    await nft(NODE, 'delete', 'table', 'ip', first.name);
    expect(await syncer.sync(second)).toMatchObject({
      mode: 'resync',
      error: expect.stringMatching(/No such file/i),
    });
    expect(await kernelShape(NODE, second.name)).toEqual(irShape(second));
  });

  it('defers chain deletes when asked: the chain is flushed first, deleted with a later diff', async () => {
    const syncer = new TableSyncer(NODE, execNftRunner, { deferChainDeletes: true });
    const first = renderServiceProxy(proxyInput(cluster, 'node-1'));
    const extra = {
      ...first,
      chains: [
        ...first.chains,
        {
          name: 'endpoint-extra',
          rules: [{ matches: [], statements: [{ kind: 'dnat', addr: '10.244.0.9' }] }],
        },
      ],
    } as typeof first;
    await syncer.deleteTable(first);
    await syncer.sync(extra);
    expect(await syncer.sync(first)).toMatchObject({ mode: 'incremental' });
    expect(await kernelShape(NODE, first.name)).toEqual({
      ...irShape(first),
      chains: { ...irShape(first).chains, 'endpoint-extra': 0 },
    });
    // Removing a Service deletes elements: the sets are written whole, still without the
    // dump, and the chain keeps waiting.
    const second = renderServiceProxy(proxyInput(without(cluster, 'api-lb'), 'node-1'));
    expect(await syncer.sync(second)).toMatchObject({ mode: 'incremental' });
    const waiting = await kernelShape(NODE, second.name);
    expect(waiting.sets).toEqual(irShape(second).sets);
    expect(waiting.chains).toEqual({ ...mapValues(waiting.chains, () => 0), ...irShape(second).chains });
    expect(waiting.chains['endpoint-extra']).toBe(0);
    // Session affinity switched off deletes its sets: that needs the dump, and takes the
    // waiting chain with it.
    const third = renderServiceProxy(
      proxyInput(
        {
          ...without(cluster, 'api-lb'),
          services: without(cluster, 'api-lb').services.map((s) =>
            s.metadata.name === 'web-sticky'
              ? ({ ...s, spec: { ...s.spec, sessionAffinity: 'None' } } as Service)
              : s,
          ),
        },
        'node-1',
      ),
    );
    expect(third.sets.length).toBeLessThan(second.sets.length);
    expect(await syncer.sync(third)).toMatchObject({ mode: 'incremental' });
    expect(await kernelShape(NODE, third.name)).toEqual(irShape(third));
  });

  it("follows random changes on the agent's path without a resync (partial render, light text, deferred deletes)", async () => {
    for (const seed of [1, 2, 3, 4]) {
      let objects = randomServices({ seed, pods: 12, services: 10 });
      const renderer = new ServiceProxyRenderer();
      const shards = new ProxyShards();
      const syncer = new TableGroupSyncer(NODE, execNftRunner, PROXY_SYNC_OPTIONS);
      for (let step = 0; step < 6; step++) {
        const c = (await simulateCluster(structuredClone(objects), defaultClusterConfig)).cluster;
        // The random edits keep resourceVersions: let the renderer compare contents.
        for (const o of [...c.services, ...c.endpointSlices, ...c.nodes]) delete o.metadata.resourceVersion;
        const { tables, diff } = shards.place(renderer.render(proxyInput(c, 'node-2')));
        if (step === 0) await syncer.deleteTables(tables);
        expect(await syncer.sync(tables, diff)).toMatchObject({
          mode: step === 0 ? 'full' : expect.stringMatching(/incremental|unchanged/),
        });
        // The kernel holds the tables, and maybe some flushed chains waiting to be deleted.
        for (const table of tables) {
          const kernel = await kernelShape(NODE, table.name);
          const want = irShape(table);
          expect(kernel.sets, table.name).toEqual(want.sets);
          expect(kernel.chains, table.name).toEqual({ ...mapValues(kernel.chains, () => 0), ...want.chains });
        }
        objects = mutate(objects, seed * 31 + step);
      }
      await syncer.deleteTables(shardProxyTable(renderServiceProxy(proxyInput(cluster, 'node-2'))));
    }
  });

  it("syncs through the agent's libnftables runner from inside the namespace, and reports nft's errors", async () => {
    // A process started inside the node's namespace, as the agent is (src/main/agent.ts): the
    // runner acts on the namespace of its caller, and refuses any other.
    const first = shardProxyTable(renderServiceProxy(proxyInput(cluster, 'node-1')));
    const second = shardProxyTable(renderServiceProxy(proxyInput(without(cluster, 'api-lb'), 'node-1')));
    await new TableGroupSyncer(NODE).deleteTables(first);
    const out = await execCapture(
      [
        'nsenter',
        `--net=/run/netns/${NODE}`,
        process.execPath,
        '--input-type=module',
        '-e',
        INSIDE,
        NODE,
        POD,
      ],
      { input: JSON.stringify([first, second]) },
    );
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toEqual({
      modes: ['full', 'incremental', 'incremental'],
      conflict: expect.stringMatching(/^nft: .*(exists|busy)/is),
      other: expect.stringMatching(/asked for pn-tsp-pod/),
    });
    // What the kernel holds now: `first` again (the conflict's resync), seen from outside.
    for (const t of first) {
      const kernel = await kernelShape(NODE, t.name);
      expect(kernel.sets, t.name).toEqual(irShape(t).sets);
      expect(kernel.chains, t.name).toEqual({ ...mapValues(kernel.chains, () => 0), ...irShape(t).chains });
    }
    await new TableGroupSyncer(NODE).deleteTables(first);
  });

  it('carries real connections: DNAT from the node, reject without endpoints, hairpin SNAT', async () => {
    // node-1 of the scenario: the pod api-1 (10.244.0.2) serves 8080 behind shop/api-local
    // (internalTrafficPolicy Local, so its only endpoint is that pod).
    await ipBatch(
      NODE,
      [
        `link add eth-pod type veth peer name eth0 netns ${POD}`,
        'addr add 10.244.0.1/24 dev eth-pod',
        'link set eth-pod up',
        // (no dummy module on every kernel: one end of a veth pair serves as the fabric link)
        'link add fabric type veth peer name fabric-peer',
        'link set fabric-peer up',
        'addr add 172.18.0.2/16 dev fabric',
        'link set fabric up',
        // Service addresses are routed like any off-node destination, from the node's address.
        'route add 10.96.0.0/12 dev fabric src 172.18.0.2',
      ].join('\n'),
    );
    await ipBatch(
      POD,
      ['addr add 10.244.0.2/24 dev eth0', 'link set eth0 up', 'route add default via 10.244.0.1'].join('\n'),
    );
    await setSysctl(NODE, 'net.ipv4.ip_forward', '1');
    // The tables the agent loads: the logical table placed in the common and shard tables.
    const syncer = new TableGroupSyncer(NODE, execNftRunner, PROXY_SYNC_OPTIONS);
    const tables = shardProxyTable(renderServiceProxy(proxyInput(cluster, 'node-1')));
    await syncer.deleteTables(tables);
    await syncer.sync(tables);

    const ip = (name: string) => cluster.services.find((s) => s.metadata.name === name)!.spec!.clusterIP!;
    const server = execCapture(['node', '-e', SERVER, '8080', '3', '15000'], { netns: POD });
    const connect = (from: string, addr: string, port: number, retry = false) =>
      execCapture(['node', '-e', CLIENT, addr, String(port), '5000', retry ? '1' : '0'], { netns: from });
    // Wait for the server, straight to the pod address (no Service involved).
    expect((await connect(NODE, '10.244.0.2', 8080, true)).stdout.trim()).toBe('client 10.244.0.1');

    const fromNode = await connect(NODE, ip('api-local'), 80);
    expect(fromNode.stdout.trim()).toBe('client 172.18.0.2');
    const refused = await connect(NODE, ip('empty'), 80);
    expect(refused.stdout.trim()).toBe('error ECONNREFUSED');
    const undefinedPort = await connect(NODE, ip('api-local'), 81);
    expect(undefinedPort.stdout.trim()).toBe('error ECONNREFUSED');
    // The pod reaches itself through its Service: without the SNAT it would answer itself directly.
    const hairpin = await connect(POD, ip('api-local'), 80);
    expect(hairpin.stdout.trim()).toBe('client 172.18.0.2');
    // The server has answered its three connections (probe, node, hairpin) and exited.
    expect((await server).code).toBe(0);
  });
});

// A server that answers each connection with the client address it saw, and exits after N
// connections (or the time limit).
const SERVER = `const [port,n,ms]=process.argv.slice(1).map(Number);let left=n;
const s=require('net').createServer(c=>{c.end('client '+c.remoteAddress+'\\n');if(--left===0)s.close();}).listen(port,'0.0.0.0');
setTimeout(()=>process.exit(2),ms).unref();`;
// A client that prints what it got, or the error code; with retry, it tries again while the
// connection is refused (the server is still starting).
const CLIENT = `const [h,p,ms,retry]=process.argv.slice(1);const end=Date.now()+(+ms);
(function go(){const c=require('net').connect(+p,h);let d='';c.setTimeout(1000);c.on('data',x=>d+=x);
c.on('end',()=>{process.stdout.write(d);process.exit(0)});
c.on('error',e=>{if(retry==='1'&&Date.now()<end){c.destroy();return setTimeout(go,50)}
process.stdout.write('error '+e.code+'\\n');process.exit(0)});
c.on('timeout',()=>{process.stdout.write('error timeout\\n');process.exit(0)});})();`;

// Run inside the node's namespace (argv: node namespace, another namespace; stdin: the two
// groups of tables): full load, a diff, a diff back, then a conflicting element added behind
// the runner's back so that the next diff fails with nft's error, and a call for another
// namespace, which the runner refuses.
const INSIDE = `
import { readFileSync } from 'node:fs';
const dist = ${JSON.stringify(new URL('../../dist/', import.meta.url).href)};
const { TableGroupSyncer } = await import(dist + 'nft/apply.js');
const { LibnftablesRunner } = await import(dist + 'nft/libnftables.js');
const [node, other] = process.argv.slice(1);
const [first, second] = JSON.parse(readFileSync(0, 'utf8'));
const runner = new LibnftablesRunner(node);
const syncer = new TableGroupSyncer(node, runner);
const modes = [];
for (const t of [first, second, first]) modes.push((await syncer.sync(t)).mode);
const [table, set, el] = first.flatMap((t) =>
  t.sets.filter((s) => s.name === 'service-ips').flatMap((s) =>
    s.elements.filter((e) => /^shop\\/api-lb[ :]/.test(e.comment ?? '')).map((e) => [t.name, s.name, e])))[0];
await syncer.sync(second);
await runner.run(node, 'add element ip ' + table + ' ' + set + ' { ' + el.key.join(' . ') + ' : drop }\\n');
const res = await syncer.sync(first);
const conflict = res.mode === 'resync' ? res.error : 'no resync: ' + res.mode;
let refused = '';
try { await runner.run(other, 'add table ip pn-tsp-x\\n'); } catch (e) { refused = e.message; }
process.stdout.write(JSON.stringify({ modes, conflict, other: refused }));
`;
