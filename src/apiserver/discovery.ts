// Discovery (kubectl-wire.md §1.2): /version, aggregated discovery v2 on /api and /apis when the
// Accept header asks for it (v2 only; v2beta1 clients get the legacy documents), else the legacy
// APIVersions / APIGroupList, and one APIResourceList per group version. Pure.
import type { Resource } from './resources.js';
import { apiGroups, groupVersionString, resourcesIn } from './resources.js';

export const AGGREGATED_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export function versionInfo(): Record<string, string> {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0-podnet',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.23.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

const statusSub = (r: Resource) =>
  r.hasStatus ? [{ name: `${r.plural}/status`, kind: r.kind, verbs: ['get', 'patch', 'update'] }] : [];

export function apiResourceList(group: string, version: string): object {
  const resources = resourcesIn(group, version).flatMap((r) => [
    {
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length ? { categories: r.categories } : {}),
    },
    ...statusSub(r).map((s) => ({ ...s, singularName: '', namespaced: r.namespaced })),
  ]);
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersionString({ group, version }),
    resources,
  };
}

export function legacyApiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(name: string, versions: string[]): object {
  const gvs = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: gvs, preferredVersion: gvs[0] };
}

export function legacyApiGroupList(): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: apiGroups().map((g) => apiGroup(g.name, g.versions)),
  };
}

/** `GET /apis/{group}`: one APIGroup, or undefined when the group is not served. */
export function legacyApiGroup(name: string): object | undefined {
  const g = apiGroups().find((x) => x.name === name);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g.name, g.versions) } : undefined;
}

function discoveryVersion(group: string, version: string): object {
  return {
    version,
    freshness: 'Current',
    resources: resourcesIn(group, version).map((r) => ({
      resource: r.plural,
      singularResource: r.singular,
      scope: r.namespaced ? 'Namespaced' : 'Cluster',
      responseKind: { group, version, kind: r.kind },
      verbs: r.verbs,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length ? { categories: r.categories } : {}),
      ...(r.hasStatus
        ? {
            subresources: [
              {
                subresource: 'status',
                responseKind: { group, version, kind: r.kind },
                verbs: ['get', 'patch', 'update'],
              },
            ],
          }
        : {}),
    })),
  };
}

/** Aggregated discovery: `core` true for /api (the legacy group), false for /apis. */
export function aggregatedDiscovery(core: boolean): object {
  const groups = core ? [{ name: '', versions: ['v1'] }] : apiGroups();
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.name },
      versions: g.versions.map((v) => discoveryVersion(g.name, v)),
    })),
  };
}
