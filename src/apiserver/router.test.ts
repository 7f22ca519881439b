// The REST verbs and Status errors through handleRequest, on an in-memory store.
import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../store/store.js';
import { handleRequest } from './router.js';
import type { ApiContext, ApiResponse } from './types.js';

// Decoded JSON bodies, read loosely in assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

function setup() {
  const ctx: ApiContext = { store: new ObjectStore(), now: () => new Date(), randomSuffix: () => 'abcde' };
  const call = async (
    method: string,
    url: string,
    body?: unknown,
    contentType = 'application/json',
    accept = 'application/json',
  ) => {
    const u = new URL(url, 'http://x');
    const res = (await handleRequest(
      ctx,
      {
        method,
        path: u.pathname,
        query: u.searchParams,
        accept,
        contentType,
        body: body === undefined ? '' : JSON.stringify(body),
      },
      { serverAddress: '127.0.0.1:6443' },
    )) as Extract<ApiResponse, { body: string }>;
    return { status: res.status, type: res.contentType, json: JSON.parse(res.body) as Record<string, Loose> };
  };
  return { ctx, call };
}

const pod = (name: string, labels?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
});
const PODS = '/api/v1/namespaces/default/pods';

describe('handleRequest', () => {
  it('creates (201), gets, rejects duplicates (409 AlreadyExists) and missing objects (404)', async () => {
    const { call } = setup();
    const created = await call('POST', PODS, pod('a'));
    expect(created.status).toBe(201);
    expect(created.json.metadata).toMatchObject({
      namespace: 'default',
      resourceVersion: '1',
      generation: 1,
    });
    expect((await call('POST', PODS, pod('a'))).json).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
      message: 'pods "a" already exists',
    });
    expect((await call('GET', `${PODS}/nope`)).json).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'pods "nope" not found',
    });
    expect((await call('GET', '/apis/nope/v1/things')).status).toBe(404);
  });

  it('answers 422 Invalid with causes in Kubernetes format', async () => {
    const { call } = setup();
    const r = await call('POST', PODS, { ...pod('Bad_Name'), spec: {} });
    expect(r.status).toBe(422);
    expect(r.json.reason).toBe('Invalid');
    expect(r.json.message).toMatch(
      /^Pod "Bad_Name" is invalid: \[metadata\.name: Invalid value: "Bad_Name": /,
    );
    expect(r.json.details.causes).toContainEqual({
      reason: 'FieldValueRequired',
      message: 'Required value',
      field: 'spec.containers',
    });
  });

  it('PUT with a stale resourceVersion is 409 Conflict; a no-op PUT keeps the resourceVersion', async () => {
    const { call } = setup();
    const a = (await call('POST', PODS, pod('a'))).json;
    const same = await call('PUT', `${PODS}/a`, a);
    expect(same.json.metadata.resourceVersion).toBe('1');
    const changed = await call('PUT', `${PODS}/a`, { ...a, metadata: { ...a.metadata, labels: { x: 'y' } } });
    expect(changed.json.metadata.resourceVersion).toBe('2');
    const stale = await call('PUT', `${PODS}/a`, { ...a, metadata: { ...a.metadata, labels: { x: 'z' } } });
    expect(stale.json).toMatchObject({ code: 409, reason: 'Conflict' });
  });

  it('PATCH merge and apply (create on missing); /status changes only status', async () => {
    const { call } = setup();
    await call('POST', PODS, pod('a'));
    const p = await call(
      'PATCH',
      `${PODS}/a`,
      { metadata: { labels: { t: '1' } }, status: { phase: 'Running' } },
      'application/merge-patch+json',
    );
    expect(p.json.metadata.labels).toEqual({ t: '1' });
    expect(p.json.status).toBeUndefined();
    const s = await call(
      'PATCH',
      `${PODS}/a/status`,
      { status: { phase: 'Running' }, metadata: { labels: { t: '2' } } },
      'application/merge-patch+json',
    );
    expect(s.json.status).toEqual({ phase: 'Running' });
    expect(s.json.metadata.labels).toEqual({ t: '1' });
    const applied = await call(
      'PATCH',
      `${PODS}/b?fieldManager=kubectl`,
      pod('b'),
      'application/apply-patch+yaml',
    );
    expect(applied.status).toBe(201);
    expect((await call('PATCH', `${PODS}/a`, {}, 'text/plain')).status).toBe(415);
  });

  it('lists with label and field selectors, pages with limit/continue, renders Tables', async () => {
    const { call } = setup();
    for (const [n, app] of [
      ['a', 'web'],
      ['b', 'db'],
      ['c', 'web'],
    ])
      await call('POST', PODS, pod(n, { app }));
    const names = (r: { json: Record<string, Loose> }) => r.json.items.map((i: Loose) => i.metadata.name);
    expect(names(await call('GET', `${PODS}?labelSelector=app%3Dweb`))).toEqual(['a', 'c']);
    expect(names(await call('GET', `/api/v1/pods?labelSelector=app+in+(db)`))).toEqual(['b']);
    expect(names(await call('GET', `${PODS}?fieldSelector=metadata.name%3Dc`))).toEqual(['c']);
    const page1 = await call('GET', `${PODS}?limit=2`);
    expect(names(page1)).toEqual(['a', 'b']);
    expect(names(await call('GET', `${PODS}?limit=2&continue=${page1.json.metadata.continue}`))).toEqual([
      'c',
    ]);
    const table = await call(
      'GET',
      PODS,
      undefined,
      'application/json',
      'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    );
    expect(table.type).toBe('application/json;as=Table;v=v1;g=meta.k8s.io');
    expect(table.json.rows.map((r: Loose) => r.cells[0])).toEqual(['a', 'b', 'c']);
    expect((await call('GET', `${PODS}?fieldSelector=spec.foo%3Dx`)).status).toBe(400);
  });

  it('DELETE answers Status Success, then 404; 405 for unsupported methods', async () => {
    const { call } = setup();
    await call('POST', PODS, pod('a'));
    expect((await call('DELETE', `${PODS}/a`)).json).toMatchObject({
      kind: 'Status',
      status: 'Success',
      details: { name: 'a', kind: 'pods' },
    });
    expect((await call('DELETE', `${PODS}/a`)).status).toBe(404);
    expect((await call('PUT', PODS, pod('x'))).json).toMatchObject({ code: 405, reason: 'MethodNotAllowed' });
    expect((await call('POST', '/version', {})).status).toBe(405);
  });

  it('defaults Services and labels Namespaces with their name', async () => {
    const { call } = setup();
    const svc = await call('POST', '/api/v1/namespaces/default/services', {
      metadata: { name: 's' },
      spec: { ports: [{ port: 80 }] },
    });
    expect(svc.json.spec).toMatchObject({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    });
    const ns = await call('POST', '/api/v1/namespaces', { metadata: { name: 'shop' } });
    expect(ns.json.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'shop' });
    expect(ns.json.status).toEqual({ phase: 'Active' });
  });

  it('serves aggregated discovery only when v2 is asked for', async () => {
    const { call } = setup();
    const agg = await call(
      'GET',
      '/apis',
      undefined,
      '',
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
    );
    expect(agg.json.kind).toBe('APIGroupDiscoveryList');
    const beta = await call(
      'GET',
      '/apis',
      undefined,
      '',
      'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json',
    );
    expect(beta.json.kind).toBe('APIGroupList');
    expect((await call('GET', '/api')).json.kind).toBe('APIVersions');
  });
});
