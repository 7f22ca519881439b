// Benchmark of the local cluster (issue 4), three parts, all on real namespaces (needs root):
//  1. `podnet up --nodes 2` in the phases of minikube's time-to-k8s benchmark: command start ->
//     API answering (/version over the kubeconfig's HTTPS) -> nodes Ready -> app running (a
//     netexec pod applied with `podnet apply` and answering HTTP to another pod through
//     `podnet exec ... curl`), repeated, vxlan/podnet and host-gw/reference.
//  2. 100 pods (one Deployment) from `podnet apply` to all Ready, and the PSS of their workload
//     processes.
//  3. CNI: 100 pod attachments the way the agent makes them (Invoker, run from inside the node
//     netns) with our plugins vs the reference plugins, measured in the same run; plus the
//     standalone plugin executables (VERSION, ADD) and where an ADD of ours spends its time.
// Everything it creates is named pn-tb* (cluster `tbench`, netns pn-tbcni-*) and removed in
// `finally`. Traffic from the root namespace goes to loopback only (the API server).
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
import { execRunner } from '../cni/exec-runner.js';
import { Invoker, buildPluginConf, type RuntimeConf } from '../cni/invoke.js';
import type { NetConfList, Result } from '../cni/types.js';
import { execCapture } from '../host/exec.js';
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
const NODE_NETNS = 'pn-tbcni-node';
const podNetns = (i: number) => `pn-tbcni-p${i}`;
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
  dir: string;
}
interface CniWorkerOutput {
  add: Record<string, number[]>;
  del: Record<string, number[]>;
  standalone: Record<string, number[]>;
  execs: Record<string, string[]>;
}

const SUBNETS: Record<string, [string, string]> = {
  ours: ['10.244.0.0/24', 'pn-tbbr0'],
  'ref bridge+host-local': ['10.244.1.0/24', 'pn-tbbr1'],
  'ref conflist (--cni reference)': ['10.244.2.0/24', 'pn-tbbr2'],
};

function conflists(dir: string): Record<string, { list: NetConfList; path: string }> {
  const [o, ob] = SUBNETS.ours;
  const [r, rb] = SUBNETS['ref bridge+host-local'];
  const [f, fb] = SUBNETS['ref conflist (--cni reference)'];
  const ref = referenceConflist(r, { bridge: rb, dataDir: join(dir, 'ref') });
  return {
    ours: {
      list: podnetConflist(o, { bridge: ob, dataDir: join(dir, 'ours'), mtu: 1500 }),
      path: PODNET_CNI_DIR,
    },
    'ref bridge+host-local': { list: { ...ref, plugins: [ref.plugins[0]] }, path: REFERENCE_CNI_DIR },
    'ref conflist (--cni reference)': {
      list: referenceConflist(f, { bridge: fb, dataDir: join(dir, 'full') }),
      path: REFERENCE_CNI_DIR,
    },
  };
}

const rtFor = (i: number): RuntimeConf => ({
  containerID: `tbcni${i}`,
  netns: `/run/netns/${podNetns(i)}`,
  ifName: 'eth0',
  args: { K8S_POD_NAMESPACE: 'default', K8S_POD_NAME: `p${i}` },
});

async function timed(f: () => Promise<unknown>): Promise<number> {
  const s = now();
  await f();
  return now() - s;
}

