// Benchmark of NetworkPolicy enforcement (issue 6): render and full sync of P policies over N
// pods (all on the rendered node, the worst case for one table), then one policy change applied
// incrementally; and the latency of new TCP connections into an isolated pod through a node
// namespace carrying that table, against the same path with no table, measured in the same run
// (rounds alternate, so load drifts hit both sides alike).
// Needs root. It creates only namespaces named pn-tbnp-<pid>-{node,client,server} and deletes
// them in `finally`; nothing is added to the root namespace; packets stay between those namespaces.
// Usage: npm run build && node dist/bench/policy.js [--policies 1000] [--pods 1000] [--reps 5]
//        [--connections 2000] [--rounds 4]
import { parseArgs } from 'node:util';
import type { LabelSelector, Namespace, NetworkPolicy, Node, Pod } from '../api/types.js';
import { policyInputOf } from '../dataplane/policy/model.js';
import { renderPolicy } from '../dataplane/policy/render.js';
import { exec, execCapture } from '../host/exec.js';
import { createNetns, deleteNetns, ipBatch, setSysctl } from '../host/netns.js';
import { TableSyncer } from '../nft/apply.js';
import { diffTables } from '../nft/diff.js';
import { fullLoad } from '../nft/ops.js';

const { values: opt } = parseArgs({
  options: {
    policies: { type: 'string', default: '1000' },
    pods: { type: 'string', default: '1000' },
    reps: { type: 'string', default: '5' },
    connections: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '4' },
  },
});
const P = Math.max(3, Number(opt.policies));
const N = Number(opt.pods);
const REPS = Number(opt.reps);
const CONNS = Number(opt.connections);
const ROUNDS = Number(opt.rounds);
const BASE = `pn-tbnp-${process.pid}`;
const NODE = `${BASE}-node`;
const CLIENT = `${BASE}-client`;
const SERVER = `${BASE}-server`;

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const log = (s: string) => process.stderr.write(`  ${s}\n`);
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

// ---------------------------------------------------------------- input

const NAMESPACES = 20;
const APPS = 100;
const podIP = (i: number) => `10.244.${(i + 2) >> 8}.${(i + 2) & 255}`;

/** N pods on node-1 (10.244.0.0/22) in 20 namespaces; pod 0 is the client, pod 1 the server. */
function cluster(): { nodes: Node[]; pods: Pod[]; namespaces: Namespace[]; policies: NetworkPolicy[] } {
  const namespaces: Namespace[] = Array.from({ length: NAMESPACES }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: `ns${i}`, labels: { 'kubernetes.io/metadata.name': `ns${i}`, team: `t${i % 5}` } },
  }));
  const labelsOf = (i: number): Record<string, string> =>
    i === 0 ? { role: 'client' } : i === 1 ? { app: 'server' } : { app: `a${i % APPS}`, role: `r${i % 7}` };
  const pods: Pod[] = Array.from({ length: N }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `p${i}`,
      namespace: i < 2 ? 'ns0' : `ns${i % NAMESPACES}`,
      labels: labelsOf(i),
    },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
    status: { phase: 'Running', podIP: podIP(i) },
  }));
  const policy = (
    name: string,
    ns: string,
    podSelector: LabelSelector,
    spec: Partial<NetworkPolicy['spec']>,
  ) =>
    ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: ns },
      spec: { podSelector, ...spec },
    }) as NetworkPolicy;
  const policies: NetworkPolicy[] = [];
  for (let i = 0; i < P - 2; i++) {
    const ns = `ns${i % NAMESPACES}`;
    // Every 50th policy also isolates the server (ns0) with peers that never match the client.
    const selector =
      i % 50 === 0 ? { matchLabels: { app: 'server' } } : { matchLabels: { app: `a${i % APPS}` } };
    policies.push(
      policy(`pol${i}`, i % 50 === 0 ? 'ns0' : ns, selector, {
        policyTypes: i % 3 === 0 ? ['Ingress', 'Egress'] : ['Ingress'],
        ingress: [
          {
            from: [
              { podSelector: { matchLabels: { role: `r${i % 7}` } } },
              {
                namespaceSelector: { matchLabels: { team: `t${i % 5}` } },
                podSelector: { matchLabels: { app: `a${(i * 7) % APPS}` } },
              },
            ],
            ports: i % 2 === 0 ? [{ port: 8080 }, { port: 9000, endPort: 9100 }] : [{ port: 'http' }],
          },
        ],
        egress:
          i % 3 === 0
            ? [
                {
                  to: [{ ipBlock: { cidr: '10.244.0.0/16', except: [`10.244.${i % 4}.0/26`] } }],
                  ports: [{ port: 53, protocol: 'UDP' }],
                },
                { to: [{ podSelector: { matchLabels: { app: `a${(i + 1) % APPS}` } } }] },
              ]
            : [],
      }),
    );
  }
  // The allowing policies come last in name order: a connection walks every other chain first.
  policies.push(
    policy(
      'zz-allow-client',
      'ns0',
      { matchLabels: { app: 'server' } },
      {
        ingress: [
          { from: [{ podSelector: { matchLabels: { role: 'client' } } }], ports: [{ port: 'http' }] },
        ],
      },
    ),
    policy(
      'zz-client-egress',
      'ns0',
      { matchLabels: { role: 'client' } },
      {
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: { app: 'server' } } }], ports: [{ port: 8080 }] }],
      },
    ),
  );
  const nodes: Node[] = [
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-1' },
      spec: { podCIDR: '10.244.0.0/22' },
      status: { addresses: [{ type: 'InternalIP', address: '172.18.0.2' }] },
    },
  ];
  return { nodes, pods, namespaces, policies };
}

