// The resources the API server serves: every kind of src/load/kinds.ts (plus core Events, which
// `kubectl describe` lists, and the reviews of `kubectl auth`), with the group, version, plural, short names and verbs of upstream
// discovery (`kubectl api-resources` on a 1.32 cluster; Gateway API from its CRDs).

export interface Resource {
  group: string;
  version: string;
  kind: string;
  /** The URL segment (plural, lower case). */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  /** `all` for the kinds `kubectl get all` shows. */
  categories: string[];
  verbs: string[];
  /** Serves `<plural>/status` (GET, PUT, PATCH). */
  hasStatus: boolean;
  /** A create-only question about the caller, answered and never stored (reviews.ts). */
  review: boolean;
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

type Row = [
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  short: string[],
  all?: boolean,
];

const rows: Row[] = [
  ['', 'v1', 'Namespace', 'namespaces', false, ['ns']],
  ['', 'v1', 'Node', 'nodes', false, ['no']],
  ['', 'v1', 'Pod', 'pods', true, ['po'], true],
  ['', 'v1', 'Service', 'services', true, ['svc'], true],
  ['', 'v1', 'Secret', 'secrets', true, []],
  ['', 'v1', 'ConfigMap', 'configmaps', true, ['cm']],
  ['', 'v1', 'Event', 'events', true, ['ev']],
  ['apps', 'v1', 'Deployment', 'deployments', true, ['deploy'], true],
  ['apps', 'v1', 'ReplicaSet', 'replicasets', true, ['rs'], true],
  ['apps', 'v1', 'StatefulSet', 'statefulsets', true, ['sts'], true],
  ['apps', 'v1', 'DaemonSet', 'daemonsets', true, ['ds'], true],
  ['batch', 'v1', 'Job', 'jobs', true, [], true],
  ['discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices', true, []],
  ['networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true, ['netpol']],
  ['networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, ['ing']],
  ['networking.k8s.io', 'v1', 'IngressClass', 'ingressclasses', false, []],
  ['gateway.networking.k8s.io', 'v1', 'GatewayClass', 'gatewayclasses', false, ['gc']],
  ['gateway.networking.k8s.io', 'v1', 'Gateway', 'gateways', true, ['gtw']],
  ['gateway.networking.k8s.io', 'v1', 'HTTPRoute', 'httproutes', true, []],
  ['gateway.networking.k8s.io', 'v1beta1', 'ReferenceGrant', 'referencegrants', true, ['refgrant']],
];

/** Kinds whose objects carry a status written by controllers (upstream: a status subresource). */
const withStatus = new Set([
  'Namespace',
  'Node',
  'Pod',
  'Service',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'Ingress',
  'NetworkPolicy',
  'GatewayClass',
  'Gateway',
  'HTTPRoute',
]);

/**
 * The reviews `kubectl auth can-i` (`--list`) and `auth whoami` post: cluster-scoped, verb create
 * only, as upstream discovery lists them.
 */
const reviewRows: [group: string, kind: string, plural: string][] = [
  ['authorization.k8s.io', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews'],
  ['authorization.k8s.io', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews'],
  ['authentication.k8s.io', 'SelfSubjectReview', 'selfsubjectreviews'],
];

export const RESOURCES: readonly Resource[] = [
  ...rows.map(([group, version, kind, plural, namespaced, short, all]) => ({
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: short,
    categories: all ? ['all'] : [],
    verbs: VERBS,
    hasStatus: withStatus.has(kind),
    review: false,
  })),
  ...reviewRows.map(([group, kind, plural]) => ({
    group,
    version: 'v1',
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced: false,
    shortNames: [],
    categories: [],
    verbs: ['create'],
    hasStatus: false,
    review: true,
  })),
];

export interface GroupVersion {
  group: string;
  version: string;
}

/** `v1` for the core group, else `group/version`. */
export function groupVersionString(gv: GroupVersion): string {
  return gv.group === '' ? gv.version : `${gv.group}/${gv.version}`;
}

/** Group versions in discovery order: core first, then groups in table order, versions in order. */
export function groupVersions(): GroupVersion[] {
  const seen = new Map<string, GroupVersion>();
  for (const r of RESOURCES) seen.set(groupVersionString(r), { group: r.group, version: r.version });
  return [...seen.values()];
}

/** Named groups (not core) with their versions, preferred (first, `v1` before betas) first. */
export function apiGroups(): { name: string; versions: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const { group, version } of groupVersions()) {
    if (group === '') continue;
    const vs = groups.get(group) ?? [];
    if (!vs.includes(version)) vs.push(version);
    groups.set(group, vs);
  }
  return [...groups].map(([name, versions]) => ({ name, versions }));
}

export function resourcesIn(group: string, version: string): Resource[] {
  return RESOURCES.filter((r) => r.group === group && r.version === version);
}

export function findResource(group: string, version: string, plural: string): Resource | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** The resource serving a kind (by kind and the apiVersion's group). */
export function resourceForKind(kind: string, apiVersion?: string): Resource | undefined {
  const group = apiVersion?.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
  return RESOURCES.find((r) => r.kind === kind && (apiVersion === undefined || r.group === group));
}

/** apiVersion of a resource's objects. */
export function apiVersionOf(r: Resource): string {
  return groupVersionString(r);
}
