// podnet trace SRC DST and podnet explain SRC DST: the fate of one connection, hop by hop.
import type { Command } from 'commander';
import { trace, type TraceOptions } from '../../analysis/trace/trace.js';
import { TargetError } from '../../analysis/trace/target.js';
import { RequestParseError } from '../../ingress/index.js';
import { explain } from '../../analysis/explain.js';
import { clusterFromSource } from '../inputs.js';
import { UsageError } from '../errors.js';
import { addSourceFlags, addOutputFlag, checkOutput, collect, parsePort, parseProtocol } from '../flags.js';
import { printData, painter, useColor } from '../output.js';
import { formatTraceText } from '../print/trace-text.js';
import { formatExplainText } from '../print/explain-text.js';

interface TraceFlags {
  filename: string[];
  kubeconfig?: string;
  context?: string;
  name?: string;
  port?: string;
  protocol?: string;
  method?: string;
  header: string[];
  gateway?: string;
  ingressClass?: string;
  output: string;
}

function traceCommand(program: Command, name: 'trace' | 'explain', description: string): Command {
  const cmd = program
    .command(`${name} <src> <dst>`)
    .description(description)
    .option('--port <port>', 'destination port (default: the first port of the destination)')
    .option('--protocol <protocol>', 'TCP, UDP or SCTP', 'TCP')
    .option('--method <method>', 'HTTP method for URL destinations', 'GET')
    .option(
      '--header <K:V>',
      'HTTP request header (repeatable); Host:... overrides the URL host',
      collect,
      [],
    )
    .option('--gateway <ns/name>', 'enter through this Gateway instead of the Ingress controller')
    .option('--ingress-class <name>', 'the IngressClass the Ingress controller serves');
  addSourceFlags(cmd);
  addOutputFlag(cmd, ['text', 'json', 'yaml'], 'text');
  return cmd;
}

function optionsOf(flags: TraceFlags): TraceOptions {
  const port = flags.port === undefined ? undefined : parsePort(flags.port);
  if (typeof port === 'string') throw new UsageError('--port must be a number for trace');
  return {
    port,
    protocol: parseProtocol(flags.protocol),
    method: flags.method,
    headers: flags.header,
    gateway: flags.gateway,
    ingressClass: flags.ingressClass,
  };
}

async function runTrace(src: string, dst: string, flags: TraceFlags) {
  const output = checkOutput(flags.output, ['text', 'json', 'yaml']);
  const { cluster } = await clusterFromSource(flags);
  try {
    const result = trace(cluster, src, dst, optionsOf(flags));
    return { output, result, cluster };
  } catch (e) {
    if (e instanceof TargetError || e instanceof RequestParseError) throw new UsageError(e.message);
    throw e;
  }
}

export function registerTrace(program: Command): void {
  traceCommand(
    program,
    'trace',
    'follow one connection hop by hop: DNS, Ingress, Service, endpoints, NAT, route, policy',
  ).action(async (src: string, dst: string, flags: TraceFlags) => {
    const { output, result } = await runTrace(src, dst, flags);
    if (output === 'text') {
      const c = useColor();
      process.stdout.write(
        formatTraceText(result, { ok: painter(32, c), bad: painter(31, c), dim: painter(2, c) }),
      );
    } else printData(result, output as 'json' | 'yaml');
    process.exitCode = result.verdict === 'allowed' ? 0 : 1;
  });
  traceCommand(
    program,
    'explain',
    'trace, plus the rules that allow it or the smallest policy change that would',
  ).action(async (src: string, dst: string, flags: TraceFlags) => {
    const { output, result, cluster } = await runTrace(src, dst, flags);
    const retrace = (c: typeof cluster) => trace(c, src, dst, optionsOf(flags));
    const explanation = explain(cluster, result, retrace);
    if (output === 'text') {
      const c = useColor();
      process.stdout.write(
        formatTraceText(result, { ok: painter(32, c), bad: painter(31, c), dim: painter(2, c) }),
      );
      process.stdout.write(formatExplainText(explanation));
    } else printData({ ...result, explanation }, output as 'json' | 'yaml');
    process.exitCode = result.verdict === 'allowed' ? 0 : 1;
  });
}
