// Turning `-f` arguments into a simulated cluster: load, validate, run the controllers.
import { defaultClusterConfig, type Cluster } from '../api/cluster.js';
import { loadManifests, type LoadedManifests } from '../load/manifests.js';
import { readManifestTexts, readStdinSync } from '../load/read.js';
import { simulateCluster } from '../offline/simulate.js';
import type { ObjectStore } from '../store/store.js';
import { existsSync, readFileSync } from 'node:fs';
import { clusterPaths } from './cluster-state.js';
import { InputError, UsageError } from './errors.js';
import { clusterFromLocal } from './local-read.js';

export interface LoadedCluster {
  cluster: Cluster;
  manifests: LoadedManifests;
  /** Every object of the simulated cluster, including workloads and ReplicaSets. */
  store: ObjectStore;
}

/** Loads and validates every `-f` input; throws InputError with all problems at once. */
export function loadInputs(files: string[]): LoadedManifests {
  if (files.length === 0) {
    throw new UsageError(
      'no input: give manifests with -f FILE|DIR|- (reading a live cluster needs `podnet up` or --kubeconfig)',
    );
  }
  const read = readManifestTexts(files, readStdinSync);
  const manifests = loadManifests(read.texts);
  const errors = [...read.errors, ...manifests.errors];
  for (const w of manifests.warnings) process.stderr.write(`warning: ${w}\n`);
  if (errors.length > 0) throw new InputError(errors);
  return manifests;
}

/**
 * Loads every `-f` path (file, directory or `-` for stdin), validates all objects, runs the
 * controllers to convergence and returns the resulting cluster. Throws InputError (exit 2)
 * listing every problem when any input is invalid; prints load warnings to stderr.
 */
export async function clusterFromFiles(files: string[]): Promise<LoadedCluster> {
  const manifests = loadInputs(files);
  const { cluster, store } = await simulateCluster(
    manifests.objects.map((o) => o.object),
    defaultClusterConfig,
  );
  return { cluster, manifests, store };
}

export interface SourceFlags {
  filename: string[];
  kubeconfig?: string;
  context?: string;
  /** The local cluster to read when neither -f nor --kubeconfig is given. */
  name?: string;
}

/**
 * Where analysis commands read objects (DESIGN.md §3): manifests with -f (simulated by the
 * controllers), a real cluster with --kubeconfig (its state as it is), or else the running
 * local cluster `--name` through its socket (local-read.ts).
 */
export async function clusterFromSource(
  flags: SourceFlags,
): Promise<{ cluster: Cluster; store: ObjectStore; manifests?: LoadedManifests }> {
  if (flags.kubeconfig && flags.filename.length > 0)
    throw new UsageError('give either -f or --kubeconfig, not both');
  if (flags.filename.length > 0) return clusterFromFiles(flags.filename);
  if (flags.kubeconfig) {
    // Loaded on demand: @kubernetes/client-node takes ~0.8 s to load, which others should not pay.
    const { clusterFromKubeconfig } = await import('./remote.js');
    return clusterFromKubeconfig(flags.kubeconfig, flags.context);
  }
  const name = flags.name ?? 'podnet';
  if (!existsSync(clusterPaths(name).kubeconfig)) {
    throw new UsageError(
      `no input: give manifests with -f FILE|DIR|-, a cluster with --kubeconfig FILE, or start the local cluster "${name}" with podnet up`,
    );
  }
  if (flags.context !== undefined)
    throw new UsageError('--context needs --kubeconfig: the local cluster has one context');
  const read = await clusterFromLocal(name);
  read.cluster.config.networkPolicyEnforced = localPolicyEnforced(name);
  return read;
}

/** From the settings `podnet up` wrote: whether the local cluster's agents enforce policy. */
function localPolicyEnforced(name: string): boolean | undefined {
  try {
    const settings = JSON.parse(readFileSync(clusterPaths(name).settings, 'utf8')) as { policy?: string };
    return settings.policy !== 'off';
  } catch {
    return undefined;
  }
}
