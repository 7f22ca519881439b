// Reading the local cluster (`podnet up`) for the analysis commands: the same kinds as a real
// cluster (cluster-objects.ts), listed over the cluster's own Unix socket. Its API serves the
// same objects over HTTPS, but reading them there with @kubernetes/client-node costs ~0.8 s of
// module loading per command (measured: `node -e "import('@kubernetes/client-node')"` 0.84 s),
// more than the whole analysis of a small cluster; remote.ts keeps that path for --kubeconfig.
import type { Cluster } from '../api/cluster.js';
import type { KubeObject } from '../api/types.js';
import { ApiUnavailableError, type HttpObjectClient } from '../client/http-client.js';
import type { ObjectStore } from '../store/store.js';
import { ANALYZED_KINDS, clean, clusterOfObjects } from './cluster-objects.js';
import { liveClient } from './commands/live.js';
import { UsageError } from './errors.js';

/** Every analyzed object of the running local cluster `name`, as a Cluster (no controllers run). */
export async function clusterFromLocal(name: string): Promise<{ cluster: Cluster; store: ObjectStore }> {
  try {
    return await clusterFromClient(liveClient(name));
  } catch (e) {
    if (e instanceof ApiUnavailableError) throw new UsageError(e.message);
    throw e;
  }
}

/** What clusterFromKubeconfig reads, read through `client` (podnet's API over a Unix socket). */
export async function clusterFromClient(
  client: HttpObjectClient,
): Promise<{ cluster: Cluster; store: ObjectStore }> {
  const lists = await Promise.all(ANALYZED_KINDS.map((kind) => client.list(kind)));
  const objects = lists.flat().flatMap((o): KubeObject[] => {
    const c = clean(o);
    return c ? [c] : [];
  });
  // The local API serves no ServiceCIDR: its Service range is podnet's default, as inferred.
  return clusterOfObjects(objects, []);
}
