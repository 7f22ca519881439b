// Which pod of the old version is which pod of the new one. Pods are the same pod when they
// have the same `ns/name` — except Deployment pods: their names carry the pod template hash
// (`<deploy>-<hash>-<suffix>`), so editing the template (the usual way to change a pod's
// labels, hence its reachability) renames every pod. Those are matched per Deployment, in
// name order: pods of one ReplicaSet are interchangeable, so any pairing says the same.
import type { Cluster } from '../../api/cluster.js';
import type { Pod } from '../../api/types.js';

const TEMPLATE_HASH_LABEL = 'pod-template-hash';

export interface PodMatching {
  /** old `ns/name` → new `ns/name`, for pods present in both versions. */
  oldToNew: Map<string, string>;
  /** new `ns/name` → old `ns/name`. */
  newToOld: Map<string, string>;
  added: string[];
  removed: string[];
  renamed: { old: string; new: string }[];
}

const nameOf = (p: Pod) => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;

/** The Deployment a pod belongs to: its ReplicaSet's name without `-<pod-template-hash>`. */
function deploymentOf(pod: Pod): string | undefined {
  const hash = pod.metadata.labels?.[TEMPLATE_HASH_LABEL];
  const rs = pod.metadata.ownerReferences?.find((r) => r.kind === 'ReplicaSet' && r.controller !== false);
  if (!hash || !rs || !rs.name.endsWith(`-${hash}`)) return undefined;
  return rs.name.slice(0, -hash.length - 1);
}

/** Stable identity of each pod: `ns/name`, or `ns/<deployment>#<rank>` for Deployment pods. */
export function podIdentities(cluster: Cluster): Map<string, string> {
  const out = new Map<string, string>();
  const byDeployment = new Map<string, string[]>();
  for (const pod of cluster.pods) {
    const name = nameOf(pod);
    const deploy = deploymentOf(pod);
    if (deploy === undefined) {
      out.set(name, name);
      continue;
    }
    const key = `${pod.metadata.namespace ?? 'default'}/${deploy}`;
    const list = byDeployment.get(key);
    if (list) list.push(name);
    else byDeployment.set(key, [name]);
  }
  for (const [key, names] of byDeployment) {
    names.sort();
    // '#' cannot occur in a Kubernetes name, so these keys never collide with plain names.
    names.forEach((n, i) => out.set(n, `${key}#${i}`));
  }
  return out;
}

export function matchPods(oldCluster: Cluster, newCluster: Cluster): PodMatching {
  const oldIds = podIdentities(oldCluster);
  const newIds = podIdentities(newCluster);
  const newById = new Map<string, string>();
  for (const [name, id] of newIds) newById.set(id, name);
  const m: PodMatching = { oldToNew: new Map(), newToOld: new Map(), added: [], removed: [], renamed: [] };
  for (const [oldName, id] of oldIds) {
    const newName = newById.get(id);
    if (newName === undefined) {
      m.removed.push(oldName);
      continue;
    }
    m.oldToNew.set(oldName, newName);
    m.newToOld.set(newName, oldName);
    if (oldName !== newName) m.renamed.push({ old: oldName, new: newName });
  }
  for (const name of newIds.keys()) if (!m.newToOld.has(name)) m.added.push(name);
  m.added.sort();
  m.removed.sort();
  m.renamed.sort((a, b) => (a.new < b.new ? -1 : a.new > b.new ? 1 : 0));
  return m;
}
