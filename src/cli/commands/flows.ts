// podnet flows: the connection attempts NetworkPolicy accepted or dropped on the local cluster,
// with the policy and rule that decided (recorded by the node agents from NFLOG, src/flows).
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { isClusterName } from '../../cluster/names.js';
import { FLOW_HEADERS, flowRow, parseDuration } from '../../flows/query.js';
import { FlowStore, type FlowQuery } from '../../flows/store.js';
import { clusterPaths } from '../cluster-state.js';
import { UsageError } from '../errors.js';
import { formatJson, formatTable } from '../output.js';

interface Flags {
  name: string;
  pod?: string;
  namespace: string;
  verdict?: string;
  since?: string;
  follow?: boolean;
  output: string;
}

function queryOf(flags: Flags): FlowQuery {
  const q: FlowQuery = {};
  if (flags.pod) q.pod = flags.pod.includes('/') ? flags.pod : `${flags.namespace}/${flags.pod}`;
  if (flags.verdict) {
    if (flags.verdict !== 'allowed' && flags.verdict !== 'denied')
      throw new UsageError(`--verdict must be allowed or denied, not "${flags.verdict}"`);
    q.verdict = flags.verdict;
  }
  if (flags.since) {
    const ms = parseDuration(flags.since);
    if (ms === undefined)
      throw new UsageError(`--since "${flags.since}": use a duration such as 30s, 5m or 1h`);
    q.since = Date.now() - ms;
  }
  return q;
}

async function flows(flags: Flags): Promise<void> {
  if (!isClusterName(flags.name)) throw new UsageError(`invalid cluster name "${flags.name}"`);
  if (!['table', 'wide', 'json'].includes(flags.output))
    throw new UsageError(`-o must be table or json, not "${flags.output}"`);
  const file = clusterPaths(flags.name).flows;
  if (!existsSync(file))
    throw new UsageError(
      `cluster "${flags.name}" has recorded no flows (is it running? podnet up --name ${flags.name})`,
    );
  const q = queryOf(flags);
  const store = new FlowStore(file, { readonly: true });
  try {
    let rows = store.query(q);
    if (flags.output === 'json') {
      // One JSON object per line when following (a stream), else one document.
      if (!flags.follow) process.stdout.write(formatJson({ flows: rows.map(({ id: _id, ...f }) => f) }));
    } else process.stdout.write(formatTable(FLOW_HEADERS, rows.map(flowRow)));
    if (!flags.follow) return;
    let last = rows.at(-1)?.id ?? 0;
    for (;;) {
      for (const r of rows) if (flags.output === 'json') process.stdout.write(`${JSON.stringify(r)}\n`);
      await new Promise((r) => setTimeout(r, 250));
      rows = store.query({ ...q, afterId: last });
      if (rows.length) last = rows.at(-1)!.id;
      if (flags.output !== 'json' && rows.length)
        process.stdout.write(formatTable(FLOW_HEADERS, rows.map(flowRow)).split('\n').slice(1).join('\n'));
    }
  } finally {
    store.close();
  }
}

export function registerFlows(program: Command): void {
  program
    .command('flows')
    .description('connection attempts that NetworkPolicy accepted or dropped, and the rule that decided')
    .option('--pod <pod>', 'only flows from or to this pod (ns/name, or name in -n)')
    .option('-n, --namespace <ns>', 'namespace of --pod', 'default')
    .option('--verdict <verdict>', 'allowed or denied')
    .option('--since <duration>', 'only flows newer than this, e.g. 30s, 5m, 1h')
    .option('-f, --follow', 'keep printing new flows')
    .option('-o, --output <format>', 'table or json', 'table')
    .option('--name <name>', 'cluster name', 'podnet')
    .action((flags: Flags) => flows(flags));
}
