// Turning `-f` arguments into a simulated cluster: load, validate, run the controllers.
import type { Cluster } from '../api/cluster.js';

/**
 * Loads every `-f` path (file, directory or `-` for stdin), validates all objects, runs the
 * controllers to convergence and returns the resulting cluster. Throws InputError (exit 2)
 * listing every problem when any input is invalid; prints load warnings to stderr.
 */
export async function clusterFromFiles(_files: string[]): Promise<Cluster> {
  throw new Error('not implemented yet');
}
