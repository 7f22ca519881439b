// Benchmark of the Service proxy's rule programming (issue 5): a full sync of S Services x E
// endpoints into a fresh namespace (render and nft load timed apart), then single-Service
// changes applied incrementally on the agent's path (the watch events of the change recorded by
// the change tracker, the changed Services rendered, the diff placed in the shard tables and
// synced by TableGroupSyncer) and, for comparison, on the paths before it: the agent's path
// with the partial render that scans every Service to find the change, and the one-table path
// (partial render, TableSyncer, the usual nft text); with further baselines measured in the same run:
//   - the same Services in kube-proxy's shape with an inline anonymous `numgen ... vmap { }` per
//     Service (what nftables-mode kube-proxy emits), at a smaller size, since it is super-linear;
//   - option (a) of render.ts, a named map per Service port, at the same smaller size;
//   - kube-proxy's iptables mode for all S Services, loaded with iptables-restore (nft backend).
// Needs root. It creates only namespaces named pn-tbnft-<pid>[-...] and deletes them in
// `finally`; nothing is added to the root namespace and no packet is sent.
// Usage: npm run build && node dist/bench/service-proxy.js [--services 10000] [--endpoints 5]
//        [--baseline 2000] [--reps 5] [--chunk 50000]
import { parseArgs } from 'node:util';
import { defaultClusterConfig } from '../api/cluster.js';
import type { EndpointSlice, Node, Service } from '../api/types.js';
import type { ServiceProxyInput } from '../dataplane/service-proxy/model.js';
import { contextOf, ServiceProxyRenderer, type ProxyRender } from '../dataplane/service-proxy/partial.js';
import { keyOf, type ReflectorChange } from '../client/reflector.js';
import { ServiceChangeTracker, type ProxyKind } from '../agent/service-changes.js';
import { renderServiceProxy } from '../dataplane/service-proxy/render.js';
import { exec } from '../host/exec.js';
import { createNetns, deleteNetns } from '../host/netns.js';
import { PROXY_SYNC_OPTIONS } from '../agent/service-proxy.js';
import { ProxyShards } from '../dataplane/service-proxy/shards.js';
import { TableGroupSyncer, TableSyncer, execNftRunner, type NftRunner } from '../nft/apply.js';
import { LibnftablesRunner } from '../nft/libnftables.js';
import { fullLoad } from '../nft/ops.js';
import { formatTransaction } from '../nft/text.js';

const { values: opt } = parseArgs({
  options: {
    services: { type: 'string', default: '10000' },
    endpoints: { type: 'string', default: '5' },
    baseline: { type: 'string', default: '2000' },
    reps: { type: 'string', default: '5' },
    chunk: { type: 'string', default: '50000' },
    // Internal: run the agent's path in this namespace (the process was started inside it).
    'agent-path-in': { type: 'string' },
  },
});
const S = Number(opt.services);
const E = Number(opt.endpoints);
const BASE = Number(opt.baseline);
const REPS = Number(opt.reps);
const CHUNK = Number(opt.chunk);
const NETNS = `pn-tbnft-${process.pid}`;
const BASE_NETNS = `${NETNS}-base`;
const CLUSTER = 'bench';

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const log = (s: string) => process.stderr.write(`  ${s}\n`);
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

// ---------------------------------------------------------------- input

