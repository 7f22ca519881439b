// Benchmark of the cluster DNS server (issue 5), as root, on real namespaces:
//   pn-tbdns-srv (10.255.0.1/30) <-veth-> pn-tbdns-cli (10.255.0.2/30)
// The server runs exactly as its pod would: `ip netns exec pn-tbdns-srv setpriv (nobody, no
// capabilities) -- taskset -c 1 node <runtime's heap flags> dist/main/workload.js dns ...`, the
// image mapped by workloads/images.ts, the argv built by runtime/argv.ts (with --uncapped, also
// without the heap flags). Its objects come from an API server started in this process
// (in-memory store: N Services in N/100 namespaces, one EndpointSlice of 2 endpoints and 2 Pods
// per Service, a tenth headless) through the read socket, list+watch as in a cluster. dnsperf
// runs in pn-tbdns-cli pinned to CPU 0.
// Per size: time to ready, RSS, queries/s at saturation (dnsperf -c 20 -q 200, as the anchors'
// §9.5), latency percentiles at a fixed 20,000 queries/s (dnsperf -v), queries/s under a change
// of one Service every 100 ms, and the time from a Service's creation to its first answer.
// Baseline in the same run: a minimal Node dgram responder with a canned answer (the ceiling of
// a Node server), pinned like ours, each of its runs right before one of ours.
// Everything is named pn-tbdns-* and removed in `finally` (also on SIGINT/SIGTERM); from the
// root namespace nothing is sent anywhere but the API server's Unix socket.
// Usage: npm run build && node dist/bench/dns.js [--services 1000,10000] [--seconds 10] [--runs 3] [--uncapped]
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import dnsPacket from 'dns-packet';
import type { KubeObject } from '../api/types.js';
import { startApiServer, type ApiServer } from '../apiserver/server.js';
import { execCapture } from '../host/exec.js';
import { createNetns, deleteNetns, ipBatch, isRoot, listNetns, setSysctl } from '../host/netns.js';
import { buildSandboxArgv, buildWorkloadArgv, NOBODY } from '../runtime/argv.js';
import { defaultRunner } from '../runtime/pod.js';
import { ObjectStore } from '../store/store.js';
import { resolveWorkload } from '../workloads/images.js';
import { clusterIP, nsOf, objects } from './dns-cluster.js';

const SRV = 'pn-tbdns-srv';
const CLI = 'pn-tbdns-cli';
const SRV_IP = '10.255.0.1';
const CLI_IP = '10.255.0.2';
const ZONE = 'cluster.local';
const QUERY_LINES = 100_000;

// ---- modes run inside the namespaces (this file re-executed)

/** The ceiling for a Node server: the query echoed with QR|AA and one fixed A record, no lookup. */
function cannedResponder(port: number): void {
  const answer = Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 10, 96, 0, 10]);
  const sock = createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    const out = Buffer.concat([msg, answer]);
    out.writeUInt16BE(msg.readUInt16BE(2) | 0x8400, 2);
    out.writeUInt16BE(1, 6);
    sock.send(out, rinfo.port, rinfo.address);
  });
  sock.bind(port, SRV_IP, () => process.stdout.write('ready\n'));
}

/** Asks `name` every 2 ms until it exists; prints the wall-clock ms of the first NOERROR. */
function probe(server: string, name: string): void {
  const sock = createSocket('udp4');
  let id = 0;
  sock.on('message', (msg) => {
    const r = dnsPacket.decode(msg) as { rcode?: string };
    if (r.rcode !== 'NOERROR') return;
    process.stdout.write(`${Date.now()}\n`);
    process.exit(0);
  });
  const ask = () =>
    sock.send(
      dnsPacket.encode({ type: 'query', id: ++id & 0xffff, questions: [{ type: 'A', name }] }),
      53,
      server,
    );
  setInterval(ask, 2);
  process.stdout.write('probing\n');
  setTimeout(() => process.exit(1), 10_000);
}

// ---- the synthetic cluster: dns-cluster.ts

/**
 * dnsperf's data file, a mix seen from pods: 40 % A of Service names (a tenth headless), 10 %
 * AAAA (NODATA), 10 % SRV, 10 % PTR of a ClusterIP, 30 % NXDOMAIN (20 % the first search-path
 * try of a `svc.ns` name from another namespace, 10 % missing Services).
 */
