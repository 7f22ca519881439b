// Commands on a running local cluster: apply, delete, exec (and get without -f, in get.ts).
import type { Command } from 'commander';
import type { KubeObject, Pod } from '../../api/types.js';
import { podNetnsName } from '../../agent/plan.js';
import { HttpObjectClient } from '../../client/http-client.js';
import { externalNetns, isClusterName, nodeNetns } from '../../cluster/names.js';
import { spawnInPod } from '../../runtime/process.js';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { logPath } from '../../runtime/argv.js';
import { isNotFound } from '../../store/errors.js';
import { UsageError } from '../errors.js';
import { loadInputs } from '../inputs.js';
import { addFileFlag } from '../flags.js';
import { isNamespacedKind } from '../../load/kinds.js';
import { kindFromResource } from '../print/resource-kinds.js';
import { clusterPaths } from '../cluster-state.js';

/** A client for the named running cluster; a usage error when it is not up. */
export function liveClient(name: string): HttpObjectClient {
  if (!isClusterName(name)) throw new UsageError(`invalid cluster name "${name}"`);
  const paths = clusterPaths(name);
  if (!existsSync(paths.socket))
    throw new UsageError(
      `cluster "${name}" is not running (podnet up --name ${name}); offline analysis takes -f`,
    );
  return new HttpObjectClient(paths.socket);
}

/** kubectl's forms: `pod web-1 web-2`, `pod/web-1 svc/web`. */
function namedObjects(args: string[], namespace: string): KubeObject[] {
  const kindOf = (resource: string) => {
    const kind = kindFromResource(resource);
    if (!kind) throw new UsageError(`the server doesn't have a resource type "${resource}"`);
    return kind;
  };
  const object = (kind: string, name: string): KubeObject => ({
    kind,
    metadata: { name, ...(isNamespacedKind(kind) ? { namespace } : {}) },
  });
  if (args.length === 0) return [];
  if (args.every((a) => a.includes('/')))
    return args.map((a) => object(kindOf(a.slice(0, a.indexOf('/'))), a.slice(a.indexOf('/') + 1)));
  if (args.some((a) => a.includes('/')))
    throw new UsageError('there is no need to give a resource type with TYPE/NAME arguments');
  const [type, ...names] = args;
  if (names.length === 0) throw new UsageError(`give the name of the ${type} to delete`);
  const kind = kindOf(type);
  return names.map((n) => object(kind, n));
}

const describe = (o: KubeObject) => `${o.kind!.toLowerCase()}/${o.metadata!.name}`;

