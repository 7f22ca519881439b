// A pod's processes: every container of a Pod started in the pod's netns, with its probes, and
// the status the node agent writes back (container states, readiness). The agent creates the
// netns and its network (CNI) first, then calls startPod; stopPod before deleting the netns.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { Container, Pod } from '../api/types.js';
import { setSysctl } from '../host/netns.js';
import { resolveWorkload } from '../workloads/images.js';
import {
  buildWorkloadArgv,
  containerEnv,
  logPath,
  NOBODY,
  type PodUser,
  type WorkloadRunner,
} from './argv.js';
import { ContainerProcess, type ContainerStatus } from './process.js';
import { ProbeWorker } from './probes.js';
import type { ProbeSpec } from './probe-state.js';
import { parseRestartPolicy, podPhase, type BackoffConfig } from './restart.js';

export interface PodRuntimeOptions {
  pod: Pod;
  /** The pod's network namespace, already created (name starts with `pn-`). */
  netns: string;
  podIP?: string;
  /** Logs go to `<stateDir>/pods/<namespace>_<pod>/<container>.log`. */
  stateDir: string;
  user?: PodUser;
  backoff?: BackoffConfig;
  runner?: WorkloadRunner;
  /** Called whenever a container's state or readiness changes. */
  onChange?: () => void;
}

export interface PodRuntimeStatus {
  ready: boolean;
  phase: 'Running' | 'Succeeded' | 'Failed';
  containerStatuses: (ContainerStatus & { ready: boolean })[];
}

/** The agent's own node and the compiled workload entry point beside this module's tree. */
export function defaultRunner(): WorkloadRunner {
  // src/runtime or dist/runtime -> repository root -> dist/main/workload.js
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  return { nodePath: process.execPath, workloadScript: join(root, 'dist', 'main', 'workload.js') };
}

/**
 * Per-netns sysctls every pod needs because its processes have no capabilities: binding ports
 * below 1024 (nginx on 80) and unprivileged ICMP echo sockets (ping). Idempotent.
 */
export async function preparePodNetns(netns: string): Promise<void> {
  await setSysctl(netns, 'net.ipv4.ip_unprivileged_port_start', '0');
  await setSysctl(netns, 'net.ipv4.ping_group_range', '0 2147483647');
}

interface Entry {
  container: Container;
  proc: ContainerProcess;
  readiness?: ProbeWorker;
  liveness?: ProbeWorker;
}

export class PodRuntime {
  private readonly entries: Entry[] = [];

  private constructor(private readonly opts: PodRuntimeOptions) {}

  static async start(opts: PodRuntimeOptions): Promise<PodRuntime> {
    await preparePodNetns(opts.netns);
    const rt = new PodRuntime(opts);
    for (const c of opts.pod.spec?.containers ?? []) rt.entries.push(rt.makeEntry(c));
    try {
      for (const e of rt.entries) await e.proc.start();
    } catch (err) {
      await rt.stop(0);
      throw new Error(
        `starting pod ${opts.pod.metadata.namespace ?? 'default'}/${opts.pod.metadata.name}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    return rt;
  }

  private makeEntry(container: Container): Entry {
    const { pod, netns, stateDir } = this.opts;
    const podName = pod.metadata.name ?? 'pod';
    const podNs = pod.metadata.namespace ?? 'default';
    const user = this.opts.user ?? NOBODY;
    const proc = new ContainerProcess({
      netns,
      name: container.name,
      argv: buildWorkloadArgv(resolveWorkload(container), podName, this.opts.runner ?? defaultRunner()),
      env: containerEnv(podNs, podName, this.opts.podIP ? { POD_IP: this.opts.podIP } : {}),
      logFile: logPath(stateDir, podNs, podName, container.name),
      user,
      restartPolicy: parseRestartPolicy(pod.spec?.restartPolicy),
      backoff: this.opts.backoff,
    });
    const entry: Entry = { container, proc };
    const target = { host: this.opts.podIP ?? '127.0.0.1', ports: container.ports ?? [] };
    const changed = () => this.opts.onChange?.();
    if (container.readinessProbe) {
      entry.readiness = new ProbeWorker({
        netns,
        kind: 'readiness',
        probe: container.readinessProbe as ProbeSpec,
        target,
        user,
        onChange: changed,
      });
    }
    if (container.livenessProbe) {
      entry.liveness = new ProbeWorker({
        netns,
        kind: 'liveness',
        probe: container.livenessProbe as ProbeSpec,
        target,
        user,
        // kubelet kills a container whose liveness probe fails; restartPolicy decides the rest.
        onChange: (s) => {
          if (s.result === 'Failure') proc.kill(2000).catch(() => undefined);
          changed();
        },
      });
    }
    proc.onEvent((e) => {
      if (e.type === 'started') {
        entry.readiness?.reset();
        entry.liveness?.reset();
      } else {
        entry.readiness?.stop();
        entry.liveness?.stop();
      }
      changed();
    });
    return entry;
  }

  status(): PodRuntimeStatus {
    const containerStatuses = this.entries.map((e) => {
      const s = e.proc.status();
      const running = 'running' in s.state;
      const ready = running && (e.readiness ? e.readiness.result === 'Success' : true);
      return { ...s, ready };
    });
    return {
      ready: containerStatuses.length > 0 && containerStatuses.every((c) => c.ready),
      phase: podPhase(
        parseRestartPolicy(this.opts.pod.spec?.restartPolicy),
        containerStatuses.map((c) => c.state),
      ),
      containerStatuses,
    };
  }

  /** PIDs of the running containers (their process groups), for leak checks. */
  pids(): number[] {
    return this.entries.map((e) => e.proc.pid).filter((p): p is number => p !== undefined);
  }

  /** Stops probes, then every container (SIGTERM, SIGKILL after graceMs), in parallel. */
  async stop(graceMs = 30_000): Promise<void> {
    for (const e of this.entries) {
      e.readiness?.stop();
      e.liveness?.stop();
    }
    await Promise.all(this.entries.map((e) => e.proc.stop(graceMs)));
  }
}
