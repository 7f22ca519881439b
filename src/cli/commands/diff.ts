// podnet diff -f OLD... --against NEW...: what changes between two versions of the manifests
// (reachability, endpoints, DNS names, Ingress/HTTPRoute routing). Exit 1 when the change is
// one --fail-on asks to fail on, for CI on pull requests (docs/diff.md).
import type { Command } from 'commander';
import {
  diffClusters,
  diffFails,
  formatDiffText,
  unionProbes,
  type FailOn,
} from '../../analysis/diff/index.js';
import { defaultProbes } from '../../analysis/reachability.js';
import { InputError, UsageError } from '../errors.js';
import { addFileFlag, addOutputFlag, checkOutput, collect, parsePort, parseProtocol } from '../flags.js';
import { clusterFromFiles } from '../inputs.js';
import { printData, painter, useColor } from '../output.js';

interface DiffFlags {
  filename: string[];
  against: string[];
  port: string[];
  protocol?: string;
  ingressClass?: string;
  failOn: string;
  limit: string;
  output: string;
}

const FAIL_ON = ['any', 'new-allow', 'none'];

/** Loads one side; input problems are prefixed with the side they belong to. */
async function load(side: 'old (-f)' | 'new (--against)', files: string[]) {
  try {
    return (await clusterFromFiles(files)).cluster;
  } catch (e) {
    if (e instanceof InputError) throw new InputError(e.problems.map((p) => `${side}: ${p}`));
    throw e;
  }
}

export function registerDiff(program: Command): void {
  const cmd = program
    .command('diff')
    .description(
      'what changes between two versions of the manifests: reachability, endpoints, DNS names, routes',
    )
    .option('--against <path>', 'the new version: file, directory or - (repeatable)', collect, [])
    .option(
      '--port <port>',
      'compare reachability on this port (repeatable; default: every declared port)',
      collect,
      [],
    )
    .option(
      '--protocol <protocol>',
      'TCP, UDP or SCTP (default TCP; with no --port, every declared protocol)',
    )
    .option(
      '--ingress-class <name>',
      'the IngressClass to route through (default: podnet selection per version)',
    )
    .option(
      '--fail-on <what>',
      `exit 1 on: ${FAIL_ON.join('|')} (new-allow: only when access is gained)`,
      'any',
    )
    .option('--limit <n>', 'most pod pairs listed per direction in JSON (0: all)', '1000');
  addFileFlag(cmd);
  addOutputFlag(cmd, ['table', 'json', 'yaml'], 'table');
  cmd.action(async (flags: DiffFlags) => {
    const output = checkOutput(flags.output, ['table', 'json', 'yaml']);
    if (!FAIL_ON.includes(flags.failOn))
      throw new UsageError(`unknown --fail-on "${flags.failOn}": use one of ${FAIL_ON.join(', ')}`);
    if (!/^\d+$/.test(flags.limit))
      throw new UsageError(`--limit must be a whole number, not "${flags.limit}"`);
    if (flags.filename.length === 0) throw new UsageError('no old version: give it with -f FILE|DIR|-');
    if (flags.against.length === 0) throw new UsageError('no new version: give it with --against FILE|DIR|-');
    if (flags.filename.includes('-') && flags.against.includes('-'))
      throw new UsageError('stdin (-) can feed only one side: -f or --against');
    const ports = flags.port.map(parsePort);
    const protocol = parseProtocol(flags.protocol);
    const oldCluster = await load('old (-f)', flags.filename);
    const newCluster = await load('new (--against)', flags.against);
    let probes = ports.map((port) => ({ port, protocol }));
    if (probes.length === 0 && flags.protocol) {
      probes = unionProbes(defaultProbes(oldCluster), defaultProbes(newCluster)).filter(
        (p) => p.protocol === protocol,
      );
      if (probes.length === 0) probes = [{ port: 80, protocol }];
    }
    const diff = diffClusters(oldCluster, newCluster, {
      probes,
      declaredOnly: ports.length === 0,
      ingressClass: flags.ingressClass,
      limit: Number(flags.limit),
    });
    if (output === 'table') {
      const c = useColor();
      process.stdout.write(
        formatDiffText(diff, {
          add: painter(32, c),
          del: painter(31, c),
          chg: painter(33, c),
          dim: painter(2, c),
        }),
      );
    } else printData(diff, output as 'json' | 'yaml');
    process.exitCode = diffFails(diff, flags.failOn as FailOn) ? 1 : 0;
  });
}
