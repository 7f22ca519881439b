// Workload controllers, enough to give every template its pods as the upstream controllers
// would name them: Deployment -> ReplicaSet `<deploy>-<pod-template-hash>` -> pods
// `<rs>-<5 chars>`; StatefulSet -> `<sts>-<ordinal>` with hostname and subdomain; DaemonSet ->
// one pod per schedulable node; Job -> `parallelism` pods. Replica counts default to 1.
import type { KubeObject, Node, Pod, PodTemplateSpec, Workload } from '../api/types.js';
import type { ObjectClient } from '../store/client.js';
import type { Controller } from './controller.js';
import { objectHash, suffix } from './names.js';

const API_VERSION: Record<string, string> = {
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
};

function ownedBy(obj: KubeObject, owner: Workload): boolean {
  return !!obj.metadata?.ownerReferences?.some(
    (r) => r.kind === owner.kind && r.name === owner.metadata.name && r.controller,
  );
}

function ownerRef(owner: Workload) {
  return {
    apiVersion: API_VERSION[owner.kind],
    kind: owner.kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid,
    controller: true,
  };
}

export function podFromTemplate(
  owner: Workload,
  name: string,
  template: PodTemplateSpec,
  extra: Partial<Pod['spec']> = {},
  labels: Record<string, string> = {},
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: owner.metadata.namespace,
      labels: { ...template.metadata?.labels, ...labels },
      annotations: template.metadata?.annotations,
      ownerReferences: [ownerRef(owner)],
    },
    spec: { ...template.spec, ...extra },
  };
}

/** The pods a workload should have, by name (pure). */
export function desiredPods(w: Workload, nodes: Node[]): Pod[] {
  const name = w.metadata.name!;
  const template = w.spec?.template ?? {};
  const replicas = w.spec?.replicas ?? 1;
  switch (w.kind) {
    case 'ReplicaSet':
      return Array.from({ length: replicas }, (_, i) =>
        podFromTemplate(w, `${name}-${suffix(`${name}/${i}`)}`, template),
      );
    case 'StatefulSet':
      return Array.from({ length: replicas }, (_, i) =>
        podFromTemplate(
          w,
          `${name}-${i}`,
          template,
          { hostname: `${name}-${i}`, ...(w.spec?.serviceName ? { subdomain: w.spec.serviceName } : {}) },
          { 'statefulset.kubernetes.io/pod-name': `${name}-${i}`, 'apps.kubernetes.io/pod-index': String(i) },
        ),
      );
    case 'DaemonSet':
      return nodes
        .filter((n) => !n.spec?.unschedulable)
        .map((n) =>
          podFromTemplate(w, `${name}-${suffix(`${name}/${n.metadata.name}`)}`, template, {
            nodeName: n.metadata.name,
          }),
        );
    case 'Job': {
      const parallelism = w.spec?.parallelism ?? 1;
      const labels = { 'job-name': name, 'batch.kubernetes.io/job-name': name };
      return Array.from({ length: parallelism }, (_, i) =>
        podFromTemplate(w, `${name}-${suffix(`${name}/${i}`)}`, template, {}, labels),
      );
    }
    default:
      return [];
  }
}

/** The ReplicaSet a Deployment should own for its current template. */
export function desiredReplicaSet(d: Workload): Workload {
  const hash = objectHash(d.spec?.template ?? {});
  const template = d.spec?.template ?? {};
  const labels = { ...template.metadata?.labels, 'pod-template-hash': hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels,
      ownerReferences: [ownerRef(d)],
    },
    spec: {
      replicas: d.spec?.replicas ?? 1,
      selector: {
        matchLabels: { ...d.spec?.selector?.matchLabels, 'pod-template-hash': hash },
        matchExpressions: d.spec?.selector?.matchExpressions,
      },
      template: { ...template, metadata: { ...template.metadata, labels } },
    },
  };
}

/** Creates what is missing and deletes owned objects that are no longer wanted. */
async function reconcileOwned(
  client: ObjectClient,
  owner: Workload,
  kind: string,
  want: KubeObject[],
): Promise<number> {
  let writes = 0;
  const have = (await client.list(kind, owner.metadata.namespace)).filter((o) => ownedBy(o, owner));
  const wanted = new Set(want.map((o) => o.metadata!.name));
  const present = new Set(have.map((o) => o.metadata!.name));
  for (const o of want) {
    if (present.has(o.metadata!.name)) continue;
    await client.create(o);
    writes++;
  }
  for (const o of have) {
    // A pod already being deleted gracefully is on its way out; its node removes it.
    if (wanted.has(o.metadata!.name) || o.metadata?.deletionTimestamp) continue;
    await client.delete(kind, o.metadata!.namespace, o.metadata!.name!);
    writes++;
  }
  return writes;
}

export const workloadsController: Controller = {
  name: 'workloads',
  reads: ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'Pod', 'Node'],
  async sync(client: ObjectClient) {
    let writes = 0;
    for (const d of await client.list<Workload>('Deployment')) {
      writes += await reconcileOwned(client, d, 'ReplicaSet', [desiredReplicaSet(d)]);
    }
    const nodes = await client.list<Node>('Node');
    for (const kind of ['ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job']) {
      for (const w of await client.list<Workload>(kind))
        writes += await reconcileOwned(client, w, 'Pod', desiredPods(w, nodes));
    }
    return writes;
  },
};
