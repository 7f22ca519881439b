import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../api/cluster.js';
import type { Ingress, IngressClass, KubeObject } from '../api/types.js';
import {
  buildIngressTable,
  PODNET_INGRESS_CONTROLLER,
  routeIngress,
  routeIngressTable,
  selectIngressClass,
} from './ingress-routes.js';
import { parseRequestUrl } from './request.js';
import { clusterFromObjects } from './testing.js';

const certPem = readFileSync(new URL('./testdata/tls/foo-bar-com.crt', import.meta.url), 'utf8');

function klass(name: string, controller: string, isDefault = false): IngressClass {
  const annotations = isDefault ? { 'ingressclass.kubernetes.io/is-default-class': 'true' } : undefined;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name, annotations },
    spec: { controller },
  };
}

function service(name: string, port = 8080, ns = 'app'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { ports: [{ name: 'http', port }] },
  };
}

function ingress(name: string, spec: Ingress['spec'], md: Partial<Ingress['metadata']> = {}): Ingress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'app', ...md },
    spec,
  };
}

const rootTo = (svc: string, host?: string) => ({
  host,
  http: {
    paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: svc, port: { number: 8080 } } } }],
  },
});

describe('selectIngressClass', () => {
  const cases: { name: string; classes: IngressClass[]; requested?: string; want: string | null }[] = [
    {
      name: 'requested class wins',
      classes: [klass('a', PODNET_INGRESS_CONTROLLER)],
      requested: 'other',
      want: 'other',
    },
    {
      name: "podnet's controller",
      classes: [klass('nginx', 'k8s.io/ingress-nginx', true), klass('pn', PODNET_INGRESS_CONTROLLER)],
      want: 'pn',
    },
    {
      name: 'else the default class',
      classes: [klass('nginx', 'k8s.io/ingress-nginx', true), klass('x', 'x')],
      want: 'nginx',
    },
    { name: 'else none', classes: [klass('x', 'x')], want: null },
  ];
  it.each(cases)('$name', ({ classes, requested, want }) => {
    expect(selectIngressClass(clusterFromObjects(classes), requested).name).toBe(want);
  });
});

