// Benchmark of the local cluster (issue 4), three parts, all on real namespaces (needs root):
//  1. `podnet up --nodes 2` in the phases of minikube's time-to-k8s benchmark: command start ->
//     API answering (/version over the kubeconfig's HTTPS) -> nodes Ready -> app running (a
//     netexec pod applied with `podnet apply` and answering HTTP to another pod through
//     `podnet exec ... curl`), repeated, vxlan/podnet and host-gw/reference.
//  2. 100 pods (one Deployment) from `podnet apply` to all Ready, and the PSS of their workload
//     processes.
//  3. CNI: the network set-up of 100 pods, from a process inside a node netns, in the same run:
//     (a) the reference bridge + host-local plugins once per pod (netns, then ADD), (b) podnet's
//     agent path (src/cni/sandboxes.ts, batched: one pass for all pods, or one per pod; and the
//     path before batching), (c) podnet's plugin executables once per pod; where a batch spends
//     its time; the standalone executables per call.
// Everything it creates is named pn-tbench-* (cluster `tbench`) or pn-tcb-bench-* (part 3) and
// removed in `finally`. Traffic from the root namespace goes to loopback only (the API server).
// Usage: npm run build && node dist/bench/cluster.js [--reps 5] [--pods 100] [--cni-pods 100]
//        [--only startup,pods,cni]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { PODNET_CNI_DIR, REFERENCE_CNI_DIR, podnetConflist, referenceConflist } from '../cni/conflists.js';
import { batchAttacher, type SandboxRequest } from '../cni/batch.js';
import { execBatchHost } from '../cni/batch-host.js';
import { execRunner } from '../cni/exec-runner.js';
import { openDiskStore } from '../cni/host-local/disk-store.js';
import type { StoreFactory } from '../cni/host-local/plugin.js';
import { inProcessRunner } from '../cni/in-process-runner.js';
import { Invoker, buildPluginConf } from '../cni/invoke.js';
import { setUpSandboxes, type SandboxSetup } from '../cni/sandboxes.js';
import type { NetConfList, Result } from '../cni/types.js';
import { exec, execCapture } from '../host/exec.js';
import { createNetns, deleteNetns, listNetns } from '../host/netns.js';

const ROOT = join(import.meta.dirname, '..', '..');
const PODNET = join(ROOT, 'bin', 'podnet');
const CLUSTER = 'tbench';
const API_PORT = 26443;

/** `podnet up` for the benchmark cluster: 2 nodes, the given backend and CNI. */
const upArgs = (backend: string, cni: string) => [
  'up',
  '--name',
  CLUSTER,
  '--nodes',
  '2',
  '--backend',
  backend,
  '--cni',
  cni,
  '--api-port',
  String(API_PORT),
];
const NODE_NETNS = 'pn-tcb-bench-node';
const podNetns = (i: number) => `pn-tcb-bench-p${i}`;
const PATH_ENV = process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin';

const { values: opt } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    pods: { type: 'string', default: '100' },
    'cni-pods': { type: 'string', default: '100' },
    only: { type: 'string', default: 'startup,pods,cni' },
    'cni-worker': { type: 'string' },
  },
});

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (s: string) => process.stderr.write(`  ${s}\n`);

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => quantile(xs, 0.5);
const p90 = (xs: number[]) => quantile(xs, 0.9);

function table(head: string[], rows: (string | number)[][]): void {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const w = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  for (const r of cells)
    console.log(
      r
        .map((c, i) => c.padEnd(w[i]))
        .join('  ')
        .trimEnd(),
    );
}

// ---------------------------------------------------------------- cluster helpers

interface Api {
  ca: Buffer;
  token: string;
  port: number;
}

function readKubeconfig(path: string): Api | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const kc = parseYaml(readFileSync(path, 'utf8')) as {
      clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
      users: { user: { token: string } }[];
    };
    const c = kc.clusters[0].cluster;
    return {
      ca: Buffer.from(c['certificate-authority-data'], 'base64'),
      token: kc.users[0].user.token,
      port: Number(new URL(c.server).port),
    };
  } catch {
    return undefined; // being written
  }
}

/** GET over the kubeconfig's HTTPS on 127.0.0.1 (loopback only); undefined unless 200. */
function apiGet(api: Api, path: string, timeoutMs = 1000): Promise<unknown> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: api.port,
        path,
        ca: api.ca,
        servername: 'localhost',
        checkServerIdentity: () => undefined,
        headers: { authorization: `Bearer ${api.token}` },
        timeout: timeoutMs,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => {
          if (res.statusCode !== 200) return resolve(undefined);
          try {
            resolve(JSON.parse(body));
          } catch {
            resolve(undefined);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

type Obj = {
  metadata: { name: string };
  status?: { podIP?: string; conditions?: { type: string; status: string }[] };
};
const isReady = (o: Obj) =>
  (o.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** Runs bin/podnet with the cluster's state root; resolves with output and wall ms. */
function podnet(
  stateRoot: string,
  args: string[],
  onStderrLine?: (line: string, atMs: number) => void,
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const start = now();
    const child = spawn(PODNET, args, {
      env: { ...process.env, PODNET_STATE_ROOT: stateRoot },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      partial += d;
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const l of lines) onStderrLine?.(l, now() - start);
    });
    child.on('close', (code) => resolve({ code: code ?? 128, stdout, stderr, ms: now() - start }));
  });
}

