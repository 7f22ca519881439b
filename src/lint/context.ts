// What every rule family reads: the cluster after the controllers ran, the manifests it came
// from (absent when linting a live cluster), and indexes built once.
import type { Cluster } from '../api/cluster.js';
import { selectorMatches } from '../api/selector.js';
import type { LabelSelector, Labels, Pod } from '../api/types.js';
import type { LoadedManifests } from '../load/manifests.js';

export interface LintContext {
  cluster: Cluster;
  manifests?: LoadedManifests;
  /** Namespace name → labels (with `kubernetes.io/metadata.name`, set by the namespace controller). */
  namespaceLabels: Map<string, Labels>;
  /** Pods that NetworkPolicy can select (not hostNetwork), by namespace. */
  podsByNamespace: Map<string, Pod[]>;
}

export function buildContext(cluster: Cluster, manifests?: LoadedManifests): LintContext {
  const podsByNamespace = new Map<string, Pod[]>();
  for (const pod of cluster.pods) {
    if (pod.spec?.hostNetwork) continue;
    const ns = pod.metadata.namespace ?? 'default';
    const list = podsByNamespace.get(ns) ?? [];
    list.push(pod);
    podsByNamespace.set(ns, list);
  }
  return {
    cluster,
    manifests,
    namespaceLabels: new Map(cluster.namespaces.map((n) => [n.metadata.name!, n.metadata.labels ?? {}])),
    podsByNamespace,
  };
}

export function podsIn(ctx: LintContext, namespace: string): Pod[] {
  return ctx.podsByNamespace.get(namespace) ?? [];
}

/** Pods of `namespace` whose labels match `selector` (an empty selector matches all of them). */
export function selectPods(ctx: LintContext, namespace: string, selector: LabelSelector): Pod[] {
  return podsIn(ctx, namespace).filter((p) => selectorMatches(selector, p.metadata.labels));
}

/** Namespaces (that exist) whose labels match a namespaceSelector. */
export function selectNamespaces(ctx: LintContext, selector: LabelSelector): string[] {
  return [...ctx.namespaceLabels].filter(([, labels]) => selectorMatches(selector, labels)).map(([n]) => n);
}
