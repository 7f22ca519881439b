// podnet get KIND [NAME]: the simulated cluster's objects, as kubectl prints them.
import type { Command } from 'commander';
import type { KubeObject, Pod } from '../../api/types.js';
import { isNamespacedKind } from '../../load/kinds.js';
import { clusterFromSource } from '../inputs.js';
import { liveClient } from './live.js';
import { UsageError } from '../errors.js';
import { addFileFlag, addOutputFlag, checkOutput } from '../flags.js';
import { printData, formatTable } from '../output.js';
import { kindFromResource } from '../print/resource-kinds.js';
import { columnsFor } from '../print/resource-table.js';

interface GetFlags {
  filename: string[];
  name: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
  output: string;
}

const FORMATS = ['table', 'wide', 'json', 'yaml', 'name'];

export function registerGet(program: Command): void {
  const cmd = program
    .command('get <resource> [name]')
    .description(
      'list objects of the simulated cluster (pods with IPs and nodes, services with ClusterIPs, endpointslices, ...)',
    )
    .option('-n, --namespace <ns>', 'namespace (default "default")')
    .option('-A, --all-namespaces', 'list across all namespaces')
    .option('--name <name>', 'the running cluster to read when no -f is given', 'podnet')
    .option('--kubeconfig <file>', 'read the objects of a real cluster through its API')
    .option('--context <name>', 'the kubeconfig context to use');
  addFileFlag(cmd);
  addOutputFlag(cmd, FORMATS, 'table');
  cmd.action(async (resource: string, name: string | undefined, flags: GetFlags) => {
    const output = checkOutput(flags.output, FORMATS);
    const kind = kindFromResource(resource);
    if (!kind) throw new UsageError(`the server doesn't have a resource type "${resource}"`);
    const namespaced = isNamespacedKind(kind);
    const ns = namespaced && !flags.allNamespaces ? (flags.namespace ?? 'default') : undefined;
    // With -f: the simulated cluster of the manifests; without: the running local cluster.
    let items: KubeObject[];
    let pods: Pod[];
    if (flags.filename.length > 0 || flags.kubeconfig) {
      const { store } = await clusterFromSource(flags);
      items = store.list(kind, ns);
      pods = store.list('Pod') as Pod[];
    } else {
      const client = liveClient(flags.name);
      items = await client.list(kind, ns);
      pods = kind === 'Node' ? await client.list<Pod>('Pod') : [];
    }
    if (name) {
      items = items.filter((o) => o.metadata?.name === name);
      if (items.length === 0) {
        throw new UsageError(
          `${resource.toLowerCase()} "${name}" not found${ns ? ` in namespace "${ns}"` : ''}`,
        );
      }
    }
    items = [...items].sort((a, b) => key(a).localeCompare(key(b)));
    if (output === 'json' || output === 'yaml') {
      const data = name
        ? items[0]
        : { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } };
      printData(data, output);
      return;
    }
    if (output === 'name') {
      process.stdout.write(items.map((o) => `${kind.toLowerCase()}/${o.metadata!.name}\n`).join(''));
      return;
    }
    if (items.length === 0) {
      process.stderr.write(ns ? `No resources found in ${ns} namespace.\n` : 'No resources found\n');
      return;
    }
    const cols = columnsFor(kind, pods);
    const wide = output === 'wide';
    const headers = [
      ...(flags.allNamespaces && namespaced ? ['NAMESPACE'] : []),
      ...cols.headers,
      ...(wide ? (cols.wide ?? []) : []),
    ];
    const rows = items.map((o) => [
      ...(flags.allNamespaces && namespaced ? [o.metadata!.namespace!] : []),
      ...cols.row(o, wide),
    ]);
    process.stdout.write(formatTable(headers, rows));
  });
}

function key(o: KubeObject): string {
  return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}