async function down(stateRoot: string): Promise<void> {
  const r = await podnet(stateRoot, ['down', '--name', CLUSTER]);
  if (r.code !== 0) log(`podnet down: exit ${r.code}: ${r.stderr.trim()}`);
  rmSync(stateRoot, { recursive: true, force: true });
}

async function waitFor<T>(what: string, timeoutMs: number, f: () => Promise<T | undefined>): Promise<T> {
  const end = now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const APP_YAML = `apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  nodeName: node-2
  containers:
  - name: web
    image: registry.k8s.io/e2e-test-images/agnhost:2.53
    args: [netexec, --http-port=8080]
    ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  nodeName: node-1
  containers:
  - name: client
    image: curlimages/curl
    command: [sleep, infinity]
`;

// ---------------------------------------------------------------- part 1: time to a running app

interface StartupRun {
  upLine: number; // first phase line of `podnet up` on stderr (CLI process start + imports)
  api: number; // /version answers
  upExit: number; // `podnet up` exits
  ready: number; // both nodes Ready
  applyExit: number; // `podnet apply` of the app exits
  podsReady: number; // web and client pods Ready
  app: number; // `podnet exec client -- curl web` answers "web"
  curls: number;
}

async function startupRun(backend: string, cni: string): Promise<StartupRun> {
  const stateRoot = mkdtempSync(join(tmpdir(), 'pn-tbench-'));
  const kubeconfig = join(stateRoot, CLUSTER, 'kubeconfig');
  const appFile = join(stateRoot, 'app.yaml');
  writeFileSync(appFile, APP_YAML);
  const t0 = now();
  const at = () => now() - t0;
  let upLine = NaN;
  let api = NaN;
  let ready = NaN;
  let upDone = false;
  try {
    const up = podnet(stateRoot, upArgs(backend, cni), (line, ms) => {
      if (Number.isNaN(upLine) && /^\[\d/.test(line)) upLine = ms;
    }).finally(() => (upDone = true));
    // Watch as the benchmark's kubectl would, while the command runs.
    const watch = (async () => {
      let conf: Api | undefined;
      while (Number.isNaN(ready)) {
        conf ??= readKubeconfig(kubeconfig);
        if (conf) {
          if (Number.isNaN(api)) {
            if (await apiGet(conf, '/version', 300)) api = at();
          } else {
            const nodes = (await apiGet(conf, '/api/v1/nodes', 1000)) as { items: Obj[] } | undefined;
            if (nodes && nodes.items.length === 2 && nodes.items.every(isReady)) ready = at();
          }
        }
        if (upDone && Number.isNaN(api) && !conf) break;
        await sleep(5);
      }
    })();
    const u = await up;
    const upExit = at();
    if (u.code !== 0) throw new Error(`podnet up failed (${u.code}): ${u.stderr.trim()}`);
    await Promise.race([watch, sleep(30_000)]);
    if (Number.isNaN(ready)) throw new Error('nodes never became Ready');
    const conf = readKubeconfig(kubeconfig)!;

    const a = await podnet(stateRoot, ['apply', '--name', CLUSTER, '-f', appFile]);
    const applyExit = at();
    if (a.code !== 0) throw new Error(`podnet apply failed: ${a.stderr.trim()}`);
    const webIP = await waitFor('app pods Ready', 30_000, async () => {
      const pods = (await apiGet(conf, '/api/v1/namespaces/default/pods')) as { items: Obj[] } | undefined;
      const ok = pods?.items.filter(isReady) ?? [];
      return ok.length === 2 ? ok.find((p) => p.metadata.name === 'web')?.status?.podIP : undefined;
    });
    const podsReady = at();
    let curls = 0;
    await waitFor('web answering', 30_000, async () => {
      curls++;
      const r = await podnet(stateRoot, [
        'exec',
        'client',
        '--name',
        CLUSTER,
        '--',
        'curl',
        '-s',
        '-m',
        '2',
        `http://${webIP}:8080/hostname`,
      ]);
      return r.code === 0 && r.stdout.trim() === 'web' ? true : undefined;
    });
    return { upLine, api, upExit, ready, applyExit, podsReady, app: at(), curls };
  } finally {
    await down(stateRoot);
  }
}

async function cliStartMs(): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < 5; i++) out.push((await podnet(tmpdir(), ['--help'])).ms);
  return out;
}