describe('routeIngress', () => {
  const base: KubeObject[] = [
    klass('pn', PODNET_INGRESS_CONTROLLER),
    service('a'),
    service('b'),
    service('fallback'),
  ];
  const cases: {
    name: string;
    objects: KubeObject[];
    url: string;
    headers?: string[];
    want: Record<string, unknown>;
  }[] = [
    {
      name: "no --ingress-class: podnet's own class is served",
      objects: [ingress('x', { ingressClassName: 'pn', rules: [rootTo('a', 'a.test')] })],
      url: 'http://a.test/',
      want: {
        kind: 'Ingress',
        name: 'app/x',
        rule: { host: 'a.test', path: '/', pathType: 'Prefix' },
        backend: { service: 'a', namespace: 'app', port: 8080 },
      },
    },
    {
      name: 'an Ingress of another class is ignored',
      objects: [ingress('x', { ingressClassName: 'nginx', rules: [rootTo('a', 'a.test')] })],
      url: 'http://a.test/',
      want: { matched: false, status: 404 },
    },
    {
      name: 'Host header port ignored',
      objects: [ingress('x', { ingressClassName: 'pn', rules: [rootTo('a', 'a.test')] })],
      url: 'http://203.0.113.10/',
      headers: ['Host: a.test:8443'],
      want: { backend: { service: 'a', namespace: 'app', port: 8080 } },
    },
    {
      name: 'the oldest Ingress defaultBackend wins',
      objects: [
        ingress(
          'newer',
          { ingressClassName: 'pn', defaultBackend: { service: { name: 'b', port: { number: 8080 } } } },
          { creationTimestamp: '2024-01-01T00:00:00Z' },
        ),
        ingress(
          'older',
          {
            ingressClassName: 'pn',
            defaultBackend: { service: { name: 'fallback', port: { number: 8080 } } },
          },
          { creationTimestamp: '2020-01-01T00:00:00Z' },
        ),
      ],
      url: 'http://any.test/x',
      want: {
        name: 'app/older',
        rule: { defaultBackend: true },
        backend: { service: 'fallback', namespace: 'app', port: 8080 },
      },
    },
    {
      name: 'a resource backend is not served: 500',
      objects: [
        ingress('x', {
          ingressClassName: 'pn',
          defaultBackend: {
            resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'static' },
          },
        }),
      ],
      url: 'http://any.test/',
      want: { matched: true, status: 500 },
    },
    {
      name: 'virtual host: a host rule without the path does not fall back to rules without host',
      objects: [
        ingress('x', {
          ingressClassName: 'pn',
          rules: [
            {
              host: 'a.test',
              http: {
                paths: [
                  {
                    path: '/only',
                    pathType: 'Exact',
                    backend: { service: { name: 'a', port: { number: 8080 } } },
                  },
                ],
              },
            },
            rootTo('b'),
          ],
        }),
      ],
      url: 'http://a.test/other',
      want: { matched: false, status: 404 },
    },
  ];
  it.each(cases)('$name', ({ objects, url, headers, want }) => {
    const d = routeIngress(clusterFromObjects([...base, ...objects]), parseRequestUrl(url, 'GET', headers));
    expect(d).toMatchObject(want);
    expect(d.reasons.length).toBeGreaterThan(1);
  });

  it('gives reasons naming the class, the host and the path', () => {
    const cluster = clusterFromObjects([
      ...base,
      ingress('x', { ingressClassName: 'pn', rules: [rootTo('a', '*.test')] }),
    ]);
    const d = routeIngress(cluster, parseRequestUrl('http://b.test/z'));
    expect(d.reasons.join('\n')).toMatch(
      /IngressClass pn[\s\S]*wildcard \*\.test[\s\S]*Prefix \/ of app\/x[\s\S]*Service app\/a port 8080/,
    );
  });

  it('serves classless Ingresses when no class exists at all', () => {
    const cluster = clusterFromObjects([service('a'), ingress('x', { rules: [rootTo('a')] })]);
    expect(routeIngress(cluster, parseRequestUrl('http://x/'))).toMatchObject({ backend: { service: 'a' } });
  });

  it('compiles once and routes many requests', () => {
    const cluster = clusterFromObjects([
      ...base,
      ingress('x', { ingressClassName: 'pn', rules: [rootTo('a', 'a.test'), rootTo('b', 'b.test')] }),
    ]);
    const table = buildIngressTable(cluster);
    expect(routeIngressTable(table, parseRequestUrl('http://a.test/'))).toMatchObject({
      backend: { service: 'a' },
    });
    expect(routeIngressTable(table, parseRequestUrl('http://b.test/'))).toMatchObject({
      backend: { service: 'b' },
    });
  });
});

describe('routeIngress TLS (https)', () => {
  const secret = (name: string, crt?: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: { name, namespace: 'app' },
    data: crt ? { 'tls.crt': Buffer.from(crt).toString('base64'), 'tls.key': '' } : {},
  });
  const ing = ingress('x', {
    ingressClassName: 'pn',
    tls: [
      { hosts: ['foo.bar.com', 'other.test'], secretName: 'good' },
      { hosts: ['*.foo.com'], secretName: 'wild' },
      { hosts: ['missing.test'], secretName: 'absent' },
    ],
    rules: [rootTo('a')],
  });
  const cluster: Cluster = clusterFromObjects([
    klass('pn', PODNET_INGRESS_CONTROLLER),
    service('a'),
    ing,
    secret('good', certPem),
    secret('wild', 'not a pem'),
  ]);
  const cases = [
    {
      name: 'certificate covers the host',
      url: 'https://foo.bar.com/',
      want: { secretName: 'good', secretFound: true, certCoversHost: true },
    },
    {
      name: 'certificate does not cover the host',
      url: 'https://other.test/',
      want: { secretName: 'good', secretFound: true, certCoversHost: false },
    },
    {
      name: 'wildcard tls host; tls.crt not PEM',
      url: 'https://x.foo.com/',
      want: { secretName: 'wild', secretFound: true, certCoversHost: false },
    },
    {
      name: 'Secret missing',
      url: 'https://missing.test/',
      want: { secretName: 'absent', secretFound: false },
    },
  ];
  it.each(cases)('$name', ({ url, want }) => {
    const d = routeIngress(cluster, parseRequestUrl(url));
    expect(d).toMatchObject({ backend: { service: 'a' }, tls: want });
  });
  it('http gets no tls, and https to an unlisted host still routes', () => {
    expect(routeIngress(cluster, parseRequestUrl('http://foo.bar.com/'))).not.toHaveProperty('tls');
    expect(routeIngress(cluster, parseRequestUrl('https://unlisted.test/'))).toMatchObject({
      backend: { service: 'a' },
    });
  });
});