const inputOf = (c: ReturnType<typeof cluster>) =>
  policyInputOf({ ...c, networkPolicies: c.policies }, 'node-1', 'bench');

// ---------------------------------------------------------------- sync

async function syncBench(c: ReturnType<typeof cluster>) {
  const renders: number[] = [];
  let render = renderPolicy(inputOf(c));
  for (let i = 0; i < 3; i++) {
    const t0 = now();
    render = renderPolicy(inputOf(c));
    renders.push(now() - t0);
  }
  const table = render.table;
  const ops = fullLoad(table).ops.length;
  const rules = table.chains.reduce((n, ch) => n + ch.rules.length, 0);
  const elements = table.sets.reduce((n, s) => n + s.elements.length, 0);
  log(
    `table: ${table.chains.length} chains, ${rules} rules, ${table.sets.length} sets, ${elements} elements, ${ops} ops`,
  );
  log(`render (median of 3): ${fmt(median(renders))}`);
  const syncer = new TableSyncer(NODE);
  await syncer.deleteTable(table);
  let t0 = now();
  await syncer.sync(table);
  log(`full sync (nft -f, one transaction): ${fmt(now() - t0)}`);

  const changes: { render: number; diff: number; sync: number; ops: number }[] = [];
  let current = table;
  for (let r = 0; r < REPS; r++) {
    // One policy edited: its ingress peer selects another role.
    const edited = structuredClone(c);
    const p = edited.policies[(r * 37) % (P - 2)];
    p.spec!.ingress![0].from![0].podSelector = { matchLabels: { role: `r${(r + 3) % 7}`, edit: `${r}` } };
    t0 = now();
    const next = renderPolicy(inputOf(edited)).table;
    const t1 = now();
    const tx = diffTables(current, next)!;
    const t2 = now();
    const res = await syncer.sync(next);
    const t3 = now();
    if (res.mode !== 'incremental') throw new Error(`expected an incremental sync, got ${res.mode}`);
    changes.push({ render: t1 - t0, diff: t2 - t1, sync: t3 - t2, ops: tx.ops.length });
    current = next;
  }
  log(
    `one policy changed (median of ${REPS}): sync ${fmt(median(changes.map((x) => x.sync)))} ` +
      `(${median(changes.map((x) => x.ops))} ops; render ${fmt(median(changes.map((x) => x.render)))}, diff ${fmt(median(changes.map((x) => x.diff)))})`,
  );
  return { syncer, table: current };
}

// ---------------------------------------------------------------- latency

async function wire(): Promise<void> {
  await ipBatch(
    NODE,
    [
      'link add br0 type bridge',
      'addr add 10.244.0.1/22 dev br0',
      'link set br0 up',
      `link add vc type veth peer name eth0 netns ${CLIENT}`,
      `link add vs type veth peer name eth0 netns ${SERVER}`,
      'link set vc master br0 up',
      'link set vs master br0 up',
    ].join('\n'),
  );
  for (const [ns, ip] of [
    [CLIENT, podIP(0)],
    [SERVER, podIP(1)],
  ])
    await ipBatch(
      ns,
      [`addr add ${ip}/22 dev eth0`, 'link set eth0 up', 'route add default via 10.244.0.1'].join('\n'),
    );
  await setSysctl(NODE, 'net.ipv4.ip_forward', '1');
}

// A server that answers every connection with one byte and closes it; a connection to its
// loopback port 8081 (or the time limit) stops it, so the benchmark ends only its own process.
const ECHO = `const net=require('net');net.createServer(c=>c.end('x')).listen(8080,'0.0.0.0');
net.createServer(()=>process.exit(0)).listen(8081,'127.0.0.1');setTimeout(()=>process.exit(0),+process.argv[1]).unref();`;
// Opens K connections one after another, each: connect, read the byte, close; prints the
// median and p90 per connection in microseconds.
const LOOP = `const [h,k]=process.argv.slice(1);const net=require('net');const t=[];let i=0;
(function go(){if(i++>=+k){t.sort((a,b)=>a-b);console.log(JSON.stringify({median:t[t.length>>1],p90:t[Math.floor(t.length*0.9)]}));return}
const s=process.hrtime.bigint();const c=net.connect(8080,h);c.on('data',()=>{});c.on('error',e=>{console.log(JSON.stringify({error:e.code}));process.exit(1)});
c.on('close',()=>{t.push(Number(process.hrtime.bigint()-s)/1e3);go()})})();`;