/** Wall ms of a node process that only imports @kubernetes/client-node (the CLI imports it). */
async function clientNodeImportMs(): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < 5; i++) {
    const s = now();
    const r = await execCapture(
      [process.execPath, '--input-type=module', '-e', "await import('@kubernetes/client-node')"],
      { env: process.env },
    );
    if (r.code !== 0) return [NaN];
    out.push(now() - s);
  }
  return out;
}

async function partStartup(reps: number): Promise<void> {
  const configs = [
    ['vxlan', 'podnet'],
    ['host-gw', 'reference'],
  ];
  const runs = new Map<string, StartupRun[]>();
  // Interleaved, so that a slow moment of the machine does not fall on one configuration only.
  for (let r = 0; r < reps; r++) {
    for (const [backend, cni] of configs) {
      const key = `${backend}/${cni}`;
      const run = await startupRun(backend, cni);
      (runs.get(key) ?? runs.set(key, []).get(key)!).push(run);
      log(
        `${key} #${r + 1}: api ${run.api.toFixed(0)} ms, up exit ${run.upExit.toFixed(0)}, ready ${run.ready.toFixed(0)}, app ${run.app.toFixed(0)} ms (${run.curls} curl)`,
      );
    }
  }
  const cli = await cliStartMs();
  const kc = await clientNodeImportMs();
  console.log(
    `\n== 1. podnet up --nodes 2: time-to-k8s phases, ms since the command started (${reps} runs each, node ${process.version})`,
  );
  const phases: [keyof StartupRun, string][] = [
    ['upLine', 'first phase line of `podnet up` (CLI start)'],
    ['api', 'API answering (/version over HTTPS)'],
    ['upExit', '`podnet up` exits'],
    ['ready', 'nodes Ready (2/2)'],
    ['applyExit', '`podnet apply` (web + client pods) exits'],
    ['podsReady', 'both pods Ready'],
    ['app', 'app running: `podnet exec client -- curl web` answers'],
  ];
  const keys = [...runs.keys()];
  table(
    ['phase (cumulative)', ...keys.flatMap((k) => [`${k} p50`, 'p90'])],
    phases.map(([f, label]) => [
      label,
      ...keys.flatMap((k) => {
        const xs = runs.get(k)!.map((r) => r[f] as number);
        return [median(xs).toFixed(0), p90(xs).toFixed(0)];
      }),
    ]),
  );
  console.log(
    `podnet CLI process start alone (\`podnet --help\`, 5 runs): p50 ${median(cli).toFixed(0)} ms, p90 ${p90(cli).toFixed(0)} ms; ` +
      'the app phase runs the CLI twice (apply, exec), the up phase once.',
  );
  console.log(
    `of which importing @kubernetes/client-node alone (node -e "await import(...)", 5 runs): p50 ${median(kc).toFixed(0)} ms; bare node start ~30 ms`,
  );
  for (const k of keys) {
    const xs = runs.get(k)!.map((r) => r.app);
    const start = median(runs.get(k)!.map((r) => r.upLine));
    console.log(
      `${k}: to a running app p50 ${(median(xs) / 1000).toFixed(2)} s (target <= 2 s: ${median(xs) <= 2000 ? 'met' : 'NOT met'}); ` +
        `minus 3 CLI starts (3 x ${start.toFixed(0)} ms, the time to up's first line) ~${((median(xs) - 3 * start) / 1000).toFixed(2)} s (rough)`,
    );
  }
  console.log(
    'Published, for context only (minikube time-to-k8s v1.36.0, total to DNS answering, shared/anchors/systems.md §2.2): ' +
      'minikube 50.8 s, kind 33.0 s, k3d 19.9 s (their "app running" phase alone: 6.4 / 18.0 / 3.0 s).',
  );
}

// ---------------------------------------------------------------- part 2: 100 pods

function deploymentYaml(replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: tbweb}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: tbweb}}
  template:
    metadata: {labels: {app: tbweb}}
    spec:
      containers:
      - name: web
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: [netexec, --http-port=8080]
        ports: [{containerPort: 8080}]
