// The kinds podnet reads, by kind and API group. Anything else is reported and ignored.

export interface KindInfo {
  kind: string;
  /** API groups the kind may come from ('' = core). */
  groups: string[];
  namespaced: boolean;
}

const table: KindInfo[] = [
  { kind: 'Namespace', groups: [''], namespaced: false },
  { kind: 'Node', groups: [''], namespaced: false },
  { kind: 'Pod', groups: [''], namespaced: true },
  { kind: 'Service', groups: [''], namespaced: true },
  { kind: 'Secret', groups: [''], namespaced: true },
  { kind: 'ConfigMap', groups: [''], namespaced: true },
  { kind: 'Deployment', groups: ['apps'], namespaced: true },
  { kind: 'ReplicaSet', groups: ['apps'], namespaced: true },
  { kind: 'StatefulSet', groups: ['apps'], namespaced: true },
  { kind: 'DaemonSet', groups: ['apps'], namespaced: true },
  { kind: 'Job', groups: ['batch'], namespaced: true },
  { kind: 'EndpointSlice', groups: ['discovery.k8s.io'], namespaced: true },
  { kind: 'NetworkPolicy', groups: ['networking.k8s.io'], namespaced: true },
  { kind: 'Ingress', groups: ['networking.k8s.io'], namespaced: true },
  { kind: 'IngressClass', groups: ['networking.k8s.io'], namespaced: false },
  { kind: 'GatewayClass', groups: ['gateway.networking.k8s.io'], namespaced: false },
  { kind: 'Gateway', groups: ['gateway.networking.k8s.io'], namespaced: true },
  { kind: 'HTTPRoute', groups: ['gateway.networking.k8s.io'], namespaced: true },
  { kind: 'ReferenceGrant', groups: ['gateway.networking.k8s.io'], namespaced: true },
];

const byKind = new Map(table.map((k) => [k.kind, k]));

export function apiGroupOf(apiVersion: string | undefined): string {
  if (!apiVersion) return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The kind's info when podnet knows the kind in that API group, else undefined. */
export function lookupKind(kind: string | undefined, apiVersion: string | undefined): KindInfo | undefined {
  const info = kind ? byKind.get(kind) : undefined;
  return info && info.groups.includes(apiGroupOf(apiVersion)) ? info : undefined;
}

export function isNamespacedKind(kind: string): boolean {
  return byKind.get(kind)?.namespaced ?? true;
}
