// podnet dns NAME: what the cluster DNS answers, with the records code the DNS server uses.
// With --from, the name is tried as that pod's resolver would (search path, ndots:5).
import type { Command } from 'commander';
import { buildDnsIndex, answer, type PodsMode } from '../../dns/records.js';
import { resolve, resolvConfFor } from '../../dns/resolver.js';
import { findPod } from '../../analysis/trace/target.js';
import { clusterFromSource } from '../inputs.js';
import { UsageError } from '../errors.js';
import { addSourceFlags, addOutputFlag, checkOutput } from '../flags.js';
import { printData } from '../output.js';

const TYPES = ['A', 'AAAA', 'SRV', 'PTR', 'CNAME', 'TXT', 'NS', 'SOA', 'ANY'];
const MODES = ['insecure', 'verified', 'disabled'];

interface DnsFlags {
  filename: string[];
  kubeconfig?: string;
  context?: string;
  name?: string;
  type: string;
  from?: string;
  pods: string;
  output: string;
}

export function registerDns(program: Command): void {
  const cmd = program
    .command('dns <name>')
    .description(
      'answer a DNS question as the cluster DNS would (Kubernetes DNS specification, CoreDNS behaviour)',
    )
    .option('--type <type>', `record type: ${TYPES.join('|')}`, 'A')
    .option('--from <ns/pod>', "resolve as this pod's resolver would: search path and ndots:5")
    .option('--pods <mode>', 'pod records mode: insecure|verified|disabled', 'insecure');
  addSourceFlags(cmd);
  addOutputFlag(cmd, ['text', 'json', 'yaml'], 'text');
  cmd.action(async (name: string, flags: DnsFlags) => {
    const output = checkOutput(flags.output, ['text', 'json', 'yaml']);
    const type = flags.type.toUpperCase();
    if (!TYPES.includes(type))
      throw new UsageError(`unknown record type "${flags.type}": use one of ${TYPES.join(', ')}`);
    if (!MODES.includes(flags.pods))
      throw new UsageError(`unknown --pods mode "${flags.pods}": use insecure, verified or disabled`);
    const { cluster } = await clusterFromSource(flags);
    const index = buildDnsIndex(cluster, {
      zone: cluster.config.clusterDomain,
      pods: flags.pods as PodsMode,
    });
    let result: DnsResultText;
    if (flags.from) {
      const pod = findPod(cluster, flags.from);
      if (!pod) throw new UsageError(`pod "${flags.from}" not found`);
      const conf = resolvConfFor(pod.metadata.namespace!, cluster.config.clusterDomain);
      const r = resolve(index, name, type, conf);
      result = { ...r.final, tried: r.tried, search: conf.search, ndots: conf.ndots };
    } else {
      const fq = name.endsWith('.') ? name : `${name}.`;
      result = { name: fq, ...answer(index, fq, type) };
    }
    if (output === 'text') process.stdout.write(formatDnsText(result));
    else printData(result, output as 'json' | 'yaml');
    process.exitCode = result.rcode === 'NOERROR' ? 0 : 1;
  });
}

interface DnsResultText {
  name: string;
  rcode: string;
  answers: { name: string; type: string; ttl: number; data: unknown }[];
  reason: string;
  tried?: { name: string; rcode: string; answers: number }[];
  search?: string[];
  ndots?: number;
}

/** dig-like: the tried names, the status, and the answer section in zone-file form. */
function formatDnsText(r: DnsResultText): string {
  const lines: string[] = [];
  for (const t of r.tried ?? [])
    lines.push(`;; tried ${t.name} ${t.rcode}${t.answers ? ` (${t.answers} answers)` : ''}`);
  lines.push(`;; ${r.name} status: ${r.rcode}, answers: ${r.answers.length}`);
  for (const a of r.answers)
    lines.push(
      `${a.name}\t${a.ttl}\tIN\t${a.type}\t${Array.isArray(a.data) ? a.data.map((d) => `"${d}"`).join(' ') : a.data}`,
    );
  if (r.reason) lines.push(`;; ${r.reason}`);
  return lines.join('\n') + '\n';
}