`;
}

function cmdline(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function ppid(pid: string): string {
  try {
    return /^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '0';
  } catch {
    return '0';
  }
}

function pssKiB(pid: string): number {
  try {
    return Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function rssKiB(pid: string): number {
  try {
    return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The cluster's processes: workloads (an ancestor's cmdline names the state root) and the rest. */
function clusterMemory(stateRoot: string): {
  workloads: number;
  pssKiB: number;
  rssKiB: number;
  infra: number;
  infraPssKiB: number;
} {
  const pids = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  const ours = (pid: string) => {
    for (let p = pid, n = 0; p !== '0' && p !== '1' && n < 10; p = ppid(p), n++)
      if (cmdline(p).includes(stateRoot)) return true;
    return false;
  };
  const r = { workloads: 0, pssKiB: 0, rssKiB: 0, infra: 0, infraPssKiB: 0 };
  for (const pid of pids) {
    const c = cmdline(pid);
    if (c.includes('dist/main/workload.js') && ours(pid)) {
      r.workloads++;
      r.pssKiB += pssKiB(pid);
      r.rssKiB += rssKiB(pid);
    } else if (c.includes(stateRoot) && c.includes('node')) {
      r.infra++;
      r.infraPssKiB += pssKiB(pid);
    }
  }
  return r;
}

async function podsRun(
  backend: string,
  cni: string,
  replicas: number,
): Promise<{
  applyExit: number;
  first: number;
  all: number;
  mem: ReturnType<typeof clusterMemory>;
}> {
  const stateRoot = mkdtempSync(join(tmpdir(), 'pn-tbench-'));
  const file = join(stateRoot, 'deploy.yaml');
  writeFileSync(file, deploymentYaml(replicas));
  try {
    const u = await podnet(stateRoot, upArgs(backend, cni));
    if (u.code !== 0) throw new Error(`podnet up failed: ${u.stderr.trim()}`);
    const conf = readKubeconfig(join(stateRoot, CLUSTER, 'kubeconfig'))!;
    const t0 = now();
    let applyExit = NaN;
    const apply = podnet(stateRoot, ['apply', '--name', CLUSTER, '-f', file]).then((r) => {
      applyExit = now() - t0;
      if (r.code !== 0) throw new Error(`podnet apply failed: ${r.stderr.trim()}`);
    });
    let first = NaN;
    await waitFor(`${replicas} pods Ready`, 300_000, async () => {
      const pods = (await apiGet(conf, '/api/v1/namespaces/default/pods', 5000)) as
        { items: Obj[] } | undefined;
      const n = pods?.items.filter(isReady).length ?? 0;
      if (n > 0 && Number.isNaN(first)) first = now() - t0;
      await sleep(40);
      return n >= replicas ? true : undefined;
    });
    const all = now() - t0;
    await apply;
    await sleep(500); // let the servers settle after start-up
    return { applyExit, first, all, mem: clusterMemory(stateRoot) };
  } finally {
    await down(stateRoot);
  }
}

async function partPods(replicas: number): Promise<void> {
  const rows: (string | number)[][] = [];
  let target = '';
  for (const [backend, cni] of [
    ['vxlan', 'podnet'],
    ['host-gw', 'reference'],
  ]) {
    const r = await podsRun(backend, cni, replicas);
    log(`${backend}/${cni}: ${replicas} pods Ready in ${r.all.toFixed(0)} ms`);
    const gib = r.mem.pssKiB / 1024 / 1024;
    rows.push([
      `${backend}/${cni}`,
      (r.applyExit / 1000).toFixed(2),
      (r.first / 1000).toFixed(2),
      (r.all / 1000).toFixed(2),
      ((r.all / replicas) * 1).toFixed(0),
      r.mem.workloads,
      (r.mem.pssKiB / 1024).toFixed(0),
      (r.mem.pssKiB / 1024 / Math.max(1, r.mem.workloads)).toFixed(1),
      (r.mem.rssKiB / 1024).toFixed(0),
      `${r.mem.infra} / ${(r.mem.infraPssKiB / 1024).toFixed(0)}`,
    ]);
    target += `${backend}/${cni}: workloads ${gib.toFixed(2)} GiB PSS, cluster total ${((r.mem.pssKiB + r.mem.infraPssKiB) / 1024 / 1024).toFixed(2)} GiB (target 100 pods in 2 GiB: ${r.mem.pssKiB + r.mem.infraPssKiB <= 2 * 1024 * 1024 ? 'met' : 'NOT met'})\n`;
  }
  console.log(
    `\n== 2. ${replicas} pods (one Deployment, agnhost netexec) from \`podnet apply\` to all Ready, 2 nodes`,
  );
  table(
    [
      'cluster',
      'apply exits s',
      'first Ready s',
      'all Ready s',
      'ms/pod',
      'workloads',
      'PSS MiB',
      'PSS MiB/pod',
      'RSS MiB (sum)',
      'daemon+agents n / PSS MiB',
    ],
    rows,
  );
  process.stdout.write(target);
}

// ---------------------------------------------------------------- part 3: CNI

interface CniWorkerInput {
  pods: number;
  rounds: number;
  dir: string;
}
/** Samples of one configuration, ms: per pod (set-up, its netns and ADD parts, teardown), per round. */
interface CniRow {
  setup: number[];
  netns: number[];
  add: number[];
  teardown: number[];
  rounds: number[];
}
interface CniWorkerOutput {
  rows: Record<string, CniRow>;
  /** Where one batch of all pods spends its time (BatchHost and Store calls), ms. */
  profile: Record<string, number>;
  standalone: Record<string, number[]>;
  execs: Record<string, string[]>;
}

