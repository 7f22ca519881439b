// podnet verify: the prediction (matrix, from the running cluster's objects) against the
// measurement (probe, with real packets) on the same pods, ports and protocols. Every
// disagreeing cell is printed with the trace of its prediction; exit 1 on any disagreement.
import type { Command } from 'commander';
import type { Cluster } from '../../api/cluster.js';
import { findPort } from '../../api/pod.js';
import type { Pod } from '../../api/types.js';
import { computeReachability, matrixJson } from '../../analysis/reachability.js';
import { trace } from '../../analysis/trace/trace.js';
import { compareCells, type Disagreement, type TracedDisagreement } from '../../probe/compare.js';
import { addOutputFlag, checkOutput } from '../flags.js';
import { painter, printData, useColor } from '../output.js';
import { formatVerifyText } from '../print/verify-text.js';
import { addSelectionFlags, measure, type SelectionFlags } from './probe.js';

/** The trace behind a disagreeing cell: `podnet trace FROM TO --port N --protocol P`. */
function traceCell(cluster: Cluster, pods: Map<string, Pod>, d: Disagreement): TracedDisagreement {
  const port = findPort(pods.get(d.to)!, d.port, d.protocol);
  try {
    return { ...d, trace: trace(cluster, d.from, d.to, { port, protocol: d.protocol }) };
  } catch (e) {
    return { ...d, trace: { error: (e as Error).message } };
  }
}

export function registerVerify(program: Command): void {
  const cmd = program
    .command('verify')
    .description('probe the running cluster and compare with the prediction; exit 1 on any disagreement');
  addSelectionFlags(cmd);
  addOutputFlag(cmd, ['text', 'json', 'yaml'], 'text');
  cmd.action(async (flags: SelectionFlags & { output: string }) => {
    const output = checkOutput(flags.output, ['text', 'json', 'yaml']);
    const m = await measure(flags, 'pod');
    // The prediction over exactly the probed pods: other pods change no verdict between these.
    const prediction = matrixJson(computeReachability({ ...m.cluster, pods: m.pods }, m.probes));
    const { summary, disagreements } = compareCells(prediction, m.result);
    const byName = new Map(m.pods.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
    const traced = disagreements.map((d) => traceCell(m.cluster, byName, d));
    process.exitCode = disagreements.length > 0 ? 1 : 0;
    if (output !== 'text')
      return printData(
        { summary, disagreements: traced, untestable: m.result.untestable },
        output as 'json' | 'yaml',
      );
    const c = useColor();
    process.stdout.write(
      formatVerifyText(summary, traced, m.result.untestable, {
        ok: painter(32, c),
        bad: painter(31, c),
        dim: painter(2, c),
      }),
    );
    if (disagreements.length > 0 && m.cluster.config.networkPolicyEnforced === false)
      process.stdout.write(
        `note: cluster "${flags.name}" does not enforce NetworkPolicy (podnet up --policy off): ` +
          'the prediction is what an enforcing network would do\n',
      );
  });
}