function queryFile(n: number, seed = 1): string {
  let x = seed;
  const rnd = (m: number) => ((x = (x * 1103515245 + 12345) & 0x7fffffff), x % m);
  const lines: string[] = [];
  for (let q = 0; q < QUERY_LINES; q++) {
    const i = rnd(n);
    const fq = `svc-${i}.${nsOf(i)}.svc.${ZONE}`;
    const r = rnd(100);
    if (r < 40) lines.push(`${fq} A`);
    else if (r < 50) lines.push(`${fq} AAAA`);
    else if (r < 60) lines.push(`_http._tcp.${fq} SRV`);
    else if (r < 70)
      lines.push(
        `${clusterIP(i - (i % 10 === 9 ? 1 : 0))
          .split('.')
          .reverse()
          .join('.')}.in-addr.arpa PTR`,
      );
    else if (r < 90) lines.push(`svc-${i}.${nsOf(i)}.ns-${rnd(Math.ceil(n / 100)) + 1000}.svc.${ZONE} A`);
    else lines.push(`missing-${i}.${nsOf(i)}.svc.${ZONE} A`);
  }
  return lines.join('\n') + '\n';
}

// ---- processes

interface Proc {
  child: ChildProcess;
  output: () => string;
}

/** Starts a process; resolves once its output satisfies `ready`. */
function start(argv: string[], ready: (out: string) => boolean, timeoutMs = 120_000): Promise<Proc> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`${argv.join(' ')}: not ready in ${timeoutMs} ms:\n${out}`)),
      timeoutMs,
    );
    const onData = (d: string) => {
      out += d;
      if (ready(out)) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    };
    child.stdout!.setEncoding('utf8').on('data', onData);
    child.stderr!.setEncoding('utf8').on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${argv.join(' ')} exited ${code}:\n${out}`));
    });
  });
}

/** SIGTERM, then SIGKILL after 2 s, to the one process we started. */
async function stop(p: Proc | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => p.child.once('exit', () => resolve()));
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}

function rssMiB(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

// ---- dnsperf

interface Perf {
  qps: number;
  avgMs: number;
  lost: number;
  codes: string;
  p50?: number;
  p90?: number;
  p99?: number;
  p999?: number;
  maxMs?: number;
}

async function dnsperf(port: number, file: string, seconds: number, extra: string[] = []): Promise<Perf> {
  const argv = [
    'taskset',
    '-c',
    '0',
    'dnsperf',
    '-s',
    SRV_IP,
    '-p',
    String(port),
    '-d',
    file,
    '-l',
    String(seconds),
    ...extra,
  ];
  const r = await execCapture(argv, { netns: CLI, timeoutMs: (seconds + 30) * 1000 });
  if (r.code !== 0) throw new Error(`dnsperf: ${r.stderr || r.stdout}`);
  const num = (re: RegExp) => Number(re.exec(r.stdout)?.[1] ?? NaN);
  const perf: Perf = {
    qps: num(/Queries per second:\s+([\d.]+)/),
    avgMs: num(/Average Latency \(s\):\s+([\d.]+)/) * 1000,
    lost: num(/Queries lost:\s+(\d+)/),
    codes: /Response codes:\s+(.*)/.exec(r.stdout)?.[1] ?? '',
  };
  const lat = [...r.stdout.matchAll(/^> \S+ \S+ \S+ ([\d.]+)$/gm)]
    .map((m) => Number(m[1]) * 1000)
    .sort((a, b) => a - b);
  if (lat.length) {
    const at = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
    Object.assign(perf, {
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      p999: at(0.999),
      maxMs: lat[lat.length - 1],
    });
  }
  return perf;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// ---- the benchmark

/** How the server's node runs: with the pod runtime's heap flags, or with Node's defaults. */
type Variant = 'runtime flags' | 'no heap cap';

interface SizeResult {
  services: number;
  variant: Variant;
  readyMs: number;
  firstBuildMs: number;
  rssIdle: number;
  rssAfter: number;
  hwm: number;
  saturation: Perf[];
  /** The canned responder, run alternately with `saturation` (same conditions). */
  canned: Perf[];
  latency: Perf;
  cannedLatency: Perf;
  churn: Perf;
  programmingMs: number[];
  metrics: { builds: number; buildMs: number; hits: number; misses: number };
}

const CANNED_PORT = 5300;

async function setup(dir: string): Promise<void> {
  await createNetns(SRV);
  await createNetns(CLI);
  await ipBatch(
    SRV,
    [
      `link add pn-tbdns-s type veth peer name pn-tbdns-c netns ${CLI}`,
      `addr add ${SRV_IP}/30 dev pn-tbdns-s`,
      'link set pn-tbdns-s up',
    ].join('\n'),
  );
  await ipBatch(CLI, [`addr add ${CLI_IP}/30 dev pn-tbdns-c`, 'link set pn-tbdns-c up'].join('\n'));
  // What the pod runtime sets in every pod netns (runtime/pod.ts preparePodNetns): nobody binds 53.
  await setSysctl(SRV, 'net.ipv4.ip_unprivileged_port_start', '0');
  chmodSync(dir, 0o755); // the read socket's directory must be reachable for nobody
}

/** The server's own counters, read from /metrics inside the client namespace. */
async function scrape(): Promise<SizeResult['metrics']> {
  const r = await execCapture(['curl', '-s', `http://${SRV_IP}:9153/metrics`], {
    netns: CLI,
    timeoutMs: 10_000,
  });
  const v = (re: RegExp) => Number(re.exec(r.stdout)?.[1] ?? NaN);
  const builds = v(/^podnet_dns_index_build_duration_seconds_count (\S+)/m);
  return {
    builds,
    buildMs: (v(/^podnet_dns_index_build_duration_seconds_sum (\S+)/m) / builds) * 1000,
    hits: v(/^podnet_dns_reply_cache_hits_total\{[^}]*\} (\S+)/m),
    misses: v(/^podnet_dns_reply_cache_misses_total\{[^}]*\} (\S+)/m),
  };
}