type CniMode = 'per-pod' | 'batch' | 'pass-each';
interface CniConfig {
  key: string;
  label: string;
  /** Which plugins, and how they run: executables (execRunner) or in the agent's process. */
  plugins: 'podnet' | 'ref' | 'ref-list';
  inProcess: boolean;
  mode: CniMode;
  /** Pods per round when fewer than --cni-pods (the executables take ~190 ms each). */
  maxPods?: number;
}

const CNI_CONFIGS: CniConfig[] = [
  {
    key: 'a',
    label: '(a) reference bridge + host-local, once per pod',
    plugins: 'ref',
    inProcess: false,
    mode: 'per-pod',
  },
  {
    key: 'a+',
    label: '    reference conflist (--cni reference: + loopback, portmap)',
    plugins: 'ref-list',
    inProcess: false,
    mode: 'per-pod',
  },
  {
    key: 'b',
    label: '(b) podnet agent, all pods in one sync pass (one batch)',
    plugins: 'podnet',
    inProcess: true,
    mode: 'batch',
  },
  {
    key: 'b1',
    label: '    podnet agent, one pod per sync pass (batches of 1)',
    plugins: 'podnet',
    inProcess: true,
    mode: 'pass-each',
  },
  {
    key: 'b0',
    label: '    podnet agent before batching: netns + in-process ADD per pod',
    plugins: 'podnet',
    inProcess: true,
    mode: 'per-pod',
  },
  {
    key: 'c',
    label: '(c) podnet plugin executables, once per pod',
    plugins: 'podnet',
    inProcess: false,
    mode: 'per-pod',
    maxPods: 20,
  },
];

function cniList(c: CniConfig, i: number, dir: string): NetConfList {
  const o = { bridge: `pn-tbbr${i}`, dataDir: join(dir, c.key) };
  const subnet = `10.244.${i}.0/24`;
  if (c.plugins === 'podnet') return podnetConflist(subnet, { ...o, mtu: 1500 });
  const ref = referenceConflist(subnet, o);
  return c.plugins === 'ref' ? { ...ref, plugins: [ref.plugins[0]] } : ref;
}

const podReq = (tag: string, i: number): SandboxRequest => ({
  netnsName: podNetns(i),
  rt: {
    containerID: `tbcni-${tag}-${i}`,
    netns: `/run/netns/${podNetns(i)}`,
    ifName: 'eth0',
    args: { K8S_POD_NAMESPACE: 'default', K8S_POD_NAME: `p${i}` },
  },
});

async function timed(f: () => Promise<unknown>): Promise<number> {
  const s = now();
  await f();
  return now() - s;
}

/** Wraps the methods of `o` (but `skip`) to add their wall time to `into[prefix + name]`. */
function timedCalls<T extends object>(
  o: T,
  prefix: string,
  into: Record<string, number>,
  skip: string[] = [],
): T {
  return new Proxy(o, {
    get(target, name, recv) {
      const v = Reflect.get(target, name, recv) as unknown;
      if (typeof v !== 'function' || skip.includes(String(name))) return v;
      return async (...args: unknown[]) => {
        const s = now();
        try {
          return (await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args)) as unknown;
        } finally {
          const k = `${prefix}${String(name)}`;
          into[k] = (into[k] ?? 0) + now() - s;
        }
      };
    },
  });
}

/**
 * Untimed: every set-up must leave the same state, so that the rows compare like with like:
 * one host veth per pod on the bridge, and in the first and last pod netns the Result's
 * address on the interface and a default route through the bridge.
 */
async function checkWired(list: NetConfList, reqs: SandboxRequest[], results: Result[]): Promise<void> {
  const bridge = String(list.plugins[0].bridge);
  const ports = JSON.parse(await exec(['ip', '-j', 'link', 'show', 'master', bridge])) as unknown[];
  if (ports.length !== reqs.length)
    throw new Error(`${list.name}: ${ports.length} veths on ${bridge} for ${reqs.length} pods`);
  for (const i of new Set([0, reqs.length - 1])) {
    const { netnsName, rt } = reqs[i];
    const ip = results[i].ips?.[0]?.address.split('/')[0];
    const addrs = await exec(['ip', '-n', netnsName, '-o', 'addr', 'show', 'dev', rt.ifName]);
    const routes = await exec(['ip', '-n', netnsName, 'route', 'show', 'default']);
    if (!ip || !addrs.includes(` ${ip}/`) || !routes.startsWith('default via '))
      throw new Error(
        `${list.name}: pod ${netnsName} is not wired (${ip}: ${addrs.trim()}; ${routes.trim()})`,
      );
  }
}

