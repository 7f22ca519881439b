// Benchmark of the Service proxy's data path (issue 5): new-connection latency and sequential
// connections per second to a ClusterIP vs straight to the pod IP, with N Services programmed
// (the target among them), measured in the same run for each N. Shape of the anchors' B1
// benchmark (shared/anchors/performance.md §1.4, §9.1): client namespace -> "node" namespace
// carrying the rendered proxy tables as the agent loads them (pn-<cluster>-proxy and its shards,
// src/dataplane/service-proxy/shards.ts) -> server namespace, one veth each side.
// Each sample is a new TCP connection, a 1-byte request and a 1-byte answer; the client runs
// every sample in one process, alternating ClusterIP and pod IP so drift hits both alike.
// Needs root. It creates only namespaces pn-tbsl-<pid>-{cli,node,srv} and removes them in
// `finally`; nothing is added to the root namespace and no packet leaves those namespaces.
// Usage: npm run build && node dist/bench/service-latency.js [--services 10,10000,30000]
//        [--samples 4000]
import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { defaultClusterConfig } from '../api/cluster.js';
import type { EndpointSlice, Node, Service } from '../api/types.js';
import { renderServiceProxy } from '../dataplane/service-proxy/render.js';
import { createNetns, deleteNetns, ipBatch, setSysctl } from '../host/netns.js';
import { PROXY_SYNC_OPTIONS } from '../agent/service-proxy.js';
import { shardProxyTable } from '../dataplane/service-proxy/shards.js';
import { execNftRunner, TableGroupSyncer } from '../nft/apply.js';

const { values: opt } = parseArgs({
  options: {
    services: { type: 'string', default: '10,10000,30000' },
    samples: { type: 'string', default: '4000' },
  },
});
const SIZES = opt.services.split(',').map(Number);
const SAMPLES = Number(opt.samples);
const NS = {
  cli: `pn-tbsl-${process.pid}-cli`,
  node: `pn-tbsl-${process.pid}-node`,
  srv: `pn-tbsl-${process.pid}-srv`,
};
const POD_IP = '10.244.1.2';
const TARGET_VIP = '10.96.0.10';
const PORT = 8080;
const POD_CLIENT_IP = '10.244.0.2';
const VIP_CLIENT_IP = '10.244.0.3';

/** N Services: the target (one endpoint, the server) and N-1 others with one endpoint each. */
function services(n: number) {
  const nodes: Node[] = [
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-1' },
      status: { addresses: [{ type: 'InternalIP', address: '172.18.0.2' }] },
    },
  ];
  const svcs: Service[] = [];
  const slices: EndpointSlice[] = [];
  for (let i = 0; i < n; i++) {
    const target = i === n - 1;
    const name = target ? 'target' : `svc-${i}`;
    const vip = target ? TARGET_VIP : `10.${97 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
    svcs.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'bench' },
      spec: { clusterIP: vip, ports: [{ name: 'tcp', port: 80, protocol: 'TCP' }] },
    });
    slices.push({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-1`, namespace: 'bench', labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      ports: [{ name: 'tcp', port: PORT, protocol: 'TCP' }],
      endpoints: [
        {
          addresses: [target ? POD_IP : `10.${160 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`],
          nodeName: 'node-1',
          conditions: { ready: true },
        },
      ],
    });
  }
  return renderServiceProxy({
    clusterName: 'tbsl',
    nodeName: 'node-1',
    nodeIP: '172.18.0.2',
    config: defaultClusterConfig,
    services: svcs,
    endpointSlices: slices,
    nodes,
  });
}

async function buildNetwork(): Promise<void> {
  for (const ns of Object.values(NS)) await createNetns(ns);
  await ipBatch(
    NS.node,
    [
      `link add c0 type veth peer name eth0 netns ${NS.cli}`,
      `link add s0 type veth peer name eth0 netns ${NS.srv}`,
      'addr add 10.244.0.1/24 dev c0',
      'addr add 10.244.1.1/24 dev s0',
      'link set c0 up',
      'link set s0 up',
      'link set lo up',
    ].join('\n') + '\n',
  );
  await setSysctl(NS.node, 'net.ipv4.ip_forward', '1');
  for (const [ns, addr, gw] of [
    [NS.cli, `${POD_CLIENT_IP}/24`, '10.244.0.1'],
    [NS.srv, `${POD_IP}/24`, '10.244.1.1'],
  ])
    await ipBatch(
      ns,
      `addr add ${addr} dev eth0\nlink set eth0 up\nlink set lo up\nroute add default via ${gw}\n`,
    );
  // A second client address for the ClusterIP samples: see CLIENT.
  await ipBatch(NS.cli, `addr add ${VIP_CLIENT_IP}/24 dev eth0\n`);
}