const ipOf = (base: number, n: number) => `10.${base + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;

/** S ClusterIP Services, each with E ready endpoints spread over three nodes. */
function input(services: number, endpoints: number, extra = 0): ServiceProxyInput {
  const nodes: Node[] = [1, 2, 3].map((i) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `node-${i}` },
    status: { addresses: [{ type: 'InternalIP', address: `172.18.0.${i + 1}` }] },
  }));
  const svcs: Service[] = [];
  const slices: EndpointSlice[] = [];
  for (let i = 0; i < services + extra; i++) {
    const name = `svc-${i}`;
    svcs.push({
      apiVersion: 'v1',
      kind: 'Service',
      // resourceVersions as the API server sets them: the partial render compares them.
      metadata: { name, namespace: 'bench', resourceVersion: `${2 * i + 1}` },
      spec: { clusterIP: ipOf(96, i + 1), ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
    });
    slices.push({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: `${name}-1`,
        namespace: 'bench',
        resourceVersion: `${2 * i + 2}`,
        labels: { 'kubernetes.io/service-name': name },
      },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      endpoints: Array.from({ length: endpoints }, (_, j) => ({
        addresses: [ipOf(160, i * endpoints + j + 1)],
        nodeName: `node-${1 + ((i + j) % 3)}`,
        conditions: { ready: true },
      })),
    });
  }
  return {
    clusterName: CLUSTER,
    nodeName: 'node-1',
    nodeIP: '172.18.0.2',
    config: { ...defaultClusterConfig, podCIDR: '10.160.0.0/11' },
    services: svcs,
    endpointSlices: slices,
    nodes,
  };
}

// ---------------------------------------------------------------- nft helpers

/** The real runner, remembering how long each nft call took. */
class TimedRunner implements NftRunner {
  times: number[] = [];
  scripts: string[] = [];
  constructor(private readonly inner: NftRunner = execNftRunner) {}
  async run(netns: string, script: string): Promise<void> {
    const t = now();
    await this.inner.run(netns, script);
    this.times.push(now() - t);
    this.scripts.push(script);
  }
}

async function loadText(netns: string, text: string): Promise<number> {
  await exec(['nsenter', `--net=/run/netns/${netns}`, 'nft', '-f', '-'], {
    input: `add table ip pn-${CLUSTER}-proxy\ndelete table ip pn-${CLUSTER}-proxy\n`,
  });
  const t = now();
  await exec(['nsenter', `--net=/run/netns/${netns}`, 'nft', '-f', '-'], { input: text });
  return now() - t;
}

/**
 * The rendered text with each Service chain's sequential numgen rules replaced by one rule
 * over an inline anonymous vmap (kube-proxy's nftables mode) or over a named map per Service
 * port (option a). Works on the bench's Services (no session affinity).
 */
function rewriteChoice(text: string, style: 'anonymous' | 'named'): string {
  const out: string[] = [];
  let chain = '';
  let targets: string[] = [];
  let prefix = '';
  const flush = () => {
    if (!targets.length) return;
    const n = targets.length;
    const elems = targets.map((t, i) => `${i} : goto ${t}`).join(', ');
    if (style === 'anonymous') out.push(`${prefix} numgen random mod ${n} vmap { ${elems} }`);
    else {
      const map = `endpoints-${chain.slice('service-'.length)}`;
      const table = prefix.split(' ').slice(2, 4).join(' ');
      out.push(`add map ${table} ${map} { typeof numgen random mod ${n} : verdict ; }`);
      out.push(`add element ${table} ${map} { ${elems} }`);
      out.push(`${prefix} numgen random mod ${n} vmap @${map}`);
    }
    targets = [];
  };
  for (const line of text.split('\n')) {
    const m = /^(add rule \S+ \S+ (service-\S+)) (?:numgen random mod \d+ == 0 )?goto (\S+)/.exec(line);
    if (!m) {
      flush();
      out.push(line);
      continue;
    }
    if (m[2] !== chain) flush();
    chain = m[2];
    prefix = m[1];
    targets.push(m[3]);
  }
  flush();
  return out.join('\n');
}

/** kube-proxy's iptables mode for the same Services (pkg/proxy/iptables: SVC and SEP chains). */
function iptablesRestoreText(services: number, endpoints: number): string {
  const chains = [':KUBE-SERVICES - [0:0]', ':KUBE-MARK-MASQ - [0:0]'];
  const rules = [
    '-A PREROUTING -j KUBE-SERVICES',
    '-A OUTPUT -j KUBE-SERVICES',
    '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000',
  ];
  for (let i = 0; i < services; i++) {
    const svc = `KUBE-SVC-${i.toString(36).toUpperCase().padStart(8, '0')}`;
    chains.push(`:${svc} - [0:0]`);
    rules.push(
      `-A KUBE-SERVICES -d ${ipOf(96, i + 1)}/32 -p tcp -m comment --comment "bench/svc-${i}:http cluster IP" -m tcp --dport 80 -j ${svc}`,
    );
    for (let j = 0; j < endpoints; j++) {
      const ep = ipOf(160, i * endpoints + j + 1);
      const sep = `KUBE-SEP-${i.toString(36).toUpperCase().padStart(6, '0')}${j.toString(36).toUpperCase().padStart(2, '0')}`;
      chains.push(`:${sep} - [0:0]`);
      const p =
        j < endpoints - 1
          ? ` -m statistic --mode random --probability ${(1 / (endpoints - j)).toFixed(11)}`
          : '';
      rules.push(`-A ${svc} -m comment --comment "bench/svc-${i}:http -> ${ep}:8080"${p} -j ${sep}`);
      rules.push(`-A ${sep} -s ${ep}/32 -m comment --comment "bench/svc-${i}:http" -j KUBE-MARK-MASQ`);
      rules.push(
        `-A ${sep} -p tcp -m comment --comment "bench/svc-${i}:http" -m tcp -j DNAT --to-destination ${ep}:8080`,
      );
    }
  }
  return ['*nat', ':PREROUTING ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ...chains, ...rules, 'COMMIT', ''].join(
    '\n',
  );
}

// ---------------------------------------------------------------- the agent's path

/** The Services of the run: `live` to start with, `base` with the ones added later. */
function inputs() {
  const base = input(S, E, 2 * REPS + 1);
  const live = {
    ...base,
    services: base.services.slice(0, S),
    endpointSlices: base.endpointSlices.slice(0, S),
  };
  return { base, live };
}

/** One change: the whole input after it, and the watch events that bring it. */
interface Step {
  input: ServiceProxyInput;
  events: [ProxyKind, ReflectorChange][];
}

const added = (o: Service | EndpointSlice): ReflectorChange => ({ type: 'event', key: keyOf(o), object: o });
const deleted = (o: Service | EndpointSlice): ReflectorChange => ({ type: 'event', key: keyOf(o), old: o });

/**
 * The single-Service changes, each a function of the repetition returning the next step: add
 * a Service, replace one endpoint, remove a Service. Every path gets the same sequence.
 */
function changes(base: ServiceProxyInput, live: ServiceProxyInput): [string, (i: number) => Step][] {
  let current = live;
  let version = 0;
  const bump = <T extends Service | EndpointSlice>(o: T): T => ({
    ...o,
    metadata: { ...o.metadata, resourceVersion: `changed-${++version}` },
  });
  return [
    [
      'add 1 Service',
      () => {
        const n = current.services.length + 1;
        current = {
          ...current,
          services: base.services.slice(0, n),
          endpointSlices: base.endpointSlices.slice(0, n),
        };
        return {
          input: current,
          events: [
            ['Service', added(base.services[n - 1])],
            ['EndpointSlice', added(base.endpointSlices[n - 1])],
          ],
        };
      },
    ],
    [
      'replace 1 endpoint of a Service',
      (i) => {
        const slices = [...current.endpointSlices];
        const s = slices[i];
        slices[i] = bump({
          ...s,
          endpoints: [{ ...s.endpoints![0], addresses: [`10.250.${i}.1`] }, ...s.endpoints!.slice(1)],
        });
        current = { ...current, endpointSlices: slices };
        return {
          input: current,
          events: [['EndpointSlice', { type: 'event', key: keyOf(s), old: s, object: slices[i] }]],
        };
      },
    ],
    [
      'remove 1 Service',
      () => {
        const svc = current.services.at(-1)!;
        const slice = current.endpointSlices.at(-1)!;
        current = {
          ...current,
          services: current.services.slice(0, -1),
          endpointSlices: current.endpointSlices.slice(0, -1),
        };
        return {
          input: current,
          events: [
            ['Service', deleted(svc)],
            ['EndpointSlice', deleted(slice)],
          ],
        };
      },
    ],
  ];
}

/** Medians per change. */
type ChangeTimes = Record<
  string,
  { total: number; render: number; place: number; nft: number; ops: number; dump: boolean }
>;

interface AgentPath {
  tables: number;
  fullMs: number;
  placeMs: number;
  /** Fed by watch events (the agent now). */
  changes: ChangeTimes;
  /** The partial render finding the change by scanning every Service (the agent before). */
  scan: ChangeTimes;
}

/** How a path renders: the first input in full, then each step. */
interface RenderPath {
  first(input: ServiceProxyInput): ProxyRender;
  next(step: Step): ProxyRender;
}

/** The agent's renderer fed by events (src/agent/service-proxy.ts sync, without the reflectors). */
function eventPath(): RenderPath {
  const renderer = new ServiceProxyRenderer();
  const tracker = new ServiceChangeTracker();
  // What the Service reflector keeps: updated when an event arrives, before the sync.
  const services = new Map<string, Service>();
  return {
    first(input) {
      for (const s of input.services) services.set(keyOf(s), s);
      tracker.record('EndpointSlice', { type: 'list' }, () => input.endpointSlices);
      tracker.take((key) => services.get(key));
      return renderer.render(input);
    },
    next({ input, events }) {
      for (const [kind, change] of events) {
        if (kind === 'Service' && change.type === 'event')
          if (change.object) services.set(change.key, change.object as Service);
          else services.delete(change.key);
        tracker.record(kind, change, () => []);
      }
      const work = tracker.take((key) => services.get(key));
      if (work.full) throw new Error('a single-Service change asked for a full render');
      return renderer.renderChanged(contextOf(input), work.changes);
    },
  };
}

/** The agent's renderer before: handed every object, finding the change by scanning. */
function scanPath(): RenderPath {
  const renderer = new ServiceProxyRenderer();
  return { first: (input) => renderer.render(input), next: ({ input }) => renderer.render(input) };
}

/**
 * One render path on the agent's sync (src/agent/service-proxy.ts), run inside `netns`: the
 * render placed in the shard tables, one transaction through libnftables; a full load first.
 */
async function syncPath(netns: string, path: RenderPath) {
  const { base, live } = inputs();
  const runner = new TimedRunner(new LibnftablesRunner(netns));
  const syncer = new TableGroupSyncer(netns, runner, PROXY_SYNC_OPTIONS);
  const shards = new ProxyShards();
  let t = now();
  const placed = shards.place(path.first(live));
  const placeMs = now() - t;
  t = now();
  await syncer.sync(placed.tables);
  const fullMs = now() - t;
  const times: ChangeTimes = {};
  for (const [label, next] of changes(base, live)) {
    const [render, place, nft, total] = [[], [], [], []] as number[][];
    let ops = 0;
    let dump = false;
    for (let i = 0; i < REPS; i++) {
      const step = next(i);
      runner.times = [];
      runner.scripts = [];
      const t0 = now();
      const r = path.next(step);
      const t1 = now();
      const { tables, diff } = shards.place(r);
      const t2 = now();
      const res = await syncer.sync(tables, diff);
      total.push(now() - t0);
      if (res.mode !== 'incremental' || !diff)
        throw new Error(`${label}: ${res.mode} sync (${res.error ?? ''})`);
      render.push(t1 - t0);
      place.push(t2 - t1);
      nft.push(runner.times[0]);
      ops = res.ops;
      dump ||= /^(add rule|add element|delete) /m.test(runner.scripts[0]);
    }
    times[label] = {
      total: median(total),
      render: median(render),
      place: median(place),
      nft: median(nft),
      ops,
      dump,
    };
  }
  await syncer.deleteTables(placed.tables);
  return { tables: placed.tables.length, fullMs, placeMs, times };
}

/** The agent's path fed by events, then the one before it, one after the other in `netns`. */
async function agentPath(netns: string): Promise<AgentPath> {
  const events = await syncPath(netns, eventPath());
  const scan = await syncPath(netns, scanPath());
  return {
    tables: events.tables,
    fullMs: events.fullMs,
    placeMs: events.placeMs,
    changes: events.times,
    scan: scan.times,
  };
}

// ---------------------------------------------------------------- the run

async function main(): Promise<void> {
  const nftVersion = (await exec(['nft', '--version'])).trim();
  console.log(
    `Service proxy benchmark: ${S} Services x ${E} endpoints, ${nftVersion}, node ${process.version}`,
  );
  const rows: [string, string][] = [];
  const row = (what: string, value: string) => {
    rows.push([what, value]);
    log(`${what}: ${value}`);
  };

  // Render, pure.
  const { base, live } = inputs();
  const renders: number[] = [];
  let table = renderServiceProxy(live);
  for (let i = 0; i < 3; i++) {
    const t = now();
    table = renderServiceProxy(live);
    renders.push(now() - t);
  }
  let t = now();
  const text = formatTransaction(fullLoad(table));
  const textMs = now() - t;
  const ops = fullLoad(table).ops.length;
  const rules = table.chains.reduce((n, c) => n + c.rules.length, 0);
  const elements = table.sets.reduce((n, s) => n + s.elements.length, 0);
  row('render (pure, median of 3)', fmt(median(renders)));
  row(
    'text',
    `${fmt(textMs)}, ${(text.length / 2 ** 20).toFixed(1)} MiB, ${ops} operations (${table.chains.length} chains, ${rules} rules, ${elements} elements)`,
  );

  await createNetns(NETNS);
  await createNetns(BASE_NETNS);
  try {
    // The agent's path runs where the agent runs: in a process inside the node's namespace,
    // since libnftables acts on the namespace of its caller (src/nft/libnftables.ts).
    const agent = JSON.parse(
      await exec([
        'nsenter',
        `--net=/run/netns/${NETNS}`,
        process.execPath,
        process.argv[1],
        ...process.argv.slice(2),
        '--agent-path-in',
        NETNS,
      ]),
    ) as AgentPath;
    row(
      `full load, agent path: ${agent.tables} tables, ${PROXY_SYNC_OPTIONS.loadConcurrency} nft -f at once`,
      `${fmt(agent.fullMs)} (+ render and placing ${fmt(agent.placeMs)})`,
    );

    // The baseline, in the other namespace: the agent's path before the shards (partial render,
    // one table, nft -f per sync), fed the same inputs.
    const baseRunner = new TimedRunner();
    const baseSyncer = new TableSyncer(BASE_NETNS, baseRunner, { deferChainDeletes: true });
    const baseRenderer = new ServiceProxyRenderer();
    table = baseRenderer.render(live).table;
    await baseSyncer.sync(table);
    const baseFullMs = baseRunner.times[0];
    row(
      'full load, baseline: one table, one transaction',
      `${fmt(baseFullMs)}; agent path ${(baseFullMs / agent.fullMs).toFixed(1)}x faster`,
    );
    for (const [label, next] of changes(base, live)) {
      const [total, nft] = [[], []] as number[][];
      for (let i = 0; i < REPS; i++) {
        const { input } = next(i);
        baseRunner.times = [];
        const t0 = now();
        const r = baseRenderer.render(input);
        const res = await baseSyncer.sync(r.table, r.diff);
        total.push(now() - t0);
        if (res.mode !== 'incremental') throw new Error(`${label}, baseline: ${res.mode} sync`);
        nft.push(baseRunner.times[0]);
      }
      const a = agent.changes[label];
      const b = agent.scan[label];
      const detail = (c: typeof a) =>
        `${fmt(c.total)} (render ${fmt(c.render)}, place ${fmt(c.place)}, nft ${fmt(c.nft)}; ${c.ops} operations, ${c.dump ? 'with' : 'without'} chain dump)`;
      row(`${label}, agent path, fed by events (median of ${REPS})`, detail(a));
      row(
        `${label}, agent path before: partial render scanning every Service`,
        `${detail(b)}; fed by events ${(b.total / a.total).toFixed(1)}x faster`,
      );
      row(
        `${label}, baseline: one table`,
        `${fmt(median(total))} (nft ${fmt(median(nft))}); agent path ${(median(total) / a.total).toFixed(1)}x faster`,
      );
    }
    const addMs = agent.changes['add 1 Service'].total;
    const fullMs = agent.fullMs;
    await baseSyncer.deleteTable(table);
    // The same one-table load with nft's default malloc (execNftRunner asks glibc for huge
    // pages and large heap steps, src/nft/apply.ts).
    const plainMs = await loadText(BASE_NETNS, text);
    await loadText(BASE_NETNS, '');
    row(
      'full load, baseline: one table, nft without the malloc tunables',
      `${fmt(plainMs)}; with them ${(plainMs / baseFullMs).toFixed(1)}x faster`,
    );

    // Cold start cut into bounded transactions.
    const chunked = new TimedRunner();
    await new TableSyncer(NETNS, chunked, { maxOpsPerTransaction: CHUNK }).sync(table);
    const sum = chunked.times.reduce((a, b) => a + b, 0);
    row(
      `full load, ${chunked.times.length} transactions of <= ${CHUNK} operations`,
      `${fmt(sum)} in all, largest ${fmt(Math.max(...chunked.times))}`,
    );

    // Baselines, in their own namespace so their tables do not slow ours down.
    console.log('');
    const small = renderServiceProxy({ ...input(BASE, E), nodeName: 'node-1' });
    const smallText = formatTransaction(fullLoad(small));
    const ours = await loadText(BASE_NETNS, smallText);
    const anon = await loadText(BASE_NETNS, rewriteChoice(smallText, 'anonymous'));
    const named = await loadText(BASE_NETNS, rewriteChoice(smallText, 'named'));
    await loadText(BASE_NETNS, '');
    row(`baseline: ours at ${BASE} Services (sequential numgen rules, option b)`, fmt(ours));
    row(
      `baseline: kube-proxy inline anonymous vmap at ${BASE} Services`,
      `${fmt(anon)} (ours is ${(anon / ours).toFixed(1)}x faster)`,
    );
    row(
      `baseline: named map per Service (option a) at ${BASE} Services`,
      `${fmt(named)} (ours is ${(named / ours).toFixed(1)}x faster)`,
    );
    const ipt = iptablesRestoreText(S, E);
    t = now();
    await exec(['nsenter', `--net=/run/netns/${BASE_NETNS}`, 'iptables-restore'], { input: ipt });
    const iptMs = now() - t;
    row(
      `baseline: iptables-restore of kube-proxy iptables mode, ${S} Services`,
      `${fmt(iptMs)} (the agent path takes ${(fullMs / iptMs).toFixed(1)}x as long)`,
    );

    console.log('');
    const w = Math.max(...rows.map((r) => r[0].length));
    for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
    console.log('');
    console.log(
      `targets: full sync <= 0.5 s: ${fmt(median(renders) + fullMs)} (render + nft); one Service <= 20 ms: ${fmt(addMs)} (agent path: render + place + nft)`,
    );
  } finally {
    await deleteNetns(NETNS);
    await deleteNetns(BASE_NETNS);
  }
}

(opt['agent-path-in']
  ? agentPath(opt['agent-path-in']).then((r) => process.stdout.write(JSON.stringify(r)))
  : main()
).catch((e) => {
  console.error(e);
  process.exit(1);
});
