import { describe, expect, it } from 'vitest';
import { readSocketDenial } from './read-access.js';
import type { ApiRequest } from './types.js';

const req = (method: string, path: string): ApiRequest => ({
  method,
  path,
  query: new URLSearchParams(),
  accept: 'application/json',
  body: '',
});

describe('the read socket (what cluster DNS may read, as ClusterRole system:coredns grants)', () => {
  it.each([
    '/api/v1/services',
    '/api/v1/namespaces/default/pods',
    '/api/v1/namespaces/kube-system/pods/coredns-1',
    '/api/v1/namespaces',
    '/apis/discovery.k8s.io/v1/endpointslices',
    '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices',
    '/version',
    '/api',
  ])('serves GET %s', (path) => {
    expect(readSocketDenial(req('GET', path))).toBeUndefined();
  });

  it('refuses Secrets and ConfigMaps with 403 Forbidden', () => {
    const d = readSocketDenial(req('GET', '/api/v1/namespaces/default/secrets'));
    expect(d).toMatchObject({ code: 403, reason: 'Forbidden', details: { kind: 'secrets', group: '' } });
    expect(d?.message).toMatch(/^secrets is forbidden/);
    expect(readSocketDenial(req('GET', '/api/v1/configmaps'))?.code).toBe(403);
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('refuses %s, also on readable kinds', (method) => {
    expect(readSocketDenial(req(method, '/api/v1/namespaces/default/pods'))?.code).toBe(403);
  });

  it('refuses subresources (pods/exec, pods/status)', () => {
    expect(readSocketDenial(req('GET', '/api/v1/namespaces/default/pods/p/status'))?.code).toBe(403);
  });
});