/**
 * A Service of nsOf(0) changed every 100 ms while `during` runs: each change is applied to the
 * index in place and drops the cached replies of that namespace and the global ones (others stay).
 */
async function withChurn<T>(store: ObjectStore, during: () => Promise<T>): Promise<T> {
  let k = 0;
  const timer = setInterval(() => {
    const s = store.get('Service', nsOf(0), 'svc-0') as KubeObject & { spec: Record<string, unknown> };
    const ip = `10.111.${(k >> 8) & 255}.${k++ & 255}`;
    const metadata = { ...s.metadata, resourceVersion: undefined };
    store.update({ ...s, metadata, spec: { ...s.spec, clusterIP: ip, clusterIPs: [ip] } });
  }, 100);
  try {
    return await during();
  } finally {
    clearInterval(timer);
  }
}

/** DNS programming latency: a new Service, and the first answer for it seen from the client. */
async function programming(store: ObjectStore, r: number): Promise<number> {
  const name = `fresh-${r}`;
  const fq = `${name}.${nsOf(0)}.svc.${ZONE}`;
  const argv = ['ip', 'netns', 'exec', CLI, process.execPath, import.meta.filename, '--probe', SRV_IP, fq];
  const prober = await start(argv, (o) => o.includes('probing'));
  const exited = new Promise<number | null>((resolve) => prober.child.once('exit', resolve));
  const created = Date.now();
  const ip = `10.112.0.${r + 1}`;
  const spec = { clusterIP: ip, clusterIPs: [ip], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] };
  store.create({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: nsOf(0) }, spec });
  if ((await exited) !== 0) throw new Error(`no answer for ${fq} within 10 s`);
  return Number(prober.output().trim().split('\n').pop()) - created;
}

