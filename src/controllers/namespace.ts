// Namespaces: the system namespaces every cluster has, and the immutable
// `kubernetes.io/metadata.name` label that the API server sets on each namespace
// (KEP-2161, GA in 1.22), which is what NetworkPolicy namespaceSelectors usually match.
import type { Namespace } from '../api/types.js';
import type { ObjectClient } from '../store/client.js';
import type { Controller } from './controller.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function namespaceWithNameLabel(ns: Namespace): Namespace | null {
  const name = ns.metadata.name!;
  if (ns.metadata.labels?.[NAMESPACE_NAME_LABEL] === name) return null;
  return {
    ...ns,
    metadata: { ...ns.metadata, labels: { ...ns.metadata.labels, [NAMESPACE_NAME_LABEL]: name } },
  };
}

export const namespaceController: Controller = {
  name: 'namespace',
  reads: ['Namespace'],
  async sync(client: ObjectClient) {
    let writes = 0;
    const existing = new Set((await client.list<Namespace>('Namespace')).map((n) => n.metadata.name));
    for (const name of SYSTEM_NAMESPACES) {
      if (existing.has(name)) continue;
      await client.create<Namespace>({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      writes++;
    }
    for (const ns of await client.list<Namespace>('Namespace')) {
      const updated = namespaceWithNameLabel(ns);
      if (updated) {
        await client.update(updated);
        writes++;
      }
    }
    return writes;
  },
};