async function connections(): Promise<{ median: number; p90: number }> {
  const r = await execCapture(['node', '-e', LOOP, podIP(1), String(CONNS)], {
    netns: CLIENT,
    timeoutMs: 120_000,
  });
  const out = JSON.parse(r.stdout.trim()) as { median: number; p90: number; error?: string };
  if (out.error) throw new Error(`connection failed: ${out.error}`);
  return out;
}

type PolicyTable = ReturnType<typeof renderPolicy>['table'];

/**
 * Three data paths, measured in alternating rounds: no table at all (no conntrack either),
 * the table of a node without policies (what every node carries: conntrack, guards, empty
 * maps), and the table with every policy. The target compares the last two.
 */
async function latencyBench(syncer: TableSyncer, table: PolicyTable, empty: PolicyTable) {
  const server = execCapture(['node', '-e', ECHO, '600000'], { netns: SERVER });
  try {
    for (let i = 0; i < 50; i++) {
      const probe = await execCapture(['node', '-e', LOOP, podIP(1), '1'], { netns: CLIENT });
      if (!probe.stdout.includes('error')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    type Run = { median: number; p90: number };
    const runs = { none: [] as Run[], empty: [] as Run[], full: [] as Run[] };
    for (let round = 0; round < ROUNDS; round++) {
      await syncer.deleteTable(table);
      runs.none.push(await connections());
      await syncer.sync(empty);
      runs.empty.push(await connections());
      await syncer.sync(table);
      runs.full.push(await connections());
    }
    const m = (k: keyof typeof runs) => median(runs[k].map((r) => r.median));
    const p90 = (k: keyof typeof runs) => median(runs[k].map((r) => r.p90)).toFixed(0);
    log(
      `connection (connect + 1 byte + close), ${CONNS} per round, ${ROUNDS} rounds, median of round medians:`,
    );
    log(`  no table:               ${m('none').toFixed(0)} µs (p90 ${p90('none')} µs)`);
    log(`  table, no policies:     ${m('empty').toFixed(0)} µs (p90 ${p90('empty')} µs)`);
    log(`  table, ${P} policies: ${m('full').toFixed(0)} µs (p90 ${p90('full')} µs)`);
    log(`  overhead of the policies: ${(((m('full') - m('empty')) / m('empty')) * 100).toFixed(1)} %`);
    // Rounds run back to back, so each round's full/empty ratio shares the machine's load of
    // that moment; their median is steadier than the ratio of medians when the load varies.
    const ratios = runs.full.map((r, i) => r.median / runs.empty[i].median).sort((a, b) => a - b);
    const pct = (x: number) => `${((x - 1) * 100).toFixed(1)} %`;
    log(
      `  overhead per round (full/empty of the same round): median ${pct(median(ratios))}, ` +
        `quartiles ${pct(ratios[Math.floor(ratios.length / 4)])} .. ${pct(ratios[Math.floor((ratios.length * 3) / 4)])}`,
    );
    log(`  overhead vs no table:     ${(((m('full') - m('none')) / m('none')) * 100).toFixed(1)} %`);
    // The rules really were in the path: the client's egress and the server's ingress accepted.
    const listed = await exec([
      'nsenter',
      `--net=/run/netns/${NODE}`,
      'nft',
      'list',
      'table',
      'ip',
      table.name,
    ]);
    const counted = [...listed.matchAll(/counter packets (\d+) bytes \d+ log prefix "pn-a[ei]-\w+"/g)].map(
      (m) => Number(m[1]),
    );
    log(`  accepted by logged allow rules in the last round: ${counted.filter((n) => n > 0).join(', ')}`);
  } finally {
    const stop = `require('net').connect(8081,'127.0.0.1').on('error',()=>{}).on('connect',function(){this.destroy()})`;
    await execCapture(['node', '-e', stop], { netns: SERVER });
    await server.catch(() => undefined);
  }
}

async function main() {
  const c = cluster();
  log(`NetworkPolicy enforcement: ${P} policies over ${N} pods, all on the rendered node`);
  try {
    for (const ns of [NODE, CLIENT, SERVER]) await createNetns(ns);
    const { syncer, table } = await syncBench(c);
    await wire();
    const empty = renderPolicy({ ...inputOf(c), networkPolicies: [] }).table;
    await latencyBench(syncer, table, empty);
  } finally {
    for (const ns of [NODE, CLIENT, SERVER]) await deleteNetns(ns);
  }
}

await main();
