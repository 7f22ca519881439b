// Benchmark of `podnet probe` (issue 6) on a real local cluster (needs root): wall time of the
// command as a user runs it (CLI start, reading the cluster, one prober per source pod, output),
//  1. 9 pods (namespaces x, y, z with pods a, b, c, as cyclonus lays them out), 2 ports x
//     2 protocols: TCP and UDP on 80 and 81, 324 cells; target < 10 s;
//  2. a Deployment of each of --sizes pods (default 40, then 100 more), TCP/80; for 100 pods
//     10,000 cells, target < 60 s.
// Every cell should come back true (nothing enforces policy yet, and none is applied). Cells
// that do not are counted, with the evidence for the usual cause: all namespaces share the
// kernel's one ARP table (net.ipv4.neigh.default.gc_thresh3, 1024 by default), and an all-pairs
// mesh on one L2 bridge needs an entry per pair of pods on a node (docs/probe.md).
// The cluster is `tbprobe` (namespaces pn-tbprobe-*), with its own state root, removed in `finally`.
// Usage: npm run build && node dist/bench/probe.js [--reps 3] [--sizes 40,100]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = join(import.meta.dirname, '..', '..');
const PODNET = join(ROOT, 'bin', 'podnet');
const CLUSTER = 'tbprobe';

const { values: opt } = parseArgs({
  options: { reps: { type: 'string', default: '3' }, sizes: { type: 'string', default: '40,100' } },
});

const now = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (s: string) => process.stderr.write(`  ${s}\n`);

function podnet(
  stateRoot: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const start = now();
    const child = spawn(PODNET, args, {
      env: { ...process.env, PODNET_STATE_ROOT: stateRoot, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? 128, stdout, stderr, ms: now() - start }));
  });
}

/** A container of agnhost without args (netexec on exactly the declared ports), indented by `pad`. */
const netexec = (pad: string, name: string, ports: string) =>
  [`- name: ${name}`, '  image: registry.k8s.io/e2e-test-images/agnhost:2.53', `  ports: ${ports}`]
    .map((l) => pad + l)
    .join('\n');
const FOUR_PORTS =
  '[{containerPort: 80}, {containerPort: 81}, {containerPort: 80, protocol: UDP}, {containerPort: 81, protocol: UDP}]';

function ninePods(): string {
  const docs: string[] = [];
  for (const ns of ['x', 'y', 'z']) {
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}, labels: {ns: ${ns}}}`);
    for (const pod of ['a', 'b', 'c'])
      docs.push(`apiVersion: v1
kind: Pod
metadata: {name: ${pod}, namespace: ${ns}, labels: {pod: ${pod}, bench: nine}}
spec:
  containers:
${netexec('  ', 'cont-80-81', FOUR_PORTS)}`);
  }
  return docs.join('\n---\n') + '\n';
}

function deployment(replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: many${replicas}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {bench: many${replicas}}}
  template:
    metadata: {labels: {bench: many${replicas}}}
    spec:
      containers:
${netexec('      ', 'web', '[{containerPort: 80}]')}
`;
}