export function registerLive(program: Command): void {
  addFileFlag(
    program
      .command('apply')
      .description('create or update objects in the running cluster (validated like kubectl apply)')
      .option('--name <name>', 'cluster name', 'podnet'),
  ).action(async (flags: { filename: string[]; name: string }) => {
    const objects = loadInputs(flags.filename).objects.map((o) => o.object);
    const client = liveClient(flags.name);
    for (const o of objects) {
      const existing = await client.get(o.kind!, o.metadata?.namespace, o.metadata!.name!);
      if (!existing) {
        await client.create(o);
        process.stdout.write(`${describe(o)} created\n`);
      } else {
        const merged = {
          ...existing,
          ...o,
          metadata: {
            ...existing.metadata,
            ...o.metadata,
            resourceVersion: existing.metadata?.resourceVersion,
          },
          status: existing.status,
        };
        await client.update(merged);
        process.stdout.write(`${describe(o)} configured\n`);
      }
    }
  });

  addFileFlag(
    program
      .command('delete [resources...]')
      .description(
        'delete objects from the running cluster: the objects of -f manifests, or TYPE NAME... / TYPE/NAME... as kubectl takes them',
      )
      .option('-n, --namespace <ns>', 'namespace of TYPE NAME objects', 'default')
      .option('--grace-period <seconds>', 'seconds a pod gets to stop (0: at once)')
      .option('--name <name>', 'cluster name', 'podnet'),
  ).action(
    async (
      resources: string[],
      flags: { filename: string[]; name: string; namespace: string; gracePeriod?: string },
    ) => {
      if (flags.filename.length && resources.length)
        throw new UsageError('give either -f manifests or TYPE NAME, not both');
      const refs = flags.filename.length
        ? loadInputs(flags.filename).objects.map((o) => o.object)
        : namedObjects(resources, flags.namespace);
      if (refs.length === 0) throw new UsageError('nothing to delete: give -f FILE, TYPE NAME or TYPE/NAME');
      const grace = flags.gracePeriod === undefined ? undefined : Number(flags.gracePeriod);
      if (grace !== undefined && !(Number.isInteger(grace) && grace >= 0))
        throw new UsageError(`--grace-period must be a whole number of seconds, not "${flags.gracePeriod}"`);
      const client = liveClient(flags.name);
      for (const o of refs) {
        try {
          await client.delete(o.kind!, o.metadata?.namespace, o.metadata!.name!, {
            gracePeriodSeconds: grace,
          });
          process.stdout.write(`${describe(o)} deleted\n`);
        } catch (e) {
          if (!isNotFound(e)) throw e;
          process.stderr.write(`${describe(o)} not found\n`);
          process.exitCode = 1;
        }
      }
    },
  );

  program
    .command('logs <pod>')
    .description("print a container's log (the first container unless -c); -f follows it")
    .option('-n, --namespace <ns>', 'namespace of the pod', 'default')
    .option('-c, --container <name>', 'container')
    .option('-f, --follow', 'keep printing what the container writes')
    .option('--name <name>', 'cluster name', 'podnet')
    .action(
      async (
        podName: string,
        flags: { namespace: string; container?: string; follow?: boolean; name: string },
      ) => {
        const pod = await liveClient(flags.name).get<Pod>('Pod', flags.namespace, podName);
        if (!pod) throw new UsageError(`pod "${podName}" not found in namespace "${flags.namespace}"`);
        const containers = (pod.spec?.containers ?? []).map((c) => c.name);
        const container = flags.container ?? containers[0];
        if (!containers.includes(container))
          throw new UsageError(
            `container "${container}" is not in pod ${podName} (containers: ${containers.join(', ')})`,
          );
        const file = logPath(clusterPaths(flags.name).dir, flags.namespace, podName, container);
        let offset = 0;
        const printNew = () => {
          if (!existsSync(file)) return;
          const size = statSync(file).size;
          if (size <= offset) return;
          const fd = openSync(file, 'r');
          const buf = Buffer.alloc(size - offset);
          readSync(fd, buf, 0, buf.length, offset);
          closeSync(fd);
          offset = size;
          process.stdout.write(buf);
        };
        printNew();
        if (!flags.follow) return;
        await new Promise<void>((resolve) => {
          const timer = setInterval(printNew, 200);
          process.once('SIGINT', () => {
            clearInterval(timer);
            resolve();
          });
        });
      },
    );

  program
    .command('exec <target> [command...]')
    .description(
      "run a command in a pod's network namespace as the pod's user; node/NAME and external run as root there",
    )
    .option('-n, --namespace <ns>', 'namespace of the pod', 'default')
    .option('-c, --container <name>', 'container (all containers of a pod share its network namespace)')
    .option('--name <name>', 'cluster name', 'podnet')
    .action(async (target: string, command: string[], flags: { namespace: string; name: string }) => {
      if (command.length === 0)
        throw new UsageError('give the command after --, e.g. podnet exec client -- curl -s http://web');
      let child;
      if (target === 'external' || target.startsWith('node/')) {
        const netns =
          target === 'external'
            ? externalNetns(flags.name)
            : nodeNetns(flags.name, Number(target.slice(5).replace(/^node-/, '')));
        child = spawn('ip', ['netns', 'exec', netns, ...command], { stdio: 'inherit' });
      } else {
        const pod = await liveClient(flags.name).get<Pod>('Pod', flags.namespace, target);
        if (!pod) throw new UsageError(`pod "${target}" not found in namespace "${flags.namespace}"`);
        if (pod.status?.phase !== 'Running')
          throw new UsageError(`pod "${target}" is ${pod.status?.phase ?? 'Pending'}`);
        child = spawnInPod(podNetnsName(flags.name, pod), command, { stdio: 'inherit' });
      }
      process.exitCode = await new Promise<number>((resolve) =>
        child.on('close', (code) => resolve(code ?? 1)),
      );
    });
}
