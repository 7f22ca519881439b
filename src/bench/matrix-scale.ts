// Benchmark: `podnet matrix --grouped -o json --port 80` end to end (process start, parse,
// validate, controllers, matrix, JSON out) on generated clusters of growing size, from YAML
// and from JSON. Baseline, measured in the same run: the pairwise evaluator (the way most
// verifiers work, one evaluation per pod pair) on the smaller clusters; larger sizes compare
// against its measured per-pair cost times n^2 (marked "extrapolated").
// Usage: npm run bench [-- 1000 5000 20000 100000]
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { defaultClusterConfig } from '../api/cluster.js';
import { namespaceLabelIndex, podEndpoint } from '../policy/endpoint.js';
import { evaluateTraffic, networkPolicyTier } from '../policy/evaluate.js';
import { buildPolicyModels } from '../policy/model.js';
import { simulateCluster } from '../offline/simulate.js';
import { generateCluster } from './generate.js';

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const SIZES = sizes.length ? sizes : [1000, 5000, 20000, 100000];
// The pairwise evaluator needs ~9 s for 1,000 pods (10^6 pairs); larger sizes are extrapolated.
const BASELINE_MAX = 1000;
const runner = join(import.meta.dirname, 'run-cli.js');

interface Row {
  pods: number;
  policies: number;
  format: string;
  seconds: number;
  rssMiB: number;
  classes: number;
}

/** Runs the command as `podnet ... > out.json` would: stdout to a file, not into this process. */
function runMatrix(file: string): { seconds: number; rssMiB: number; classes: number } {
  const out = `${file}.out`;
  const fd = openSync(out, 'w');
  const start = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    ['--max-semi-space-size=64', runner, 'matrix', '-f', file, '--port', '80', '--grouped', '-o', 'json'],
    {
      encoding: 'utf8',
      stdio: ['ignore', fd, 'pipe'],
    },
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  closeSync(fd);
  if (r.status !== 0) throw new Error(`matrix failed (${r.status}): ${r.stderr.slice(0, 500)}`);
  const usage = JSON.parse(r.stderr.trim().split('\n').pop()!);
  const classes = JSON.parse(readFileSync(out, 'utf8')).classes.length;
  rmSync(out);
  return { seconds, rssMiB: usage.maxRSSKiB / 1024, classes };
}

/** Seconds per pod pair of the pairwise evaluator on this cluster (all pairs, port 80/TCP). */
async function pairwiseSecondsPerPair(pods: number): Promise<number> {
  const { cluster } = await simulateCluster(generateCluster(pods), defaultClusterConfig);
  const tiers = [networkPolicyTier(buildPolicyModels(cluster.networkPolicies))];
  const ns = namespaceLabelIndex(cluster);
  const eps = cluster.pods.map((p) => podEndpoint(p, ns)).filter((e) => e !== undefined);
  const start = process.hrtime.bigint();
  let allowed = 0;
  for (const src of eps)
    for (const dst of eps)
      if (evaluateTraffic(tiers, { src, dst, port: 80, protocol: 'TCP' }).allowed) allowed++;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (allowed === 0) throw new Error('baseline saw no allowed pair: the generated cluster is degenerate');
  return seconds / (eps.length * eps.length);
}

const dir = mkdtempSync(join(tmpdir(), 'podnet-bench-'));
// One discarded run first, so that disk caches and the first JIT of the CLI do not count.
writeFileSync(
  join(dir, 'warmup.json'),
  JSON.stringify({ apiVersion: 'v1', kind: 'List', items: generateCluster(200) }),
);
runMatrix(join(dir, 'warmup.json'));
const rows: Row[] = [];
const perPair = new Map<number, number>();
try {
  for (const pods of SIZES) {
    const objects = generateCluster(pods);
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy').length;
    const json = join(dir, `cluster-${pods}.json`);
    const yaml = join(dir, `cluster-${pods}.yaml`);
    writeFileSync(json, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
    writeFileSync(yaml, objects.map((o) => stringify(o)).join('---\n'));
    for (const [format, file] of [
      ['json', json],
      ['yaml', yaml],
    ] as const) {
      const r = runMatrix(file);
      rows.push({ pods, policies, format, ...r });
      process.stderr.write(
        `  ${pods} pods ${format}: ${r.seconds.toFixed(2)} s, ${r.rssMiB.toFixed(0)} MiB\n`,
      );
    }
    if (pods <= BASELINE_MAX) perPair.set(pods, await pairwiseSecondsPerPair(pods));
  }
  if (perPair.size === 0) perPair.set(BASELINE_MAX, await pairwiseSecondsPerPair(BASELINE_MAX));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const basePods = Math.max(...perPair.keys());
const baseCost = perPair.get(basePods)!;
console.log(`podnet matrix --grouped -o json --port 80, end to end (node ${process.version})`);
console.log(
  'pods      policies  input  wall s   peak MiB  classes  pairwise-baseline s        speedup  exponent',
);
let prev: Row | undefined;
for (const r of rows) {
  const measured = perPair.get(r.pods);
  const baseline = (measured ?? baseCost) * r.pods * r.pods;
  const same =
    prev && prev.format === r.format
      ? prev
      : rows.filter((x) => x.format === r.format && x.pods < r.pods).pop();
  const exponent = same ? Math.log(r.seconds / same.seconds) / Math.log(r.pods / same.pods) : NaN;
  console.log(
    [
      String(r.pods).padEnd(9),
      String(r.policies).padEnd(9),
      r.format.padEnd(6),
      r.seconds.toFixed(2).padEnd(8),
      r.rssMiB.toFixed(0).padEnd(9),
      String(r.classes).padEnd(8),
      `${baseline.toFixed(1)}${measured ? ' (measured)' : ' (extrapolated)'}`.padEnd(26),
      `${(baseline / r.seconds).toFixed(1)}x`.padEnd(8),
      Number.isNaN(exponent) ? '-' : exponent.toFixed(2),
    ].join(' '),
  );
  prev = r;
}
const byFormat = (f: string) => rows.filter((r) => r.format === f);
for (const f of ['json', 'yaml']) {
  const rs = byFormat(f);
  if (rs.length < 2) continue;
  const a = rs[0];
  const b = rs[rs.length - 1];
  console.log(
    `${f}: scaling exponent ${a.pods}..${b.pods} pods = ${(Math.log(b.seconds / a.seconds) / Math.log(b.pods / a.pods)).toFixed(2)} (1 = linear, 2 = pairwise)`,
  );
}