async function waitReady(stateRoot: string, selector: string, count: number): Promise<void> {
  const end = now() + 180_000;
  while (now() < end) {
    const r = await podnet(stateRoot, ['get', 'pods', '-A', '--name', CLUSTER, '-o', 'json']);
    if (r.code === 0) {
      const items = (
        JSON.parse(r.stdout) as {
          items: {
            metadata: { labels?: Record<string, string> };
            status?: { conditions?: { type: string; status: string }[] };
          }[];
        }
      ).items.filter((p) => p.metadata.labels?.bench === selector);
      const ready = items.filter((p) =>
        p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      if (ready.length === count) return;
    }
    await sleep(250);
  }
  throw new Error(`${count} pods bench=${selector} did not become Ready`);
}

interface Run {
  ms: number;
  cells: number;
  falseCells: number;
}

async function probeRun(stateRoot: string, args: string[]): Promise<Run> {
  const r = await podnet(stateRoot, ['probe', '--name', CLUSTER, ...args, '-o', 'json']);
  if (r.code !== 0) throw new Error(`podnet probe exited ${r.code}: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { probes: { matrix: Record<string, Record<string, boolean>> }[] };
  const cells = out.probes.flatMap((p) => Object.values(p.matrix).flatMap((row) => Object.values(row)));
  return { ms: r.ms, cells: cells.length, falseCells: cells.filter((c) => !c).length };
}

/** ARP entries in the cluster's namespaces, and the kernel's hard limit for all namespaces together. */
function neighbours(): string {
  const namespaces = readdirSync('/run/netns').filter((n) => n.startsWith(`pn-${CLUSTER}-`));
  const entries = namespaces
    .map((ns) => execFileSync('ip', ['-n', ns, '-4', 'neigh', 'show'], { encoding: 'utf8' }))
    .join('')
    .split('\n')
    .filter(Boolean).length;
  const limit = readFileSync('/proc/sys/net/ipv4/neigh/default/gc_thresh3', 'utf8').trim();
  return `${entries} ARP entries in ${namespaces.length} namespaces after the runs; gc_thresh3 = ${limit}`;
}

async function measure(
  stateRoot: string,
  what: string,
  args: string[],
  reps: number,
  targetMs: number,
): Promise<string[]> {
  const runs: Run[] = [];
  for (let i = 0; i < reps; i++) {
    runs.push(await probeRun(stateRoot, args));
    log(`${what}: run ${i + 1}: ${(runs[i].ms / 1000).toFixed(2)} s`);
  }
  const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)];
  return [
    what,
    String(runs[0].cells),
    runs.map((r) => r.falseCells).join(' / '),
    ms.map((x) => (x / 1000).toFixed(2)).join(' / '),
    (median / 1000).toFixed(2),
    `${(targetMs / 1000).toFixed(0)} s: ${ms[ms.length - 1] < targetMs ? 'met' : 'NOT met'}`,
  ];
}

async function main(): Promise<void> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    console.log('probe benchmark: needs root (network namespaces); skipped');
    return;
  }
  const leftover = (existsSync('/run/netns') ? readdirSync('/run/netns') : []).filter((n) =>
    n.startsWith(`pn-${CLUSTER}-`),
  );
  if (leftover.length)
    throw new Error(`cluster ${CLUSTER} exists already (${leftover.join(', ')}): podnet down it first`);
  const reps = Number(opt.reps);
  const sizes = opt.sizes.split(',').map(Number);
  const notes: string[] = [];
  const stateRoot = mkdtempSync(join(tmpdir(), 'pn-tbprobe-'));
  const rows: string[][] = [];
  try {
    const up = await podnet(stateRoot, ['up', '--name', CLUSTER, '--nodes', '2', '--api-port', '0']);
    if (up.code !== 0) throw new Error(`podnet up: ${up.stderr}`);
    const nine = join(stateRoot, 'nine.yaml');
    writeFileSync(nine, ninePods());
    if ((await podnet(stateRoot, ['apply', '--name', CLUSTER, '-f', nine])).code !== 0)
      throw new Error('apply 9 pods');
    await waitReady(stateRoot, 'nine', 9);
    const nineArgs = [
      '-l',
      'bench=nine',
      '--port',
      '80',
      '--port',
      '81',
      '--protocol',
      'TCP',
      '--protocol',
      'UDP',
    ];
    rows.push(await measure(stateRoot, '9 pods, TCP+UDP x 80+81', nineArgs, reps, 10_000));

    for (const many of sizes) {
      const dep = join(stateRoot, `many${many}.yaml`);
      writeFileSync(dep, deployment(many));
      if ((await podnet(stateRoot, ['apply', '--name', CLUSTER, '-f', dep])).code !== 0)
        throw new Error('apply deployment');
      await waitReady(stateRoot, `many${many}`, many);
      await sleep(500); // let the servers settle after start-up
      rows.push(
        await measure(
          stateRoot,
          `${many} pods, TCP/80`,
          ['-l', `bench=many${many}`, '--port', '80'],
          reps,
          60_000,
        ),
      );
      notes.push(`${many} pods: ${neighbours()}`);
    }
  } finally {
    const r = await podnet(stateRoot, ['down', '--name', CLUSTER]);
    if (r.code !== 0) log(`podnet down: exit ${r.code}: ${r.stderr.trim()}`);
    rmSync(stateRoot, { recursive: true, force: true });
  }
  const head = ['matrix', 'cells', 'false cells per run', 'wall s per run', 'median s', 'target'];
  const cells = [head, ...rows];
  const w = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(
    `\n== podnet probe, 2-node cluster (vxlan), ${reps} runs each, wall time of the whole command (load average at the end: ${load})`,
  );
  for (const r of cells)
    console.log(
      r
        .map((c, i) => c.padEnd(w[i]))
        .join('  ')
        .trimEnd(),
    );
  for (const n of notes) console.log(n);
}

await main();