async function measureSize(
  n: number,
  variant: Variant,
  dir: string,
  seconds: number,
  runs: number,
  log: (s: string) => void,
): Promise<SizeResult> {
  const store = new ObjectStore();
  for (const o of objects(n)) store.create(o);
  const readSocket = join(dir, 'read', 'api-read.sock');
  let api: ApiServer | undefined;
  let server: Proc | undefined;
  try {
    api = await startApiServer({
      stateDir: join(dir, `state-${n}`),
      port: 0,
      store,
      socketPath: null,
      readSocketPath: readSocket,
      namespaces: [],
    });
    const workload = resolveWorkload({
      name: 'coredns',
      image: 'podnet/dns',
      args: [`--api-socket=${readSocket}`],
    });
    const runtime = buildWorkloadArgv(workload, 'coredns-bench', defaultRunner());
    const node = variant === 'runtime flags' ? runtime : runtime.filter((a) => !a.startsWith('--max-'));
    const t0 = performance.now();
    const serving = (out: string) => out.includes('dns: serving') && out.includes('; ready');
    server = await start(buildSandboxArgv(SRV, NOBODY, ['taskset', '-c', '1', ...node]), serving);
    const readyMs = performance.now() - t0;
    const firstBuildMs = Number(/first index built in (\d+) ms/.exec(server.output())?.[1]);
    await new Promise((r) => setTimeout(r, 2000));
    const pid = server.child.pid!;
    const rssIdle = rssMiB(pid).rss;
    const file = join(dir, `queries-${n}.txt`);
    writeFileSync(file, queryFile(n));
    await dnsperf(53, file, 2); // warm-up: JIT, caches
    const saturation: Perf[] = [];
    const canned: Perf[] = [];
    const load = ['-c', '20', '-q', '200'];
    for (let r = 0; r < runs; r++) {
      canned.push(await dnsperf(CANNED_PORT, file, seconds, load));
      saturation.push(await dnsperf(53, file, seconds, load));
      const [c, o] = [canned[r], saturation[r]];
      log(
        `  ${n} ${variant} run ${r + 1}: ${o.qps.toFixed(0)} q/s (canned ${c.qps.toFixed(0)}), lost ${o.lost}/${c.lost}`,
      );
    }
    const fixed = [...load, '-Q', '20000', '-v'];
    const cannedLatency = await dnsperf(CANNED_PORT, file, Math.min(seconds, 5), fixed);
    const latency = await dnsperf(53, file, Math.min(seconds, 5), fixed);
    const churn = await withChurn(store, () => dnsperf(53, file, seconds, load));
    log(
      `  ${n} ${variant}: p99 at 20k q/s ${latency.p99?.toFixed(2)} ms; with changes ${churn.qps.toFixed(0)} q/s`,
    );
    const programmingMs: number[] = [];
    for (let r = 0; r < 5; r++) {
      await new Promise((resolve) => setTimeout(resolve, 1000)); // no build pending or paced
      programmingMs.push(await programming(store, r));
    }
    const after = rssMiB(pid);
    const metrics = await scrape();
    return {
      services: n,
      variant,
      readyMs,
      firstBuildMs,
      rssIdle,
      rssAfter: after.rss,
      hwm: after.hwm,
      saturation,
      canned,
      latency,
      cannedLatency,
      churn,
      programmingMs,
      metrics,
    };
  } finally {
    await stop(server);
    await api?.close();
  }
}

