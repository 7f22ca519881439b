import { describe, expect, it } from 'vitest';
import { isNamespacedKind, lookupKind } from '../load/kinds.js';
import { aggregatedDiscovery, apiResourceList } from './discovery.js';
import { openapiDocument, openapiIndex } from './openapi.js';
import { apiGroups, apiVersionOf, findResource, RESOURCES, resourceForKind } from './resources.js';

// Every kind podnet loads from manifests (src/load/kinds.ts).
const podnetKinds = [
  'Namespace',
  'Node',
  'Pod',
  'Service',
  'Secret',
  'ConfigMap',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'EndpointSlice',
  'NetworkPolicy',
  'Ingress',
  'IngressClass',
  'GatewayClass',
  'Gateway',
  'HTTPRoute',
  'ReferenceGrant',
];

describe('resources', () => {
  it.each(podnetKinds)('serves %s with the group and scope of src/load/kinds.ts', (kind) => {
    const r = resourceForKind(kind)!;
    expect(r).toBeDefined();
    expect(lookupKind(kind, apiVersionOf(r))).toBeDefined();
    expect(r.namespaced).toBe(isNamespacedKind(kind));
  });

  const lookups = [
    { name: 'pods', group: '', version: 'v1', plural: 'pods', kind: 'Pod' },
    {
      name: 'netpol',
      group: 'networking.k8s.io',
      version: 'v1',
      plural: 'networkpolicies',
      kind: 'NetworkPolicy',
    },
    {
      name: 'refgrant is v1beta1',
      group: 'gateway.networking.k8s.io',
      version: 'v1beta1',
      plural: 'referencegrants',
      kind: 'ReferenceGrant',
    },
    { name: 'wrong group', group: 'apps', version: 'v1', plural: 'pods', kind: undefined },
  ];
  it.each(lookups)('findResource $name', ({ group, version, plural, kind }) =>
    expect(findResource(group, version, plural)?.kind).toBe(kind),
  );

  it('has unique plurals per group and unique short names', () => {
    const keys = RESOURCES.map((r) => `${r.group}/${r.plural}`);
    expect(new Set(keys).size).toBe(keys.length);
    const shorts = RESOURCES.flatMap((r) => r.shortNames);
    expect(new Set(shorts).size).toBe(shorts.length);
  });

  it('lists gateway.networking.k8s.io with v1 preferred', () => {
    expect(apiGroups().find((g) => g.name === 'gateway.networking.k8s.io')?.versions).toEqual([
      'v1',
      'v1beta1',
    ]);
  });
});

describe('discovery documents', () => {
  it('core APIResourceList has pods with po, all, and pods/status', () => {
    const list = apiResourceList('', 'v1') as {
      resources: { name: string; shortNames?: string[]; categories?: string[] }[];
    };
    const pods = list.resources.find((r) => r.name === 'pods')!;
    expect(pods.shortNames).toEqual(['po']);
    expect(pods.categories).toEqual(['all']);
    expect(list.resources.some((r) => r.name === 'pods/status')).toBe(true);
  });

  it('aggregated /apis has one item per group', () => {
    const doc = aggregatedDiscovery(false) as { items: { metadata: { name: string } }[] };
    expect(doc.items.map((i) => i.metadata.name)).toEqual(apiGroups().map((g) => g.name));
  });

  it('OpenAPI v3 documents carry the PATCH GVK and fieldValidation kubectl looks for', () => {
    const index = openapiIndex() as { paths: Record<string, { serverRelativeURL: string }> };
    expect(index.paths['apis/apps/v1'].serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=/);
    const doc = openapiDocument('apis/apps/v1') as {
      paths: Record<string, { patch?: Record<string, unknown> }>;
    };
    const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch!;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
    });
    expect(patch.parameters).toContainEqual({
      name: 'fieldValidation',
      in: 'query',
      schema: { type: 'string' },
    });
  });
});
