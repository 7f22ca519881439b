// podnet probe: real connections between the running local cluster's pods, printed as the
// matrix is (table, or its JSON with `untestable` added). Method: docs/probe.md.
import type { Command } from 'commander';
import { nsName, type Cluster } from '../../api/cluster.js';
import type { Pod, Protocol } from '../../api/types.js';
import { podNetnsName } from '../../agent/plan.js';
import type { ProbeSpec } from '../../analysis/matrix.js';
import { parseLabelSelector } from '../../apiserver/selectors.js';
import { isClusterName } from '../../cluster/names.js';
import { isRoot } from '../../host/netns.js';
import { planProbe, proberRequest, type Via } from '../../probe/plan.js';
import type { TaskResult } from '../../probe/protocol.js';
import { buildProbeResult, probeJson, probeReachability, type ProbeResult } from '../../probe/result.js';
import { runProbers } from '../../probe/run.js';
import { probeSpecs, selectProbePods } from '../../probe/select.js';
import { UsageError } from '../errors.js';
import { addOutputFlag, checkOutput, collect, parsePort, parseProtocol } from '../flags.js';
import { clusterFromSource } from '../inputs.js';
import { painter, printData, useColor } from '../output.js';
import { formatMatrixTable } from '../print/matrix-table.js';
import { formatProbeNotes } from '../print/probe-text.js';
import { startProgress } from '../print/progress.js';

/** Connections one prober keeps open at once: sockets are cheap, and a drop holds one for the timeout. */
const PROBER_CONCURRENCY = 128;
/**
 * Probers running at once. Each Node start costs ~50 ms of CPU, and a prober starved of CPU
 * lets its connections' timeouts pass while the network was fine: with 16 at once, a 100-pod
 * probe on 2 cores reported 75-1,032 false cells of 9,900 that a 3 s timeout showed to be true;
 * with 8, none, and it was faster (22 s against 25-29 s).
 */
const PROBERS_AT_ONCE = 8;

export interface SelectionFlags {
  name: string;
  port: string[];
  protocol: string[];
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  timeout: string;
}

/** The flags probe and verify share: cluster, pods, ports and protocols, timeout. */
export function addSelectionFlags(cmd: Command): Command {
  return cmd
    .option('--name <name>', 'the running local cluster', 'podnet')
    .option('--port <port>', 'port number or name (repeatable; default: every declared port)', collect, [])
    .option(
      '--protocol <protocol>',
      'TCP, UDP or SCTP (repeatable; default TCP, or with no --port every declared protocol)',
      collect,
      [],
    )
    .option('-n, --namespace <ns>', 'only pods of this namespace (default: every namespace, as matrix)')
    .option('-A, --all-namespaces', 'pods of every namespace (the default)')
    .option('-l, --selector <selector>', 'only pods with these labels (k=v, k!=v, k in (a,b), k, !k)')
    .option('--timeout <ms>', 'how long one connection may take', '1000');
}

export interface Measurement {
  cluster: Cluster;
  pods: Pod[];
  probes: ProbeSpec[];
  result: ProbeResult;
}

function parseSelector(text: string | undefined) {
  if (!text) return [];
  try {
    return parseLabelSelector(text);
  } catch {
    throw new UsageError(`invalid label selector "${text}"`);
  }
}

function parseTimeout(text: string): number {
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 10 || ms > 60_000)
    throw new UsageError(`--timeout ${text}: want milliseconds, 10 to 60000`);
  return ms;
}

/** Selects pods and probes from the running cluster, probes them, returns what was measured. */
export async function measure(flags: SelectionFlags, via: Via): Promise<Measurement> {
  if (!isClusterName(flags.name)) throw new UsageError(`invalid cluster name "${flags.name}"`);
  if (flags.namespace !== undefined && flags.allNamespaces)
    throw new UsageError('give either -n NAMESPACE or -A, not both');
  const ports = flags.port.map(parsePort);
  const protocols: Protocol[] = flags.protocol.map(parseProtocol);
  const selector = parseSelector(flags.selector);
  const timeoutMs = parseTimeout(flags.timeout);
  if (!isRoot())
    throw new UsageError("probing needs root: it enters the pods' network namespaces (run it with sudo)");

  const { cluster } = await clusterFromSource({ filename: [], name: flags.name });
  const pods = selectProbePods(cluster, { namespace: flags.namespace, selector });
  if (pods.length === 0)
    throw new UsageError(`no Running pod with an IP matches the selection in cluster "${flags.name}"`);
  const probes = probeSpecs(pods, ports, protocols);
  const plan = planProbe(cluster, pods, probes, via);

  let replies: TaskResult[][] = pods.map(() => []);
  if (plan.targets.length > 0) {
    const jobs = pods.map((p) => ({ pod: nsName(p), netns: podNetnsName(flags.name, p) }));
    const connections = plan.targets.reduce((n, t) => n + t.attempts, 0) * pods.length;
    const progress = startProgress(
      `probing from ${pods.length} pods (${connections} connections at most)`,
      pods.length,
    );
    try {
      replies = await runProbers(
        jobs,
        proberRequest(plan, timeoutMs, PROBER_CONCURRENCY),
        PROBERS_AT_ONCE,
        progress.update,
      );
    } finally {
      progress.end();
    }
  }
  return { cluster, pods, probes, result: buildProbeResult(plan, replies) };
}

export function registerProbe(program: Command): void {
  const cmd = program
    .command('probe')
    .description("connect between the running cluster's pods for real; print the measured matrix")
    .option(
      '--via <how>',
      'pod (its IP), service (a ClusterIP selecting it) or dns (that Service by name)',
      'pod',
    );
  addSelectionFlags(cmd);
  addOutputFlag(cmd, ['table', 'json', 'yaml'], 'table');
  cmd.action(async (flags: SelectionFlags & { via: string; output: string }) => {
    const output = checkOutput(flags.output, ['table', 'json', 'yaml']);
    if (!['pod', 'service', 'dns'].includes(flags.via))
      throw new UsageError(`--via ${flags.via}: use pod, service or dns`);
    const { result } = await measure(flags, flags.via as Via);
    if (output !== 'table') return printData(probeJson(result), output as 'json' | 'yaml');
    const color = useColor();
    if (result.probes.length > 0)
      process.stdout.write(
        formatMatrixTable(probeReachability(result), painter(32, color), painter(31, color)),
      );
    process.stdout.write(formatProbeNotes(result));
  });
}
