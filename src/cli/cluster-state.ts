// Where a local cluster keeps its state: /var/lib/podnet/<name> (PODNET_STATE_ROOT overrides the
// root). The daemon's database and certificates, the kubeconfig, PIDs and logs live there (0700).
// What pods may reach, the API's read socket, lives in /run/podnet/<name>: cluster names are
// unique on the machine anyway (its namespaces are pn-<name>-*).
import { join } from 'node:path';

export const stateRoot = () => process.env.PODNET_STATE_ROOT ?? '/var/lib/podnet';

export function clusterPaths(name: string) {
  const dir = join(stateRoot(), name);
  return {
    dir,
    socket: join(dir, 'apiserver.sock'),
    kubeconfig: join(dir, 'kubeconfig'),
    /** The settings `podnet up` was given (nodes, backend, cni, apiPort, policy). */
    settings: join(dir, 'cluster.json'),
    pids: join(dir, 'pids'),
    logs: join(dir, 'logs'),
    flows: join(dir, 'flows.db'),
    runDir: join('/run/podnet', name),
    readSocket: join('/run/podnet', name, 'api-read.sock'),
  };
}

export type ClusterPaths = ReturnType<typeof clusterPaths>;

export const DIST = new URL('../', import.meta.url).pathname;