/** Runs a Node script inside a namespace, pinned to a CPU. */
function nodeIn(ns: string, cpu: number, script: string, args: string[] = []): ChildProcess {
  return spawn(
    'nsenter',
    [`--net=/run/netns/${ns}`, 'taskset', '-c', String(cpu), process.execPath, '-e', script, ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
}

const SERVER = `require('net').createServer((s) => { s.once('data', () => s.end('y')); s.on('error', () => {}); }).listen(${PORT}, () => console.log('ready'));`;

// Sequential new connections, alternating the two addresses; prints per-address samples (µs).
// Each target gets its own source address: from one address, a port last used towards the
// ClusterIP and reused towards the pod IP makes a conntrack reply-tuple clash with the DNATed
// entry still in CLOSE (the server side sees the same 4-tuple), the kernel drops that SYN and
// the client retransmits after 1 s (measured: one 1,014 ms sample in 4,000 at 30k Services).
// A real effect, but of mixing both paths from one client, not of the Service lookup measured.
const CLIENT = `
const net = require('net');
const [n, a, b] = [Number(process.argv[1]), process.argv[2], process.argv[3]];
const from = { [a]: '${VIP_CLIENT_IP}', [b]: '${POD_CLIENT_IP}' };
const one = (host, port) => new Promise((resolve, reject) => {
  const t = process.hrtime.bigint();
  const s = net.connect({ host, port, localAddress: from[host] }, () => s.write('x'));
  s.once('data', () => { s.destroy(); resolve(Number(process.hrtime.bigint() - t) / 1000); });
  s.on('error', reject);
});
(async () => {
  const out = { [a]: [], [b]: [] };
  for (let i = 0; i < 200; i++) { await one(a, 80); await one(b, ${PORT}); } // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) { out[a].push(await one(a, 80)); out[b].push(await one(b, ${PORT})); }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ out, secs }));
})().catch((e) => { console.error(e.message); process.exit(1); });`;

function collect(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`client exited ${code}`))));
  });
}

const pct = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) * p)];

async function main(): Promise<void> {
  let server: ChildProcess | undefined;
  try {
    await buildNetwork();
    server = nodeIn(NS.srv, 1, SERVER);
    await new Promise((r) => server!.stdout!.once('data', r));
    const syncer = new TableGroupSyncer(NS.node, execNftRunner, PROXY_SYNC_OPTIONS);
    const rows: string[] = [];
    for (const n of SIZES) {
      const t0 = performance.now();
      const tables = shardProxyTable(services(n));
      await syncer.deleteTables(tables);
      await syncer.sync(tables);
      const loadS = (performance.now() - t0) / 1000;
      const res = JSON.parse(
        await collect(nodeIn(NS.cli, 0, CLIENT, [String(SAMPLES), TARGET_VIP, POD_IP])),
      ) as { out: Record<string, number[]>; secs: number };
      const vip = res.out[TARGET_VIP];
      const pod = res.out[POD_IP];
      const slow = (xs: number[]) => xs.filter((x) => x > 100_000).length;
      const cps = (xs: number[]) => 1e6 / (xs.reduce((s, x) => s + x, 0) / xs.length);
      const row = [
        String(n),
        `${(pct(pod, 0.5) / 1000).toFixed(3)} / ${(pct(pod, 0.9) / 1000).toFixed(3)}`,
        `${(pct(vip, 0.5) / 1000).toFixed(3)} / ${(pct(vip, 0.9) / 1000).toFixed(3)}`,
        `${((pct(vip, 0.5) / pct(pod, 0.5) - 1) * 100).toFixed(1)} %`,
        `${cps(pod).toFixed(0)} / ${cps(vip).toFixed(0)}`,
        `${(pct(pod, 0.99) / 1000).toFixed(3)} / ${(pct(vip, 0.99) / 1000).toFixed(3)}`,
        // A handful of samples this slow (a SYN retransmitted after 1 s) decide the conn/s means.
        `${slow(pod)} / ${slow(vip)} (max ${(Math.max(...pod) / 1000).toFixed(0)} / ${(Math.max(...vip) / 1000).toFixed(0)})`,
        `${loadS.toFixed(1)} s`,
      ];
      rows.push(row.join(' | '));
      process.stderr.write(`  ${n} Services: ${row.join(' | ')}\n`);
    }
    process.stdout.write(
      `\nnew TCP connection + 1-byte request/answer, ${SAMPLES} samples per address per size (ms)\n` +
        'Services | pod IP p50 / p90 | ClusterIP p50 / p90 | ClusterIP p50 overhead | conn/s pod / ClusterIP | p99 pod / ClusterIP | samples > 100 ms pod / ClusterIP (max ms) | render+load\n' +
        rows.join('\n') +
        '\n',
    );
  } finally {
    if (server?.pid) server.kill('SIGTERM');
    for (const ns of Object.values(NS)) await deleteNetns(ns).catch(() => undefined);
  }
}

await main();
