// podnet port-forward [-n NS] TYPE/NAME [LOCAL:]REMOTE...: kubectl's port-forward for the local
// cluster. Listens on 127.0.0.1 (never another address: the host reaches the cluster only
// through loopback) and carries each connection to localhost:REMOTE inside the chosen pod's
// network namespace (src/main/forwarder.ts). Runs until interrupted or the pod goes away.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { KubeObject, LabelSelector, Pod, Service } from '../../api/types.js';
import { podNetnsName } from '../../agent/plan.js';
import type { HttpObjectClient } from '../../client/http-client.js';
import {
  ForwardError,
  parsePortArgs,
  parseResource,
  pickPod,
  podPorts,
  podsOfService,
  podsOfWorkload,
  servicePorts,
  workloadKind,
  type PortMapping,
} from '../../portforward/target.js';
import { UsageError } from '../errors.js';
import { DIST } from '../cluster-state.js';
import { liveClient } from './live.js';

interface Flags {
  namespace: string;
  name: string;
  address: string;
}

async function resolveTarget(
  client: HttpObjectClient,
  namespace: string,
  ref: string,
  portArgs: string[],
): Promise<{ pod: Pod; ports: PortMapping[] }> {
  const args = parsePortArgs(portArgs);
  const target = parseResource(ref);
  if (target.kind === 'Pod') {
    const pod = await client.get<Pod>('Pod', namespace, target.name);
    if (!pod) throw new ForwardError(`pods "${target.name}" not found in namespace "${namespace}"`);
    return { pod, ports: podPorts(pod, args) };
  }
  const pods = await client.list<Pod>('Pod', namespace);
  if (target.kind === 'Service') {
    const svc = await client.get<Service>('Service', namespace, target.name);
    if (!svc) throw new ForwardError(`services "${target.name}" not found in namespace "${namespace}"`);
    const pod = pickPod(pods, podsOfService(svc), `service/${target.name}`);
    return { pod, ports: servicePorts(svc, pod, args) };
  }
  const kind = workloadKind(ref);
  const w = await client.get<KubeObject & { spec?: { selector?: LabelSelector } }>(
    kind,
    namespace,
    target.name,
  );
  if (!w)
    throw new ForwardError(`${kind.toLowerCase()}s "${target.name}" not found in namespace "${namespace}"`);
  const pod = pickPod(pods, podsOfWorkload(w), `${kind.toLowerCase()}/${target.name}`);
  return { pod, ports: podPorts(pod, args) };
}

function listen(port: number, address: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer({ pauseOnConnect: true });
    server.once('error', reject);
    server.listen(port, address, () => resolve(server));
  });
}

/** Hands one listening socket to the forwarder and waits until it serves it. */
function handOver(
  child: ChildProcess,
  server: net.Server,
  m: PortMapping & { local: number },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { type?: string; local?: number }) => {
      if (msg?.type === 'serving' && msg.local === m.local) {
        child.off('message', onMessage);
        resolve();
      }
    };
    child.on('message', onMessage);
    child.once('exit', () => reject(new Error('the forwarder exited')));
    child.send({ type: 'serve', local: m.local, remote: m.remote }, server);
  });
}

async function portForward(ref: string, portArgs: string[], flags: Flags): Promise<void> {
  if (flags.address !== '127.0.0.1' && flags.address !== 'localhost')
    throw new UsageError(
      '--address must be 127.0.0.1 (localhost): the host reaches the cluster only through loopback',
    );
  const client = liveClient(flags.name);
  let resolved;
  try {
    resolved = await resolveTarget(client, flags.namespace, ref, portArgs);
  } catch (e) {
    if (e instanceof ForwardError) throw new UsageError(e.message);
    throw e;
  }
  const { pod, ports } = resolved;
  if (pod.status?.phase !== 'Running')
    throw new UsageError(
      `unable to forward port because pod is not running. Current status=${pod.status?.phase ?? 'Pending'}`,
    );
  const netns = podNetnsName(flags.name, pod);
  if (!existsSync(`/run/netns/${netns}`))
    throw new UsageError(`the sandbox of pod ${pod.metadata.name} is gone`);

  const child = spawn(
    'nsenter',
    [`--net=/run/netns/${netns}`, process.execPath, join(DIST, 'main/forwarder.js')],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  for (const m of ports) {
    let server: net.Server | undefined;
    try {
      server = await listen(m.local, '127.0.0.1');
      const local = (server.address() as net.AddressInfo).port;
      await handOver(child, server, { ...m, local });
      process.stdout.write(`Forwarding from 127.0.0.1:${local} -> ${m.remote}\n`);
    } catch (e) {
      stop();
      throw new UsageError(`unable to forward ${m.given}: ${(e as Error).message}`);
    } finally {
      // The forwarder holds its own copy of the socket; this process must not accept on it,
      // or it would take connections it never serves.
      server?.close();
    }
  }
  // Until Ctrl-C; when the pod is deleted or its sandbox disappears, stop with an error, as
  // kubectl reports "lost connection to pod".
  process.exitCode = await new Promise<number>((resolve) => {
    const done = (code: number) => {
      clearInterval(timer);
      stop();
      resolve(code);
    };
    const timer = setInterval(() => {
      if (!existsSync(`/run/netns/${netns}`)) {
        process.stderr.write('error: lost connection to pod\n');
        done(1);
      }
    }, 1000);
    process.once('SIGINT', () => done(0));
    process.once('SIGTERM', () => done(0));
    child.once('exit', () => done(1));
  });
}

export function registerPortForward(program: Command): void {
  program
    .command('port-forward <resource> <ports...>')
    .description(
      'forward local ports (127.0.0.1) to a pod: pod/NAME, svc/NAME or deploy/NAME, [LOCAL:]REMOTE',
    )
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('--address <address>', 'local address to listen on (only 127.0.0.1)', '127.0.0.1')
    .option('--name <name>', 'cluster name', 'podnet')
    .action((resource: string, ports: string[], flags: Flags) => portForward(resource, ports, flags));
}