/** Runs inside the node netns, as the agent does. */
async function cniWorker(input: CniWorkerInput): Promise<CniWorkerOutput> {
  const out: CniWorkerOutput = { rows: {}, profile: {}, standalone: {}, execs: {} };
  const log = (l: string) => process.stderr.write(`  worker: ${l}\n`);
  const setups = CNI_CONFIGS.map((c, i) => {
    const list = cniList(c, i, input.dir);
    const invoker = new Invoker({
      cniPath: [c.plugins === 'podnet' ? PODNET_CNI_DIR : REFERENCE_CNI_DIR],
      runner: c.inProcess ? inProcessRunner(execRunner) : execRunner,
      baseEnv: { PATH: PATH_ENV },
    });
    // Exactly the agent's wiring (src/main/agent.ts), batch included for the podnet rows.
    const batch = c.mode === 'per-pod' ? undefined : batchAttacher(execBatchHost(), openDiskStore);
    return { c, list, invoker, setup: { invoker, conflist: list, batch, log } as SandboxSetup };
  });

  const cycle = async (k: number, tag: string, pods: number, record: boolean) => {
    const { c, list, invoker, setup } = setups[k];
    const reqs = Array.from({ length: pods }, (_, i) => podReq(tag, i));
    const row = (out.rows[c.key] ??= { setup: [], netns: [], add: [], teardown: [], rounds: [] });
    const results: Result[] = [];
    const start = now();
    if (c.mode === 'batch') {
      const rs = await setUpSandboxes(setup, reqs);
      const ms = now() - start;
      for (const r of rs) {
        if (r instanceof Error) throw r;
        results.push(r);
      }
      if (record) row.setup.push(ms / pods);
    } else {
      for (const r of reqs) {
        if (c.mode === 'pass-each') {
          let res: Result | Error | undefined;
          const ms = await timed(async () => ([res] = await setUpSandboxes(setup, [r])));
          if (res instanceof Error) throw res;
          results.push(res!);
          if (record) row.setup.push(ms);
        } else {
          // The runtime's way for one pod: its netns, then one ADD (setUpSandboxes without a batch).
          const ns = await timed(() => createNetns(r.netnsName));
          let res: Result | undefined;
          const add = await timed(async () => (res = await invoker.add(list, r.rt)));
          results.push(res!);
          if (record) {
            row.setup.push(ns + add);
            row.netns.push(ns);
            row.add.push(add);
          }
        }
      }
    }
    if (record) row.rounds.push(now() - start);
    await checkWired(list, reqs, results);
    // Teardown as the agent's destroy does it: DEL, then the netns.
    for (let i = pods - 1; i >= 0; i--) {
      const ms = await timed(async () => {
        await invoker.del(list, reqs[i].rt, results[i]);
        await deleteNetns(reqs[i].netnsName);
      });
      if (record) row.teardown.push(ms);
    }
  };
  const podsOf = (k: number) => Math.min(input.pods, CNI_CONFIGS[k].maxPods ?? input.pods);
  const order = CNI_CONFIGS.map((_, k) => k);
  for (const k of order) await cycle(k, 'warm', 5, false); // caches, bridges created
  for (let r = 0; r < input.rounds; r++)
    for (const k of r % 2 ? [...order].reverse() : order) await cycle(k, `r${r}`, podsOf(k), true);

  // Where a batch of all pods spends its time: the agent's batch with timers on its effects.
  {
    const k = CNI_CONFIGS.findIndex((c) => c.mode === 'batch');
    const { list, invoker } = setups[k];
    const timedStore: StoreFactory = (d, n) => timedCalls(openDiskStore(d, n), 'IPAM store ', out.profile);
    // withScratchDir holds the ip runs: not timed itself, so that no time counts twice.
    const batch = batchAttacher(timedCalls(execBatchHost(), '', out.profile, ['withScratchDir']), timedStore);
    const reqs = Array.from({ length: input.pods }, (_, i) => podReq('prof', i));
    const s = now();
    const results = await batch.add(list, reqs);
    out.profile.total = now() - s;
    for (const [i, r] of reqs.entries()) {
      await invoker.del(list, r.rt, results[i]);
      await deleteNetns(r.netnsName);
    }
  }

  await standaloneCalls(input, setups[CNI_CONFIGS.findIndex((c) => c.key === 'c')].list, setups[0].list, out);
  return out;
}

