// Routes section: requests implied by every Ingress rule and HTTPRoute match of both versions,
// routed in both; those that go elsewhere.
import { describe, expect, it } from 'vitest';
import { diffYaml, namespace, service, yaml } from './fixture.test-util.js';
import { formatOutcome } from './format-text.js';
import type { RouteChange } from './types.js';

const services = [namespace('a'), service('a/one', null), service('a/two', null)];

const ingress = (name: string, rules: string, extra = '') => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: ${name}, namespace: a }
spec:${extra}
  rules:
${rules}`;

const rule = (host: string | null, path: string, pathType: string, svc: string) =>
  `    - ${host ? `host: "${host}"\n      ` : ''}http:
        paths: [{ path: ${path}, pathType: ${pathType}, backend: { service: { name: ${svc}, port: { number: 80 } } } }]`;

const gateway = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: gw, namespace: a }
spec:
  gatewayClassName: podnet
  listeners: [{ name: http, port: 80, protocol: HTTP }, { name: alt, port: 8080, protocol: HTTP }]`;

const httpRoute = (match: string, svc: string, extra = '') => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: r, namespace: a }
spec:
  parentRefs: [{ name: gw${extra} }]
  hostnames: [app.example.com]
  rules:
    - matches: [${match}]
      backendRefs: [{ name: ${svc}, port: 80 }]`;

const short = (r: RouteChange) =>
  `${r.gateway ? `${r.gateway} ` : ''}${r.method ?? 'GET'} ${r.request}${Object.entries(r.headers ?? {})
    .map(([k, v]) => ` ${k}:${v}`)
    .join('')}: ${formatOutcome(r.old)} > ${formatOutcome(r.new)}`;

const cases: { name: string; old: string; new: string; want: string[] }[] = [
  {
    name: 'no change',
    old: yaml(...services, ingress('i', rule('x.test', '/api', 'Prefix', 'one'))),
    new: yaml(...services, ingress('i', rule('x.test', '/api', 'Prefix', 'one'))),
    want: [],
  },
  {
    name: 'Prefix path renamed: old path and below it 404, new path and below it routed',
    old: yaml(...services, ingress('i', rule('x.test', '/api', 'Prefix', 'one'))),
    new: yaml(...services, ingress('i', rule('x.test', '/v2', 'Prefix', 'one'))),
    want: [
      'GET http://x.test/api: a/one:80 > 404 (no rule matches)',
      'GET http://x.test/api/sub: a/one:80 > 404 (no rule matches)',
      'GET http://x.test/v2: 404 (no rule matches) > a/one:80',
      'GET http://x.test/v2/sub: 404 (no rule matches) > a/one:80',
    ],
  },
  {
    name: 'Prefix turned Exact: the path below stops matching',
    old: yaml(...services, ingress('i', rule('x.test', '/api', 'Prefix', 'one'))),
    new: yaml(...services, ingress('i', rule('x.test', '/api', 'Exact', 'one'))),
    want: ['GET http://x.test/api/sub: a/one:80 > 404 (no rule matches)'],
  },
  {
    name: 'backend Service changed; wildcard and host-less rules are probed too',
    old: yaml(
      ...services,
      ingress('i', `${rule('*.w.test', '/', 'Prefix', 'one')}\n${rule(null, '/n', 'Exact', 'one')}`),
    ),
    new: yaml(
      ...services,
      ingress('i', `${rule('*.w.test', '/', 'Prefix', 'two')}\n${rule(null, '/n', 'Exact', 'two')}`),
    ),
    want: [
      'GET http://any.invalid/n: a/one:80 > a/two:80',
      'GET http://any.w.test/: a/one:80 > a/two:80',
      'GET http://any.w.test/sub: a/one:80 > a/two:80',
    ],
  },
  {
    name: 'a defaultBackend added catches unmatched requests',
    old: yaml(...services, ingress('i', rule('x.test', '/api', 'Exact', 'one'))),
    new: yaml(
      ...services,
      ingress(
        'i',
        rule('x.test', '/api', 'Exact', 'one'),
        '\n  defaultBackend: { service: { name: two, port: { number: 80 } } }',
      ),
    ),
    want: [
      'GET http://unmatched.invalid/: 404 (no rule matches) > a/two:80',
      'GET http://x.test/: 404 (no rule matches) > a/two:80',
    ],
  },
  {
    name: 'a rule moved to another Ingress, same backend: not a change',
    old: yaml(...services, ingress('i', rule('x.test', '/api', 'Prefix', 'one'))),
    new: yaml(...services, ingress('j', rule('x.test', '/api', 'Prefix', 'one'))),
    want: [],
  },
  {
    name: 'a missing backend Service answers 500',
    old: yaml(...services, ingress('i', rule('x.test', '/api', 'Exact', 'one'))),
    new: yaml(...services, ingress('i', rule('x.test', '/api', 'Exact', 'gone'))),
    want: ['GET http://x.test/api: a/one:80 > 500 (backend unusable)'],
  },
  {
    name: 'HTTPRoute header match changed: requests with either value, on every listener',
    old: yaml(
      ...services,
      gateway,
      httpRoute('{ path: { type: Exact, value: /p }, headers: [{ name: env, value: a }] }', 'one'),
    ),
    new: yaml(
      ...services,
      gateway,
      httpRoute('{ path: { type: Exact, value: /p }, headers: [{ name: env, value: b }] }', 'one'),
    ),
    want: [
      'a/gw GET http://app.example.com/p env:a: a/one:80 > 404 (no rule matches)',
      'a/gw GET http://app.example.com/p env:b: 404 (no rule matches) > a/one:80',
      'a/gw GET http://app.example.com:8080/p env:a: a/one:80 > 404 (no rule matches)',
      'a/gw GET http://app.example.com:8080/p env:b: 404 (no rule matches) > a/one:80',
    ],
  },
  {
    name: 'HTTPRoute narrowed to one listener by sectionName',
    old: yaml(...services, gateway, httpRoute('{ path: { type: Exact, value: /p }, method: POST }', 'one')),
    new: yaml(
      ...services,
      gateway,
      httpRoute('{ path: { type: Exact, value: /p }, method: POST }', 'one', ', sectionName: http'),
    ),
    want: ['a/gw POST http://app.example.com:8080/p: a/one:80 > 404 (no rule matches)'],
  },
];

describe('diffRoutes', () => {
  it.each(cases)('$name', async (c) => {
    expect((await diffYaml(c.old, c.new)).routes.map(short)).toEqual(c.want);
  });

  it('routes through the IngressClass asked for', async () => {
    const cls = '\n  ingressClassName: other';
    const old = yaml(...services, ingress('i', rule('x.test', '/api', 'Exact', 'one'), cls));
    const next = yaml(...services, ingress('i', rule('x.test', '/api', 'Exact', 'two'), cls));
    expect((await diffYaml(old, next)).routes).toEqual([]); // podnet's selection does not serve "other"
    expect((await diffYaml(old, next, { ingressClass: 'other' })).routes).toHaveLength(1);
  });
});
