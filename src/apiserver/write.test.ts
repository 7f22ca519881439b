// Protobuf request bodies through handleRequest: kubectl's captured `create <generator>` bodies
// (protobuf/testdata) run the normal create path and are answered in JSON.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../store/store.js';
import { handleRequest } from './router.js';
import type { ApiContext, ApiResponse } from './types.js';

// Decoded JSON bodies, read loosely in assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const ACCEPT = 'application/vnd.kubernetes.protobuf,application/json';

function setup() {
  const ctx: ApiContext = { store: new ObjectStore(), now: () => new Date(), randomSuffix: () => 'abcde' };
  const post = async (url: string, bytes: Uint8Array, contentType = PROTOBUF) => {
    const u = new URL(url, 'http://x');
    const res = (await handleRequest(
      ctx,
      {
        method: 'POST',
        path: u.pathname,
        query: u.searchParams,
        accept: ACCEPT,
        contentType,
        body: Buffer.from(bytes).toString('utf8'),
        bytes,
      },
      { serverAddress: '127.0.0.1:6443' },
    )) as Extract<ApiResponse, { body: string }>;
    return { status: res.status, type: res.contentType, json: JSON.parse(res.body) as Record<string, Loose> };
  };
  return { ctx, post };
}

const capture = (name: string) => readFileSync(new URL(`protobuf/testdata/${name}.pb`, import.meta.url));
const Q = '?fieldManager=kubectl-create&fieldValidation=Strict';

const cases = [
  { file: 'create-namespace', url: `/api/v1/namespaces${Q}`, kind: 'Namespace', name: 'prod' },
  {
    file: 'create-configmap',
    url: `/api/v1/namespaces/default/configmaps${Q}`,
    kind: 'ConfigMap',
    name: 'c1',
  },
  {
    file: 'create-secret-generic',
    url: `/api/v1/namespaces/default/secrets${Q}`,
    kind: 'Secret',
    name: 's1',
  },
  {
    file: 'create-deployment',
    url: `/apis/apps/v1/namespaces/default/deployments${Q}`,
    kind: 'Deployment',
    name: 'd2',
  },
  {
    file: 'create-service-nodeport',
    url: `/api/v1/namespaces/default/services${Q}`,
    kind: 'Service',
    name: 'np',
  },
  {
    file: 'create-ingress',
    url: `/apis/networking.k8s.io/v1/namespaces/default/ingresses${Q}`,
    kind: 'Ingress',
    name: 'web',
  },
  { file: 'create-job', url: `/apis/batch/v1/namespaces/default/jobs${Q}`, kind: 'Job', name: 'j1' },
];

describe('protobuf request bodies', () => {
  it.each(cases)('$file: 201 in JSON, admitted and stored', async ({ file, url, kind, name }) => {
    const { ctx, post } = setup();
    const res = await post(url, capture(file));
    expect(res).toMatchObject({ status: 201, type: 'application/json', json: { kind, metadata: { name } } });
    const stored = ctx.store.get(kind, kind === 'Namespace' ? undefined : 'default', name);
    expect(stored?.metadata).toMatchObject({
      name,
      generation: 1,
      resourceVersion: res.json.metadata.resourceVersion,
    });
  });

  it('runs admission: Namespace label and phase, Service defaults', async () => {
    const { post } = setup();
    const ns = await post('/api/v1/namespaces', capture('create-namespace'));
    expect(ns.json).toMatchObject({
      metadata: { labels: { 'kubernetes.io/metadata.name': 'prod' } },
      status: { phase: 'Active' },
    });
    const svc = await post('/api/v1/namespaces/default/services', capture('create-service-nodeport'));
    expect(svc.json.spec).toMatchObject({ sessionAffinity: 'None', externalTrafficPolicy: 'Cluster' });
  });

  it("takes the URL's namespace: the capture's empty metadata.namespace is unset", async () => {
    const { post } = setup();
    expect(
      (await post('/api/v1/namespaces/other/configmaps', capture('create-configmap'))).json.metadata,
    ).toMatchObject({
      namespace: 'other',
    });
  });

  const failures = [
    {
      name: 'a kind without a table → 415',
      url: '/api/v1/namespaces/default/pods',
      bytes: Buffer.from('6b3873000a090a0276311203506f64', 'hex'),
      want: { code: 415, reason: 'UnsupportedMediaType' },
    },
    {
      name: 'garbage → 400',
      url: '/api/v1/namespaces',
      bytes: Buffer.from('not protobuf'),
      want: { code: 400, reason: 'BadRequest' },
    },
    {
      name: 'another protobuf media type → 415',
      url: '/api/v1/namespaces',
      bytes: capture('create-namespace'),
      contentType: 'application/x-protobuf',
      want: { code: 415 },
    },
  ];
  it.each(failures)('$name', async ({ url, bytes, contentType, want }) => {
    const { post } = setup();
    const res = await post(url, bytes, contentType);
    expect(res.status).toBe(want.code);
    expect(res.json).toMatchObject({ kind: 'Status', ...want });
  });
});
