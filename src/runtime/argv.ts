// Pure argv and path builders for the pod runtime, so that exactly what runs is unit-tested.
// A container process is `ip netns exec NS setpriv ... -- ARGV`: `ip netns exec` enters the pod's
// network namespace (and bind-mounts /etc/netns/NS/* over /etc, giving the pod its resolv.conf
// and hosts) and then execs, as does setpriv, so the PID we spawn is the container's own PID.
import { join } from 'node:path';
import type { Workload } from '../workloads/images.js';

/** The pod's user; 65534 is `nobody`/`nogroup` on Debian. */
export interface PodUser {
  uid: number;
  gid: number;
}

export const NOBODY: PodUser = { uid: 65534, gid: 65534 };

/**
 * Drops to the pod user with nothing to regain: no supplementary groups, empty inheritable and
 * bounding capability sets (so even a setuid binary gains nothing) and no_new_privs. Changing
 * the uid away from 0 already clears the permitted and effective sets.
 */
export function buildSandboxArgv(netns: string, user: PodUser, argv: string[]): string[] {
  if (argv.length === 0) throw new Error('container has no program to run');
  if (!Number.isInteger(user.uid) || !Number.isInteger(user.gid) || user.uid === 0) {
    throw new Error(`pod user must be a non-root uid/gid, got ${user.uid}/${user.gid}`);
  }
  return [
    'ip', 'netns', 'exec', netns,
    'setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups',
    '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs',
    '--', ...argv,
  ]; // prettier-ignore
}

export interface WorkloadRunner {
  /** The node binary (the agent's own by default). */
  nodePath: string;
  /** dist/main/workload.js */
  workloadScript: string;
}

/**
 * The program for a resolved workload. Built-ins get a small V8 heap: a netexec needs a few MB,
 * and a capped young generation keeps the RSS of 100 pods within the 2 GiB.
 */
export function buildWorkloadArgv(workload: Workload, podName: string, runner: WorkloadRunner): string[] {
  if (workload.kind === 'command') return workload.argv;
  return [
    runner.nodePath,
    '--max-semi-space-size=1',
    '--max-old-space-size=64',
    runner.workloadScript,
    ...workload.args,
    `--pod-name=${podName}`,
  ];
}

/** `<stateDir>/pods/<namespace>_<pod>/<container>.log`, the file `podnet logs` reads. */
export function logPath(stateDir: string, podNamespace: string, podName: string, container: string): string {
  return join(stateDir, 'pods', `${podNamespace}_${podName}`, `${container}.log`);
}

/** A container's environment: nothing inherited from the agent (it may hold credentials). */
export function containerEnv(
  podNamespace: string,
  podName: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: '/',
    HOSTNAME: podName,
    POD_NAME: podName,
    POD_NAMESPACE: podNamespace,
    ...extra,
  };
}