/** Runs inside the node netns (as the agent does): Invoker without a netns of its own. */
async function cniWorker(input: CniWorkerInput): Promise<CniWorkerOutput> {
  const lists = conflists(input.dir);
  const out: CniWorkerOutput = { add: {}, del: {}, standalone: {}, execs: {} };
  const invokers = Object.fromEntries(
    Object.entries(lists).map(([k, v]) => [
      k,
      new Invoker({ cniPath: [v.path], runner: execRunner, baseEnv: { PATH: PATH_ENV } }),
    ]),
  );
  const cycle = async (key: string, pods: number, record: boolean) => {
    const { list } = lists[key];
    const inv = invokers[key];
    const results: Result[] = [];
    for (let i = 0; i < pods; i++) {
      let res: Result | undefined;
      const ms = await timed(async () => (res = await inv.add(list, rtFor(i))));
      results.push(res!);
      if (record) (out.add[key] ??= []).push(ms);
    }
    for (let i = pods - 1; i >= 0; i--) {
      const ms = await timed(() => inv.del(list, rtFor(i), results[i]));
      if (record) (out.del[key] ??= []).push(ms);
    }
  };
  const keys = Object.keys(lists);
  for (const k of keys) await cycle(k, 5, false); // warm-up: caches, bridges created
  for (const k of keys) await cycle(k, input.pods, true);
  for (const k of [...keys].reverse()) await cycle(k, input.pods, true);

  // Standalone executables: VERSION, and ADD/DEL of one plugin spawned directly.
  const run = (argv: string[], env: Record<string, string>, stdin: string) =>
    execCapture(argv, { env: { PATH: PATH_ENV, ...env }, input: stdin });
  const N = Math.min(20, input.pods);
  const sample = async (name: string, f: () => Promise<unknown>) => {
    for (let i = 0; i < N; i++) (out.standalone[name] ??= []).push(await timed(f));
  };
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
  // One plugin ADD+DEL, spawned directly (no Invoker): the bridge plugins with their IPAM.
  for (const [name, key, exe] of [
    ['podnet-bridge', 'ours', join(PODNET_CNI_DIR, 'podnet-bridge')],
    ['ref bridge', 'ref bridge+host-local', join(REFERENCE_CNI_DIR, 'bridge')],
  ]) {
    const { list, path } = lists[key];
    for (let i = 0; i < N; i++) {
      const rt = rtFor(i);
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
  }
  // The helpers an ADD of podnet-bridge runs (the profile below counts them with strace).
  const hl = lists.ours.list.plugins[0].ipam as Record<string, unknown>;
  for (let i = 0; i < N; i++) {
    const rt = rtFor(i);
    const env = {
      CNI_PATH: PODNET_CNI_DIR,
      CNI_CONTAINERID: rt.containerID,
      CNI_NETNS: rt.netns,
      CNI_IFNAME: 'eth0',
    };
    const conf = JSON.stringify({ cniVersion: '1.1.0', name: 'podnet', ipam: hl });
    const exe = join(PODNET_CNI_DIR, 'podnet-host-local');
    (out.standalone['podnet-host-local ADD'] ??= []).push(
      await timed(() => run([exe], { ...env, CNI_COMMAND: 'ADD' }, conf)),
    );
    await run([exe], { ...env, CNI_COMMAND: 'DEL' }, conf);
  }
  await sample('ip -batch - (1 command)', () => run(['ip', '-batch', '-'], {}, 'link show dev lo\n'));
  await sample('ip -j -d link show', () => run(['ip', '-j', '-d', 'link', 'show', 'dev', 'lo'], {}, ''));
  await sample('nsenter --net=POD ip -batch -', () =>
    run(['nsenter', `--net=/run/netns/${podNetns(0)}`, 'ip', '-batch', '-'], {}, 'link show dev lo\n'),
  );
  await sample('sysctl -w ip_forward', () => run(['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1'], {}, ''));

  // Which programs one ADD runs (strace counts execve; its own overhead is not timed).
  for (const [name, key, exe] of [
    ['podnet-bridge', 'ours', join(PODNET_CNI_DIR, 'podnet-bridge')],
    ['ref bridge', 'ref bridge+host-local', join(REFERENCE_CNI_DIR, 'bridge')],
  ]) {
    const { list, path } = lists[key];
    const trace = join(input.dir, `strace-${key.replace(/\W/g, '')}`);
    const rt = rtFor(0);
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
        JSON.stringify(buildPluginConf(list, 0, rt, JSON.parse(r.stdout))),
      );
    }
  }
  return out;
}

