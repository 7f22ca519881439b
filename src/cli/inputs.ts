// Turning `-f` arguments into a simulated cluster: load, validate, run the controllers.
import { defaultClusterConfig, type Cluster } from '../api/cluster.js';
import { loadManifests, type LoadedManifests } from '../load/manifests.js';
import { readManifestTexts, readStdinSync } from '../load/read.js';
import { simulateCluster } from '../offline/simulate.js';
import type { ObjectStore } from '../store/store.js';
import { InputError, UsageError } from './errors.js';

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
