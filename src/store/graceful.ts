// Graceful deletion of pods (pkg/registry/core/pod/strategy.go CheckGracefulDelete and
// apiserver rest.BeforeDelete): deleting a scheduled, unfinished pod only marks it, setting
// metadata.deletionTimestamp (now + grace) and deletionGracePeriodSeconds; the node agent stops
// its containers (SIGTERM, SIGKILL after the grace period), then deletes it for good with grace 0.
// Meanwhile the pod is Terminating and its endpoints turn serving-but-not-ready (KEP-1672).
// Grace: DeleteOptions.gracePeriodSeconds, else spec.terminationGracePeriodSeconds, else 30;
// 0 for pods never scheduled or already finished. A second delete may only shorten the grace.
import type { KubeObject, Pod } from '../api/types.js';
import type { ObjectStore } from './store.js';

const DEFAULT_GRACE_SECONDS = 30;

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** The grace period a pod's deletion gets; 0 means remove the object at once. */
export function podGracePeriod(pod: Pod, opts: DeleteOptions): number {
  if (!pod.spec?.nodeName) return 0;
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
  const grace = opts.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
  return Math.max(0, grace);
}

/**
 * Deletes an object, gracefully for pods. `removed` tells whether the object left the store;
 * otherwise `object` is the pod now marked for deletion.
 */
export function deleteObject(
  store: ObjectStore,
  kind: string,
  namespace: string | undefined,
  name: string,
  opts: DeleteOptions,
  now: Date,
): { object: KubeObject; removed: boolean } {
  const current = store.get(kind, namespace, name);
  if (kind !== 'Pod' || !current) return { object: store.delete(kind, namespace, name), removed: true };
  const pod = current as Pod;
  const grace = podGracePeriod(pod, opts);
  const md = pod.metadata;
  if (grace === 0) return { object: store.delete(kind, namespace, name), removed: true };
  if (md.deletionTimestamp && (md.deletionGracePeriodSeconds ?? Infinity) <= grace)
    return { object: pod, removed: false };
  const marked: Pod = {
    ...pod,
    metadata: {
      ...md,
      deletionTimestamp: new Date(now.getTime() + grace * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      deletionGracePeriodSeconds: grace,
    },
  };
  return { object: store.update(marked), removed: false };
}