function report(results: SizeResult[], seconds: number): string {
  const f = (x: number | undefined, d = 2) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));
  const q = (ps: Perf[]) => median(ps.map((p) => p.qps));
  const pct = (p: Perf) => `${f(p.p50)} / ${f(p.p90)} / ${f(p.p99)} / ${f(p.p999)}`;
  const label = (s: SizeResult) => `${s.services.toLocaleString('en')}, ${s.variant}`;
  const perf = results.map(
    (s) =>
      `| ${label(s)} | ${q(s.saturation).toFixed(0)} (${s.saturation.map((p) => p.qps.toFixed(0)).join(' / ')}) | ` +
      `${f(median(s.saturation.map((p) => p.avgMs)))} | ${q(s.canned).toFixed(0)} | ${f(q(s.saturation) / q(s.canned))} | ` +
      `${f(q(s.saturation) / 33669)} | ${pct(s.latency)} | ${pct(s.cannedLatency)} |`,
  );
  const dyn = results.map(
    (s) =>
      `| ${label(s)} | ${s.churn.qps.toFixed(0)} (${f(s.churn.qps / q(s.saturation))}) | ` +
      `${s.metrics.builds} builds, ${f(s.metrics.buildMs, 0)} ms avg | ` +
      `${f(median(s.programmingMs), 0)} (${s.programmingMs.join(', ')}) | ` +
      `${f((100 * s.metrics.hits) / (s.metrics.hits + s.metrics.misses), 0)} % |`,
  );
  const mem = results.map(
    (s) =>
      `| ${label(s)} | ${(s.readyMs / 1000).toFixed(2)} s (first build ${s.firstBuildMs} ms) | ${s.rssIdle.toFixed(1)} | ` +
      `${s.rssAfter.toFixed(1)} | ${s.hwm.toFixed(1)} |`,
  );
  const slopes = (['runtime flags', 'no heap cap'] as Variant[]).flatMap((v) => {
    const rs = results.filter((s) => s.variant === v);
    if (rs.length < 2) return [];
    const [lo, hi] = [rs[0], rs[rs.length - 1]];
    const slope = ((hi.rssIdle - lo.rssIdle) / (hi.services - lo.services)) * 1000;
    return [
      `RSS per 1,000 Services, ${v} (idle, ${lo.services} -> ${hi.services}; each Service with an EndpointSlice of 2 ` +
        `endpoints, and 2 Pods in the API that \`pods insecure\` does not watch): ${f(slope)} MiB = ` +
        `${f((slope * 1024) / 1000, 2)} KiB per Service, ${f((slope * 1024) / 3000, 2)} KiB per (Pod + Service); ` +
        `CoreDNS (Scaling_CoreDNS.md): 0.86 KiB per (Pod + Service).`,
    ];
  });
  return [
    `dnsperf in ${CLI} on CPU 0 -> server in ${SRV} on CPU 1. Saturation: -c 20 -q 200 -l ${seconds}, ` +
      'median of runs (all runs in brackets), each run of ours right after one of the canned responder on the same ' +
      'data. Percentiles: -Q 20000 (-v).',
    '',
    '| Services, node flags | queries/s | avg ms | canned q/s | vs canned | vs CoreDNS 33,669 | p50 / p90 / p99 / p99.9 ms at 20k q/s | same, canned |',
    '|---|---|---|---|---|---|---|---|',
    ...perf,
    '',
    '| Services, node flags | q/s with 1 change / 100 ms (vs quiet) | index builds (whole run) | new Service answered after, ms: median (all) | reply cache hits |',
    '|---|---|---|---|---|',
    ...dyn,
    '',
    '| Services, node flags | start to ready | RSS idle MiB | RSS after load MiB | peak RSS MiB |',
    '|---|---|---|---|---|',
    ...mem,
    '',
    ...slopes,
    `response codes (last run): ${results.at(-1)?.saturation.at(-1)?.codes ?? '-'}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      services: { type: 'string', default: '1000,10000' },
      seconds: { type: 'string', default: '10' },
      runs: { type: 'string', default: '3' },
      uncapped: { type: 'boolean', default: false },
      canned: { type: 'string' },
      probe: { type: 'string' },
    },
    allowPositionals: true,
    strict: false,
  });
  if (typeof values.canned === 'string') return cannedResponder(Number(values.canned));
  if (typeof values.probe === 'string') return probe(values.probe, process.argv[process.argv.length - 1]);
  if (!isRoot()) throw new Error('the DNS benchmark creates network namespaces: run it as root');
  const sizes = String(values.services).split(',').map(Number);
  const seconds = Number(values.seconds);
  const runs = Number(values.runs);
  const variants: Variant[] = values.uncapped ? ['runtime flags', 'no heap cap'] : ['runtime flags'];
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const leftover = await listNetns('pn-tbdns-');
  if (leftover.length)
    throw new Error(`namespaces left from an earlier run: ${leftover.join(', ')} (ip netns del them)`);
  const dir = mkdtempSync(join(tmpdir(), 'pn-tbdns-'));
  let canned: Proc | undefined;
  const cleanup = async () => {
    await stop(canned);
    await deleteNetns(CLI);
    await deleteNetns(SRV);
    rmSync(dir, { recursive: true, force: true });
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => void cleanup().finally(() => process.exit(128 + (sig === 'SIGINT' ? 2 : 15))));
  }
  try {
    await setup(dir);
    const cannedArgv = [process.execPath, import.meta.filename, '--canned', String(CANNED_PORT)];
    canned = await start(['ip', 'netns', 'exec', SRV, 'taskset', '-c', '1', ...cannedArgv], (o) =>
      o.includes('ready'),
    );
    const results: SizeResult[] = [];
    for (const variant of variants) {
      for (const n of sizes) {
        log(`${n} Services, ${variant}...`);
        results.push(await measureSize(n, variant, dir, seconds, runs, log));
      }
    }
    process.stdout.write(`${report(results, seconds)}\n`);
  } finally {
    await cleanup();
  }
}

main().catch((e: Error) => {
  process.stderr.write(`bench dns: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
