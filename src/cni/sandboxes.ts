// How the node agent gives pods their network: a netns per pod, attached by the CNI plugins of
// its conflist. With a BatchAttacher that supports the conflist (podnet's own plugins), all
// pods found in one sync pass are set up in one batch; otherwise, or if the batch fails, each
// pod gets `ip netns add` and an Invoker ADD of its own, as a CRI runtime does. The benchmark
// (src/bench/cluster.ts, part 3) times this function, so it measures what the agent does.
import { createNetns, deleteNetns } from '../host/netns.js';
import type { BatchAttacher, SandboxRequest } from './batch.js';
import type { Invoker } from './invoke.js';
import type { NetConfList, Result } from './types.js';

export interface SandboxSetup {
  invoker: Invoker;
  conflist: NetConfList;
  batch?: BatchAttacher;
  log: (line: string) => void;
  /** The netns effects; host/netns.ts unless a test injects fakes. */
  netns?: { create(name: string): Promise<void>; delete(name: string): Promise<void> };
}

const asError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));

/**
 * Per request, in order, the pod's ADD Result or the error that stopped it. Nothing of a
 * failed pod stays behind (its netns is deleted, its address released by the plugin's own
 * rollback); the caller retries it on its next pass.
 */
export async function setUpSandboxes(
  o: SandboxSetup,
  reqs: SandboxRequest[],
): Promise<Array<Result | Error>> {
  if (reqs.length && o.batch?.supports(o.conflist)) {
    try {
      return await o.batch.add(o.conflist, reqs);
    } catch (e) {
      o.log(`batched set-up of ${reqs.length} pod(s) failed, now one by one: ${asError(e).message}`);
    }
  }
  const netns = o.netns ?? { create: createNetns, delete: deleteNetns };
  const out: Array<Result | Error> = [];
  for (const r of reqs) {
    try {
      await netns.create(r.netnsName);
    } catch (e) {
      out.push(asError(e)); // not ours to delete: it may be another sandbox's
      continue;
    }
    try {
      out.push(await o.invoker.add(o.conflist, r.rt));
    } catch (e) {
      await netns.delete(r.netnsName).catch(() => undefined);
      out.push(asError(e));
    }
  }
  return out;
}
