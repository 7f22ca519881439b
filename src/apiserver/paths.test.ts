import { describe, expect, it } from 'vitest';
import { objectPath, parsePath, type Route } from './paths.js';

const res = (r: Partial<Extract<Route, { type: 'resource' }>>): Route => ({
  type: 'resource',
  group: '',
  version: 'v1',
  plural: 'pods',
  namespace: undefined,
  name: undefined,
  subresource: undefined,
  ...r,
});

const cases: { name: string; path: string; want: Route }[] = [
  { name: 'version', path: '/version', want: { type: 'version' } },
  { name: 'healthz', path: '/healthz', want: { type: 'health', name: 'healthz' } },
  { name: 'core discovery', path: '/api', want: { type: 'api' } },
  { name: 'groups discovery', path: '/apis', want: { type: 'apis' } },
  { name: 'one group', path: '/apis/apps', want: { type: 'group', group: 'apps' } },
  { name: 'core resource list', path: '/api/v1', want: { type: 'groupVersion', group: '', version: 'v1' } },
  {
    name: 'group resource list',
    path: '/apis/apps/v1',
    want: { type: 'groupVersion', group: 'apps', version: 'v1' },
  },
  { name: 'openapi index', path: '/openapi/v3', want: { type: 'openapi' } },
  {
    name: 'openapi doc',
    path: '/openapi/v3/apis/apps/v1',
    want: { type: 'openapi', groupVersion: 'apis/apps/v1' },
  },
  { name: 'pods in all namespaces', path: '/api/v1/pods', want: res({}) },
  {
    name: 'pods in a namespace',
    path: '/api/v1/namespaces/default/pods',
    want: res({ namespace: 'default' }),
  },
  {
    name: 'one pod',
    path: '/api/v1/namespaces/default/pods/web',
    want: res({ namespace: 'default', name: 'web' }),
  },
  {
    name: 'pod status',
    path: '/api/v1/namespaces/default/pods/web/status',
    want: res({ namespace: 'default', name: 'web', subresource: 'status' }),
  },
  { name: 'namespaces', path: '/api/v1/namespaces', want: res({ plural: 'namespaces' }) },
  {
    name: 'one namespace',
    path: '/api/v1/namespaces/shop',
    want: res({ plural: 'namespaces', name: 'shop' }),
  },
  {
    name: 'namespace status',
    path: '/api/v1/namespaces/shop/status',
    want: res({ plural: 'namespaces', name: 'shop', subresource: 'status' }),
  },
  {
    name: 'grouped namespaced',
    path: '/apis/networking.k8s.io/v1/namespaces/a/networkpolicies/deny',
    want: res({ group: 'networking.k8s.io', plural: 'networkpolicies', namespace: 'a', name: 'deny' }),
  },
  {
    name: 'cluster-scoped grouped',
    path: '/apis/networking.k8s.io/v1/ingressclasses',
    want: res({ group: 'networking.k8s.io', plural: 'ingressclasses' }),
  },
  { name: 'too deep', path: '/api/v1/namespaces/a/pods/b/status/x', want: { type: 'notFound' } },
  { name: 'metrics', path: '/metrics', want: { type: 'metrics' } },
  { name: 'unknown root', path: '/logs', want: { type: 'notFound' } },
];

describe('parsePath', () => {
  it.each(cases)('$name', ({ path, want }) => expect(parsePath(path)).toEqual(want));
});

describe('objectPath', () => {
  it('builds namespaced, cluster-scoped and grouped paths', () => {
    expect(objectPath({ group: '', version: 'v1', plural: 'pods', namespaced: true }, 'a', 'b')).toBe(
      '/api/v1/namespaces/a/pods/b',
    );
    expect(objectPath({ group: 'apps', version: 'v1', plural: 'deployments', namespaced: true }, 'a')).toBe(
      '/apis/apps/v1/namespaces/a/deployments',
    );
    expect(objectPath({ group: '', version: 'v1', plural: 'nodes', namespaced: false }, 'a', 'n')).toBe(
      '/api/v1/nodes/n',
    );
  });
});