/** The standalone plugin executables per call (spawned directly, no Invoker) and the helpers. */
async function standaloneCalls(
  input: CniWorkerInput,
  ours: NetConfList,
  ref: NetConfList,
  out: CniWorkerOutput,
): Promise<void> {
  const run = (argv: string[], env: Record<string, string>, stdin: string) =>
    execCapture(argv, { env: { PATH: PATH_ENV, ...env }, input: stdin });
  const N = Math.min(20, input.pods);
  const sample = async (name: string, f: () => Promise<unknown>) => {
    for (let i = 0; i < N; i++) (out.standalone[name] ??= []).push(await timed(f));
  };
  for (let i = 0; i < N; i++) await createNetns(podNetns(i));
  try {
    await sample('node -e 0 (bare node start)', () => run([process.execPath, '-e', '0'], {}, ''));
    for (const [name, path] of [
      ['podnet-bridge', join(PODNET_CNI_DIR, 'podnet-bridge')],
      ['podnet-host-local', join(PODNET_CNI_DIR, 'podnet-host-local')],
      ['ref bridge', join(REFERENCE_CNI_DIR, 'bridge')],
      ['ref host-local', join(REFERENCE_CNI_DIR, 'host-local')],
    ])
      await sample(`${name} VERSION`, async () => {
        const r = await run([path], { CNI_COMMAND: 'VERSION' }, '{"cniVersion":"1.0.0"}');
        if (r.code !== 0) throw new Error(`${name} VERSION: ${r.stdout}${r.stderr}`);
      });
    for (const [name, list, exe, path] of [
      ['podnet-bridge', ours, join(PODNET_CNI_DIR, 'podnet-bridge'), PODNET_CNI_DIR],
      ['ref bridge', ref, join(REFERENCE_CNI_DIR, 'bridge'), REFERENCE_CNI_DIR],
    ] as const) {
      for (let i = 0; i < N; i++) {
        const rt = podReq('solo', i).rt;
        const env = {
          CNI_PATH: path,
          CNI_CONTAINERID: rt.containerID,
          CNI_NETNS: rt.netns,
          CNI_IFNAME: rt.ifName,
          CNI_ARGS: 'IgnoreUnknown=1',
        };
        const conf = JSON.stringify(buildPluginConf(list, 0, rt));
        let stdout = '';
        (out.standalone[`${name} ADD (direct spawn)`] ??= []).push(
          await timed(async () => {
            const r = await run([exe], { ...env, CNI_COMMAND: 'ADD' }, conf);
            if (r.code !== 0) throw new Error(`${name} ADD: ${r.stdout}${r.stderr}`);
            stdout = r.stdout;
          }),
        );
        const delConf = JSON.stringify(buildPluginConf(list, 0, rt, JSON.parse(stdout) as Result));
        (out.standalone[`${name} DEL (direct spawn)`] ??= []).push(
          await timed(() => run([exe], { ...env, CNI_COMMAND: 'DEL' }, delConf)),
        );
      }
      // Which programs one ADD runs (strace counts execve; its own overhead is not timed).
      const trace = join(input.dir, `strace-${name.replace(/\W/g, '')}`);
      const rt = podReq('strace', 0).rt;
      const env = {
        CNI_PATH: path,
        CNI_CONTAINERID: rt.containerID,
        CNI_NETNS: rt.netns,
        CNI_IFNAME: 'eth0',
        CNI_ARGS: 'IgnoreUnknown=1',
      };
      const r = await run(
        ['strace', '-f', '-qq', '-e', 'trace=execve', '-o', trace, exe],
        { ...env, CNI_COMMAND: 'ADD' },
        JSON.stringify(buildPluginConf(list, 0, rt)),
      );
      if (r.code === 0) {
        out.execs[name] = readFileSync(trace, 'utf8')
          .split('\n')
          .filter((l) => /execve\(/.test(l) && !/= -1 /.test(l))
          .map((l) => /execve\("([^"]+)"/.exec(l)?.[1] ?? '?')
          .map((p) => p.split('/').pop()!);
        await run(
          [exe],
          { ...env, CNI_COMMAND: 'DEL' },
          JSON.stringify(buildPluginConf(list, 0, rt, JSON.parse(r.stdout) as Result)),
        );
      }
    }
    await sample('ip -batch - (1 command)', () => run(['ip', '-batch', '-'], {}, 'link show dev lo\n'));
    await sample('ip netns add + ip -n NS link set lo up', async () => {
      await createNetns('pn-tcb-bench-x');
      await deleteNetns('pn-tcb-bench-x');
    });
  } finally {
    for (let i = 0; i < N; i++) await deleteNetns(podNetns(i)).catch(() => undefined);
  }
}

async function partCni(pods: number, rounds: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pn-tcb-bench-'));
  let worker: ReturnType<typeof spawn> | undefined;
  const cleanUp = async () => {
    for (const ns of await listNetns('pn-tcb-bench-')) await deleteNetns(ns).catch(() => undefined);
  };
  try {
    await cleanUp(); // leftovers of a killed run
    await createNetns(NODE_NETNS);
    const input: CniWorkerInput = { pods, rounds, dir };
    // The agent's way: a node process inside the node netns (podnet up starts agents so).
    const res = await new Promise<CniWorkerOutput>((resolve, reject) => {
      worker = spawn(
        'nsenter',
        [
          `--net=/run/netns/${NODE_NETNS}`,
          process.execPath,
          import.meta.filename,
          '--cni-worker',
          JSON.stringify(input),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let stdout = '';
      worker.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      worker.on('close', (code) => {
        worker = undefined;
        if (code !== 0) return reject(new Error(`CNI worker exited ${code}`));
        resolve(JSON.parse(stdout) as CniWorkerOutput);
      });
    });
    reportCni(res, pods, rounds);
  } finally {
    if (worker?.pid) process.kill(worker.pid, 'SIGKILL');
    await cleanUp(); // the node netns and any pod the worker left
    rmSync(dir, { recursive: true, force: true });
  }
}

function reportCni(res: CniWorkerOutput, pods: number, rounds: number): void {
  const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-');
  const cell = (xs: number[]) => [f1(median(xs)), f1(p90(xs))];
  console.log(
    `\n== 3. CNI: pod network set-up in node netns ${NODE_NETNS} (a node process there, as the agent), ` +
      `${rounds} rounds in alternating order; per pod ms, netns creation included in every row`,
  );
  const a = res.rows.a;
  const perPod = (k: string) =>
    median(res.rows[k].rounds) / Math.max(1, res.rows[k].teardown.length / rounds);
  table(
    [
      'set-up',
      'pods',
      'per pod p50',
      'p90',
      'netns p50',
      'ADD p50',
      'p90',
      'total p50 (s)',
      'vs (a)',
      'teardown p50',
    ],
    CNI_CONFIGS.map((c) => {
      const r = res.rows[c.key];
      const n = r.teardown.length / rounds;
      return [
        c.label,
        n,
        ...cell(r.setup),
        f1(median(r.netns)),
        ...cell(r.add),
        (median(r.rounds) / 1000).toFixed(2),
        `${(perPod(c.key) / perPod('a')).toFixed(2)}x`,
        f1(median(r.teardown)),
      ];
    }),
  );
  const b = perPod('b');
  console.log(
    `(b)/(a), per pod, netns creation counted on both sides: ${(b / perPod('a')).toFixed(2)} ` +
      `(target <= 0.5: ${b / perPod('a') <= 0.5 ? 'met' : 'NOT met'}); ` +
      `against (a) without its netns creation (ADD only): ${(b / median(a.add)).toFixed(2)}; ` +
      `${pods} pods: (b) ${((b * pods) / 1000).toFixed(2)} s, (a) ${((perPod('a') * pods) / 1000).toFixed(2)} s. ` +
      `Batch rows: per pod = the batch's wall time / pods (${rounds} samples).`,
  );
  const total = res.profile.total;
  console.log(`\nOne batch of ${pods} pods, where the time goes (timers around its effects), ms`);
  table(
    ['step', 'ms', 'per pod', 'share'],
    [
      ...Object.entries(res.profile)
        .filter(([k]) => k !== 'total')
        .sort((x, y) => y[1] - x[1])
        .map(([k, v]) => [k, v.toFixed(1), (v / pods).toFixed(2), `${((100 * v) / total).toFixed(0)}%`]),
      [
        'the rest (plans, Results, JSON)',
        (total - Object.entries(res.profile).reduce((s, [k, v]) => s + (k === 'total' ? 0 : v), 0)).toFixed(
          1,
        ),
        '',
        '',
      ],
      ['total', total.toFixed(1), (total / pods).toFixed(2), ''],
    ],
  );
  console.log(
    `\nStandalone executables and helpers (${Math.min(20, pods)} calls each, spawned from the node netns), ms`,
  );
  table(
    ['call', 'mean', 'p50', 'p90'],
    Object.entries(res.standalone).map(([k, xs]) => [k, f1(mean(xs)), f1(median(xs)), f1(p90(xs))]),
  );
  for (const [k, xs] of Object.entries(res.execs)) {
    const counts = new Map<string, number>();
    for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
    console.log(
      `${k} ADD runs ${xs.length} programs: ${[...counts].map(([p, n]) => (n > 1 ? `${p} x${n}` : p)).join(', ')}`,
    );
  }
}

// ---------------------------------------------------------------- main

if (opt['cni-worker']) {
  const out = await cniWorker(JSON.parse(opt['cni-worker']) as CniWorkerInput);
  process.stdout.write(JSON.stringify(out));
} else {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    console.log('cluster benchmark: needs root (network namespaces); skipped');
  } else {
    const parts = new Set(opt.only.split(','));
    const leftover = (existsSync('/run/netns') ? readdirSync('/run/netns') : []).filter((n) =>
      n.startsWith(`pn-${CLUSTER}-`),
    );
    if (leftover.length)
      throw new Error(`cluster ${CLUSTER} exists already (${leftover.join(', ')}): podnet down it first`);
    if (parts.has('startup')) await partStartup(Number(opt.reps));
    if (parts.has('pods')) await partPods(Number(opt.pods));
    if (parts.has('cni')) await partCni(Number(opt['cni-pods']), Math.max(1, Number(opt.reps)));
  }
}
