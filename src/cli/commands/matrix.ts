// podnet matrix: the pod x pod reachability table per port and protocol.
import type { Command } from 'commander';
import {
  computeReachability,
  defaultProbes,
  groupedMatrixJson,
  matrixJson,
} from '../../analysis/reachability.js';
import { clusterFromSource } from '../inputs.js';
import { addSourceFlags, addOutputFlag, checkOutput, collect, parsePort, parseProtocol } from '../flags.js';
import { printData, painter, useColor } from '../output.js';
import { formatMatrixTable } from '../print/matrix-table.js';

interface MatrixOptions {
  filename: string[];
  kubeconfig?: string;
  context?: string;
  name?: string;
  port: string[];
  protocol?: string;
  output: string;
  grouped?: boolean;
}

export function registerMatrix(program: Command): void {
  const cmd = program
    .command('matrix')
    .description('predict which pods can reach which, per port and protocol, from NetworkPolicies')
    .option(
      '--port <port>',
      'destination port number or name (repeatable; default: every declared port)',
      collect,
      [],
    )
    .option(
      '--protocol <protocol>',
      'TCP, UDP or SCTP (default TCP; with no --port, every declared protocol)',
    )
    .option('--grouped', 'JSON per class of pods that policy cannot tell apart');
  addSourceFlags(cmd);
  addOutputFlag(cmd, ['table', 'json', 'yaml'], 'table');
  cmd.action(async (opts: MatrixOptions) => {
    const output = checkOutput(opts.output, ['table', 'json', 'yaml']);
    const ports = opts.port.map(parsePort);
    const protocol = parseProtocol(opts.protocol);
    const { cluster } = await clusterFromSource(opts);
    let probes = ports.map((port) => ({ port, protocol }));
    if (probes.length === 0)
      probes = defaultProbes(cluster).filter((p) => !opts.protocol || p.protocol === protocol);
    if (probes.length === 0) probes = [{ port: 80, protocol }];
    const r = computeReachability(cluster, probes);
    if (output === 'table') {
      const color = useColor();
      process.stdout.write(formatMatrixTable(r, painter(32, color), painter(31, color)));
      return;
    }
    printData(opts.grouped ? groupedMatrixJson(r) : matrixJson(r), output as 'json' | 'yaml');
  });
}
