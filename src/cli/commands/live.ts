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
      .command('delete')
      .description('delete the objects of the manifests from the running cluster')
      .option('--name <name>', 'cluster name', 'podnet'),
  ).action(async (flags: { filename: string[]; name: string }) => {
    const objects = loadInputs(flags.filename).objects.map((o) => o.object);
    const client = liveClient(flags.name);
    for (const o of objects) {
      try {
        await client.delete(o.kind!, o.metadata?.namespace, o.metadata!.name!);
        process.stdout.write(`${describe(o)} deleted\n`);
      } catch (e) {
        if (!isNotFound(e)) throw e;
        process.stderr.write(`${describe(o)} not found\n`);
        process.exitCode = 1;
      }
    }
  });

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
