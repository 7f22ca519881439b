import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import { compileMatch } from './gateway-table.js';
import { applyHeaderModifier, modifyPath } from './gateway-filters.js';
import { buildGatewayTable, routeGateway, routeGatewayTable } from './gateway-routes.js';
import type { HTTPRouteRule } from './gateway-types.js';
import { parseRequestUrl } from './request.js';
import { clusterFromObjects } from './testing.js';

const gw = (listeners: unknown[]): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'gw', namespace: 'infra' },
  spec: { gatewayClassName: 'pn', listeners },
});
const http = (name: string, port: number) => ({ name, port, protocol: 'HTTP' });
const svc = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'infra' },
  spec: { ports: [{ port: 8080 }] },
});
const route = (name: string, rules: HTTPRouteRule[], extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name, namespace: 'infra' },
  spec: { parentRefs: [{ name: 'gw' }], rules, ...extra },
});
const redirect = (prefix: string, requestRedirect: Record<string, unknown>): HTTPRouteRule => ({
  matches: [{ path: { type: 'PathPrefix', value: prefix } }],
  filters: [{ type: 'RequestRedirect', requestRedirect }],
});

// gateway-api conformance/tests/httproute-redirect-port-and-scheme.go, -redirect-path.go, -redirect-host-and-status.go
describe('RequestRedirect', () => {
  const rules = [
    redirect('/scheme-nil-and-port-nil', { hostname: 'example.org' }),
    redirect('/scheme-nil-and-port-80', { hostname: 'example.org', port: 80 }),
    redirect('/scheme-nil-and-port-8080', { hostname: 'example.org', port: 8080 }),
    redirect('/scheme-https-and-port-nil', { hostname: 'example.org', scheme: 'https' }),
    redirect('/scheme-https-and-port-443', { hostname: 'example.org', scheme: 'https', port: 443 }),
    redirect('/scheme-https-and-port-8443', { hostname: 'example.org', scheme: 'https', port: 8443 }),
    redirect('/original-prefix', {
      path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/replacement-prefix' },
    }),
    redirect('/full', { path: { type: 'ReplaceFullPath', replaceFullPath: '/full-path-replacement' } }),
    redirect('/path-and-status', {
      path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/replacement-prefix' },
      statusCode: 301,
    }),
  ];
  const cluster = clusterFromObjects([
    gw([http('http', 80), http('http-8080', 8080)]),
    route('redirects', rules),
  ]);
  const cases = [
    {
      name: 'scheme nil port nil on :80',
      url: 'http://h/scheme-nil-and-port-nil',
      want: [302, 'http://example.org/scheme-nil-and-port-nil'],
    },
    {
      name: 'scheme nil port nil on :8080 keeps the listener port',
      url: 'http://h:8080/scheme-nil-and-port-nil',
      want: [302, 'http://example.org:8080/scheme-nil-and-port-nil'],
    },
    {
      name: 'scheme nil port 80 from :8080',
      url: 'http://h:8080/scheme-nil-and-port-80',
      want: [302, 'http://example.org/scheme-nil-and-port-80'],
    },
    {
      name: 'scheme nil port 8080',
      url: 'http://h/scheme-nil-and-port-8080',
      want: [302, 'http://example.org:8080/scheme-nil-and-port-8080'],
    },
    {
      name: 'scheme https port nil: 443',
      url: 'http://h:8080/scheme-https-and-port-nil',
      want: [302, 'https://example.org/scheme-https-and-port-nil'],
    },
    {
      name: 'scheme https port 443',
      url: 'http://h/scheme-https-and-port-443',
      want: [302, 'https://example.org/scheme-https-and-port-443'],
    },
    {
      name: 'scheme https port 8443',
      url: 'http://h/scheme-https-and-port-8443',
      want: [302, 'https://example.org:8443/scheme-https-and-port-8443'],
    },
    {
      name: 'ReplacePrefixMatch',
      url: 'http://h/original-prefix/lemon',
      want: [302, 'http://h/replacement-prefix/lemon'],
    },
    {
      name: 'ReplaceFullPath',
      url: 'http://h/full/path/original',
      want: [302, 'http://h/full-path-replacement'],
    },
    {
      name: 'status 301, query kept',
      url: 'http://h/path-and-status?a=1',
      want: [301, 'http://h/replacement-prefix?a=1'],
    },
  ];
  it.each(cases)('$name', ({ url, want: [status, location] }) => {
    expect(routeGateway(cluster, parseRequestUrl(url), 'infra/gw')).toMatchObject({
      matched: true,
      kind: 'HTTPRoute',
      status,
      location,
    });
  });
});

