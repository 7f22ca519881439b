// A controller brings the cluster toward its desired state through the ObjectClient only, so
// the same code runs in-process offline and against an API server. Each sync reads what it
// needs, decides with a pure function, and writes the differences.
import type { ObjectClient } from '../store/client.js';

export interface Controller {
  name: string;
  /** One pass over every object the controller owns; returns the number of writes made. */
  sync(client: ObjectClient): Promise<number>;
}

export class ConvergenceError extends Error {}

/**
 * Runs the controllers in order, repeatedly, until a whole round writes nothing.
 * Controllers feed each other (a Deployment's pods need a node, then an IP, then a slice),
 * so a few rounds are normal; more than `maxRounds` means two controllers disagree.
 */
export async function runToConvergence(
  client: ObjectClient,
  controllers: Controller[],
  maxRounds = 20,
): Promise<number> {
  for (let round = 1; round <= maxRounds; round++) {
    let writes = 0;
    for (const c of controllers) writes += await c.sync(client);
    if (writes === 0) return round;
  }
  throw new ConvergenceError(`controllers did not settle after ${maxRounds} rounds`);
}
