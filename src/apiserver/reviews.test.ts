// The reviews of `kubectl auth` through handleRequest, with kubectl's captured protobuf bodies and
// with JSON; and how discovery and OpenAPI list them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../store/store.js';
import { aggregatedDiscovery, apiResourceList } from './discovery.js';
import { openapiDocument } from './openapi.js';
import { handleRequest } from './router.js';
import type { ApiContext, ApiResponse } from './types.js';

// Decoded JSON bodies, read loosely in assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const SSAR = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
const SSRR = '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews';
const SSR = '/apis/authentication.k8s.io/v1/selfsubjectreviews';

async function call(method: string, path: string, body?: Uint8Array | object) {
  const ctx: ApiContext = { store: new ObjectStore(), now: () => new Date(), randomSuffix: () => 'abcde' };
  const protobuf = body instanceof Uint8Array;
  const text = body === undefined ? '' : protobuf ? '' : JSON.stringify(body);
  const res = (await handleRequest(
    ctx,
    {
      method,
      path,
      query: new URLSearchParams(),
      accept: 'application/vnd.kubernetes.protobuf,application/json',
      contentType: protobuf ? 'application/vnd.kubernetes.protobuf' : 'application/json',
      body: text,
      bytes: protobuf ? body : Buffer.from(text),
    },
    { serverAddress: '127.0.0.1:6443' },
  )) as Extract<ApiResponse, { body: string }>;
  return { status: res.status, type: res.contentType, json: JSON.parse(res.body) as Record<string, Loose> };
}

const capture = (name: string) => readFileSync(new URL(`protobuf/testdata/${name}.pb`, import.meta.url));

describe('reviews', () => {
  const answered = [
    {
      name: 'can-i: allowed, the question echoed',
      path: SSAR,
      file: 'auth-can-i',
      want: {
        kind: 'SelfSubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        spec: {
          resourceAttributes: {
            namespace: 'kube-system',
            verb: 'get',
            group: 'apps',
            resource: 'deployments',
          },
        },
        status: { allowed: true },
      },
    },
    {
      name: 'can-i on a non-resource URL: allowed',
      path: SSAR,
      file: 'auth-can-i-nonresource',
      want: { spec: { nonResourceAttributes: { path: '/logs', verb: 'get' } }, status: { allowed: true } },
    },
    {
      name: 'can-i --list: every verb on everything',
      path: SSRR,
      file: 'auth-can-i-list',
      want: {
        kind: 'SelfSubjectRulesReview',
        spec: { namespace: 'default' },
        status: {
          resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
          nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
          incomplete: false,
        },
      },
    },
    {
      name: 'whoami: the admin user',
      path: SSR,
      file: 'auth-whoami',
      want: {
        kind: 'SelfSubjectReview',
        apiVersion: 'authentication.k8s.io/v1',
        status: {
          userInfo: { username: 'podnet-admin', groups: ['system:masters', 'system:authenticated'] },
        },
      },
    },
  ];
  it.each(answered)('$name (201, JSON)', async ({ path, file, want }) => {
    const res = await call('POST', path, capture(file));
    expect(res).toMatchObject({ status: 201, type: 'application/json', json: want });
  });

  it('answers JSON bodies too', async () => {
    const body = {
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb: 'list', resource: 'pods' } },
    };
    expect((await call('POST', SSAR, body)).json.status).toEqual({ allowed: true });
  });

  const refused = [
    { name: 'no attributes → 422', method: 'POST', path: SSAR, body: { spec: {} }, code: 422 },
    {
      name: 'both attributes → 422',
      method: 'POST',
      path: SSAR,
      body: { spec: { resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/' } } },
      code: 422,
    },
    {
      name: 'another kind → 400',
      method: 'POST',
      path: SSR,
      body: { kind: 'SelfSubjectAccessReview' },
      code: 400,
    },
    { name: 'GET → 405', method: 'GET', path: SSAR, code: 405 },
    { name: 'a named review → 404', method: 'POST', path: `${SSAR}/x`, body: {}, code: 404 },
    {
      name: 'a namespaced path → 404',
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/namespaces/default/selfsubjectaccessreviews',
      body: {},
      code: 404,
    },
  ];
  it.each(refused)('$name', async ({ method, path, body, code }) => {
    const res = await call(method, path, body);
    expect(res.status).toBe(code);
    expect(res.json.kind).toBe('Status');
  });

  it('discovery lists them cluster-scoped with the verb create only', () => {
    const groups = (aggregatedDiscovery(false) as Loose).items as Loose[];
    const authz = groups.find((g) => g.metadata.name === 'authorization.k8s.io');
    expect(authz.versions[0].resources.map((r: Loose) => [r.resource, r.scope, r.verbs])).toEqual([
      ['selfsubjectaccessreviews', 'Cluster', ['create']],
      ['selfsubjectrulesreviews', 'Cluster', ['create']],
    ]);
    expect((apiResourceList('authentication.k8s.io', 'v1') as Loose).resources).toEqual([
      {
        name: 'selfsubjectreviews',
        singularName: 'selfsubjectreview',
        namespaced: false,
        kind: 'SelfSubjectReview',
        verbs: ['create'],
      },
    ]);
  });

  it('OpenAPI has only the POST on the collection', () => {
    const doc = openapiDocument('apis/authorization.k8s.io/v1') as Loose;
    expect(Object.keys(doc.paths)).toEqual([SSAR, SSRR]);
    expect(Object.keys(doc.paths[SSAR])).toEqual(['post']);
  });
});
