// The cluster controllers inside the daemon: the same controllers as offline (minus
// kubelet-sim: on a live cluster the node agents assign addresses and report readiness), run
// whenever a watched kind changes, debounced so that a burst of writes is one pass.
import type { ClusterConfig } from '../api/cluster.js';
import { runToConvergence, type Controller } from '../controllers/controller.js';
import { clusterControllers } from '../controllers/index.js';
import { StoreClient } from '../store/client.js';
import type { ObjectStore } from '../store/store.js';

export interface ControllerLoop {
  /** Resolves when the current and any queued pass are done (for tests and shutdown). */
  idle(): Promise<void>;
  stop(): void;
}

export function startControllerLoop(
  store: ObjectStore,
  config: ClusterConfig,
  onError: (e: unknown) => void,
  debounceMs = 20,
): ControllerLoop {
  const controllers: Controller[] = clusterControllers(config);
  const client = new StoreClient(store);
  const kinds = [...new Set(controllers.flatMap((c) => c.reads))];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const pass = () => {
    timer = undefined;
    running = running
      .then(() => runToConvergence(client, controllers, (k) => store.kindRevision(k)))
      .then(
        () => undefined,
        (e) => onError(e), // a failed pass is logged; the next change retries (STYLE rule 9)
      );
  };
  const schedule = () => {
    if (!stopped && !timer) timer = setTimeout(pass, debounceMs);
  };
  const unsubscribe = kinds.map((k) => store.watch(k, 0, schedule));
  schedule();
  return {
    async idle() {
      while (timer) await new Promise((r) => setTimeout(r, debounceMs));
      await running;
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      unsubscribe.forEach((u) => u());
    },
  };
}
