// A controller brings the cluster toward its desired state through the ObjectClient only, so
// the same code runs in-process offline and against an API server. Each sync reads what it
// needs, decides with a pure function, and writes the differences.
import type { ObjectClient } from '../store/client.js';

export interface Controller {
  name: string;
  /** The kinds whose objects the controller's decisions depend on. */
  reads: string[];
  /** One pass over every object the controller owns; returns the number of writes made. */
  sync(client: ObjectClient): Promise<number>;
}

export class ConvergenceError extends Error {}

/** Tells when objects of a kind last changed (a store revision); informers give the same signal. */
export type KindRevision = (kind: string) => number;

/**
 * Runs the controllers in order, repeatedly, until a whole round writes nothing.
 * Controllers feed each other (a Deployment's pods need a node, then an IP, then a slice),
 * so a few rounds are normal; more than `maxRounds` means two controllers disagree.
 * With `revisionOf`, a controller is skipped when nothing it reads changed since its last
 * pass, as a watch-driven controller would sleep.
 */
export async function runToConvergence(
  client: ObjectClient,
  controllers: Controller[],
  revisionOf?: KindRevision,
  maxRounds = 20,
): Promise<number> {
  const seen = new Map<Controller, number>();
  const inputs = (c: Controller) => (revisionOf ? Math.max(0, ...c.reads.map(revisionOf)) : -1);
  for (let round = 1; round <= maxRounds; round++) {
    let writes = 0;
    for (const c of controllers) {
      const before = inputs(c);
      if (revisionOf && seen.get(c) === before) continue;
      writes += await c.sync(client);
      seen.set(c, before);
    }
    if (writes === 0) return round;
  }
  throw new ConvergenceError(`controllers did not settle after ${maxRounds} rounds`);
}