async function partCni(pods: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pn-tbcni-'));
  let worker: ReturnType<typeof spawn> | undefined;
  const created: string[] = [];
  try {
    for (const ns of await listNetns('pn-tbcni-')) await deleteNetns(ns); // leftovers of a killed run
    await createNetns(NODE_NETNS);
    created.push(NODE_NETNS);
    for (let i = 0; i < pods; i++) {
      await createNetns(podNetns(i));
      created.push(podNetns(i));
    }
    const input: CniWorkerInput = { pods, dir };
    // The agent's way: a node process inside the node netns, plugins spawned from it.
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
    report(res, pods);
  } finally {
    if (worker?.pid) process.kill(worker.pid, 'SIGKILL');
    for (const ns of created.reverse()) await deleteNetns(ns).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(res: CniWorkerOutput, pods: number): void {
  const f = (xs: number[]) => [mean(xs).toFixed(1), median(xs).toFixed(1), p90(xs).toFixed(1)];
  console.log(
    `\n== 3. CNI: ${pods} pods set up as the agent does (Invoker in node netns ${NODE_NETNS}, pods pn-tbcni-p<i>), ` +
      `2 rounds in alternating order, ms per call`,
  );
  const keys = Object.keys(res.add);
  const base = 'ref bridge+host-local';
  table(
    ['plugins', 'ADD mean', 'p50', 'p90', 'DEL mean', 'p50', 'p90', 'ADD vs ref bridge+host-local'],
    keys.map((k) => [
      k === 'ours' ? 'ours: podnet-bridge + podnet-host-local' : k,
      ...f(res.add[k]),
      ...f(res.del[k]),
      `${(mean(res.add[k]) / mean(res.add[base])).toFixed(2)}x`,
    ]),
  );
  const ratio = mean(res.add.ours) / mean(res.add[base]);
  console.log(
    `ours / reference per ADD (mean): ${ratio.toFixed(2)} (target <= 0.5: ${ratio <= 0.5 ? 'met' : 'NOT met'}); ` +
      `against the full reference conflist: ${(mean(res.add.ours) / mean(res.add['ref conflist (--cni reference)'])).toFixed(2)}; ` +
      `100 ADDs: ours ${((mean(res.add.ours) * 100) / 1000).toFixed(2)} s, reference ${((mean(res.add[base]) * 100) / 1000).toFixed(2)} s`,
  );
  console.log(
    `\nStandalone executables and helpers (${Math.min(20, pods)} calls each, spawned from the node netns), ms`,
  );
  table(
    ['call', 'mean', 'p50', 'p90'],
    Object.entries(res.standalone).map(([k, xs]) => [k, ...f(xs)]),
  );
  const m = (k: string) => mean(res.standalone[k] ?? [NaN]);
  const est = {
    'podnet-bridge start (VERSION)': m('podnet-bridge VERSION'),
    'podnet-host-local ADD (its own node start)': m('podnet-host-local ADD'),
    '2 x ip -batch in the node netns': 2 * m('ip -batch - (1 command)'),
    'nsenter + ip -batch in the pod netns': m('nsenter --net=POD ip -batch -'),
    'sysctl ip_forward': m('sysctl -w ip_forward'),
    '3 x ip link show, in parallel (~1 nsenter)': m('nsenter --net=POD ip -batch -'),
  };
  const sum = Object.values(est).reduce((a, b) => a + b, 0);
  console.log('\nWhere an ADD of ours goes (sequential steps of podnet-bridge, from the rows above), ms');
  table(
    ['step', 'ms', 'share'],
    [
      ...Object.entries(est).map(([k, v]) => [k, v.toFixed(1), `${((100 * v) / sum).toFixed(0)}%`]),
      ['sum of the steps', sum.toFixed(1), ''],
      ['measured ADD through the Invoker', mean(res.add.ours).toFixed(1), ''],
    ],
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
    if (parts.has('cni')) await partCni(Number(opt['cni-pods']));
  }
}