// gateway-api apis/v1/httproute_types.go, HTTPPathModifier.ReplacePrefixMatch table.
describe('modifyPath ReplacePrefixMatch', () => {
  const cases = [
    { path: '/foo/bar', prefix: '/foo', repl: '/xyz', want: '/xyz/bar' },
    { path: '/foo/bar', prefix: '/foo', repl: '/xyz/', want: '/xyz/bar' },
    { path: '/foo/bar', prefix: '/foo/', repl: '/xyz', want: '/xyz/bar' },
    { path: '/foo/bar', prefix: '/foo/', repl: '/xyz/', want: '/xyz/bar' },
    { path: '/foo', prefix: '/foo', repl: '/xyz', want: '/xyz' },
    { path: '/foo/', prefix: '/foo', repl: '/xyz', want: '/xyz/' },
    { path: '/foo/bar', prefix: '/foo', repl: '', want: '/bar' },
    { path: '/foo/', prefix: '/foo', repl: '', want: '/' },
    { path: '/foo', prefix: '/foo', repl: '', want: '/' },
    { path: '/foo/', prefix: '/foo', repl: '/', want: '/' },
    { path: '/foo', prefix: '/foo', repl: '/', want: '/' },
  ].map((c) => ({ ...c, name: `${c.path} prefix ${c.prefix} -> '${c.repl}'` }));
  it.each(cases)('$name', ({ path, prefix, repl, want }) => {
    const m = compileMatch({ path: { type: 'PathPrefix', value: prefix } }, 0);
    expect(modifyPath({ type: 'ReplacePrefixMatch', replacePrefixMatch: repl }, path, m)).toBe(want);
  });
});

describe('RequestHeaderModifier (httproute-request-header-modifier.go)', () => {
  it('sets, adds and removes case-insensitively', () => {
    const got = applyHeaderModifier(
      {
        set: [{ name: 'X-Header-Set', value: 'set-overwrites-values' }],
        add: [{ name: 'X-Header-Add', value: 'add-appends-values' }],
        remove: ['X-Header-Remove'],
      },
      { 'x-header-set': 'some-other-value', 'x-header-add': 'some', 'x-header-remove': 'gone' },
    );
    expect(got.headers).toEqual({
      'x-header-set': 'set-overwrites-values',
      'x-header-add': 'some,add-appends-values',
    });
  });
  it('is reported with rule and backendRef filters applied in order', () => {
    const cluster = clusterFromObjects([
      gw([http('http', 80)]),
      svc('v1'),
      route('mod', [
        {
          filters: [
            { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'A', value: '1' }] } },
            { type: 'ResponseHeaderModifier' },
          ],
          backendRefs: [
            {
              name: 'v1',
              port: 8080,
              filters: [
                {
                  type: 'RequestHeaderModifier',
                  requestHeaderModifier: { set: [{ name: 'Backend', value: 'v1' }] },
                },
              ],
            },
          ],
        },
      ]),
    ]);
    const d = routeGateway(cluster, parseRequestUrl('http://h/', 'GET', ['A:0']), 'infra/gw');
    expect(d).toMatchObject({
      backend: { service: 'v1', namespace: 'infra', port: 8080 },
      filters: {
        requestHeaderModifier: { headers: { a: '1', backend: 'v1', host: 'h' } },
        notApplied: ['ResponseHeaderModifier'],
      },
    });
  });
});

describe('routeGateway', () => {
  const cluster = clusterFromObjects([
    gw([
      http('http', 80),
      { name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'cert' }] } },
    ]),
    svc('v1'),
    svc('v2'),
    route('weighted', [
      {
        backendRefs: [
          { name: 'v1', port: 8080, weight: 1 },
          { name: 'v2', port: 8080, weight: 3 },
          { name: 'gone', port: 8080, weight: 2 },
        ],
      },
    ]),
    route('ext', [
      {
        matches: [{ path: { type: 'Exact', value: '/ext' } }],
        filters: [{ type: 'ExtensionRef', extensionRef: { group: 'x', kind: 'Y', name: 'z' } }],
        backendRefs: [{ name: 'v1', port: 8080 }],
      },
    ]),
  ]);
  it('picks the highest weight and reports every candidate', () => {
    const d = routeGateway(cluster, parseRequestUrl('http://h/'), 'infra/gw');
    expect(d).toMatchObject({
      name: 'infra/weighted',
      rule: { listener: 'http', rule: 0, match: null },
      backend: { service: 'v2', namespace: 'infra', port: 8080 },
      candidates: [
        { name: 'v1', weight: 1, usable: true },
        { name: 'v2', weight: 3, usable: true },
        { name: 'gone', weight: 2, usable: false },
      ],
    });
  });
  it('an unresolvable ExtensionRef filter answers 500', () => {
    expect(routeGateway(cluster, parseRequestUrl('http://h/ext'), 'infra/gw')).toMatchObject({
      matched: true,
      status: 500,
    });
  });
  it('an HTTPS listener reports its certificate', () => {
    const d = routeGateway(cluster, parseRequestUrl('https://h/'), 'infra/gw');
    expect(d).toMatchObject({
      rule: { listener: 'https' },
      tls: { secretName: 'cert', secretNamespace: 'infra', secretFound: false },
    });
  });
  it('compiles once and routes many requests', () => {
    const table = buildGatewayTable(cluster, 'infra/gw');
    for (const path of ['/', '/a', '/b/c']) {
      expect(routeGatewayTable(table, parseRequestUrl(`http://h${path}`))).toMatchObject({
        backend: { service: 'v2' },
      });
    }
  });
  it('reasons explain attachment, listener, match and backend', () => {
    const text = routeGateway(cluster, parseRequestUrl('http://h/'), 'infra/gw').reasons.join('\n');
    expect(text).toMatch(
      /attached to listener http[\s\S]*listener http \(port 80[\s\S]*infra\/weighted rule 0 matches[\s\S]*weight 3 of 6/,
    );
  });
});
