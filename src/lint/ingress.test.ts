import { describe, expect, it } from 'vitest';
import { lintYaml, ns } from './fixture.test-util.js';

const base = [
  ns('web'),
  ns('other'),
  `
apiVersion: v1
kind: Service
metadata: {name: app, namespace: web}
spec:
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: shared, namespace: other}
spec:
  ports: [{port: 80}]
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---`,
].join('\n');

const ingress = (name: string, spec: string) => `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ${name}, namespace: web}
spec:
${spec}
---`;

const rule = (backend: string, path = '/', host = 'a.example.com', pathType = 'Prefix') =>
  `  ingressClassName: nginx
  rules:
    - host: ${host}
      http:
        paths:
          - {path: ${path}, pathType: ${pathType}, backend: {service: ${backend}}}`;

const route = (backendRefs: string) => `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: web}
spec:
  parentRefs: [{name: gw}]
  rules:
    - backendRefs: ${backendRefs}
---`;

const grant = `
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: allow-web, namespace: other}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: web}]
  to: [{group: '', kind: Service}]
---`;

const cases = [
  {
    name: 'PN301 Ingress backend Service missing',
    docs: [ingress('i', rule('{name: nope, port: {number: 80}}'))],
    code: 'PN301',
    count: 1,
  },
  {
    name: 'PN301 not for an existing Service',
    docs: [ingress('i', rule('{name: app, port: {number: 80}}'))],
    code: 'PN301',
    count: 0,
  },
  {
    name: 'PN302 Ingress backend port number missing',
    docs: [ingress('i', rule('{name: app, port: {number: 8080}}'))],
    code: 'PN302',
    count: 1,
  },
  {
    name: 'PN302 Ingress backend port name missing',
    docs: [ingress('i', rule('{name: app, port: {name: grpc}}'))],
    code: 'PN302',
    count: 1,
  },
  {
    name: 'PN302 not for the port name',
    docs: [ingress('i', rule('{name: app, port: {name: http}}'))],
    code: 'PN302',
    count: 0,
  },
  {
    name: 'PN301 defaultBackend Service missing',
    docs: [
      ingress(
        'i',
        '  ingressClassName: nginx\n  defaultBackend: {service: {name: nope, port: {number: 80}}}',
      ),
    ],
    code: 'PN301',
    count: 1,
  },
  {
    name: 'PN301 HTTPRoute backendRef Service missing',
    docs: [route('[{name: nope, port: 80}]')],
    code: 'PN301',
    count: 1,
  },
  {
    name: 'PN302 HTTPRoute backendRef port missing',
    docs: [route('[{name: app, port: 8080}]')],
    code: 'PN302',
    count: 1,
  },
  {
    name: 'PN302 HTTPRoute backendRef without port',
    docs: [route('[{name: app}]')],
    code: 'PN302',
    count: 1,
  },
  { name: 'PN302 not for a Service port', docs: [route('[{name: app, port: 80}]')], code: 'PN302', count: 0 },
  {
    name: 'PN303 cross-namespace backendRef without ReferenceGrant',
    docs: [route('[{name: shared, namespace: other, port: 80}]')],
    code: 'PN303',
    count: 1,
  },
  {
    name: 'PN303 not with a ReferenceGrant',
    docs: [grant, route('[{name: shared, namespace: other, port: 80}]')],
    code: 'PN303',
    count: 0,
  },
  {
    name: 'PN320 no class and no default class',
    docs: [ingress('i', '  defaultBackend: {service: {name: app, port: {number: 80}}}')],
    code: 'PN320',
    count: 1,
  },
  {
    name: 'PN320 not when a default class exists',
    docs: [
      `
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: default, annotations: {ingressclass.kubernetes.io/is-default-class: "true"}}
spec: {controller: k8s.io/ingress-nginx}
---`,
      ingress('i', '  defaultBackend: {service: {name: app, port: {number: 80}}}'),
    ],
    code: 'PN320',
    count: 0,
  },
  {
    name: 'PN320 not with the legacy class annotation',
    docs: [
      `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i, namespace: web, annotations: {kubernetes.io/ingress.class: nginx}}
spec:
  defaultBackend: {service: {name: app, port: {number: 80}}}`,
    ],
    code: 'PN320',
    count: 0,
  },
  {
    name: 'PN330 same host, path and pathType in two Ingresses',
    docs: [
      ingress('a', rule('{name: app, port: {number: 80}}', '/api')),
      ingress('b', rule('{name: app, port: {name: http}}', '/api')),
    ],
    code: 'PN330',
    count: 1,
  },
  {
    name: 'PN330 not for another pathType',
    docs: [
      ingress('a', rule('{name: app, port: {number: 80}}', '/api')),
      ingress('b', rule('{name: app, port: {number: 80}}', '/api', 'a.example.com', 'Exact')),
    ],
    code: 'PN330',
    count: 0,
  },
  {
    name: 'PN330 not for another host',
    docs: [
      ingress('a', rule('{name: app, port: {number: 80}}', '/api')),
      ingress('b', rule('{name: app, port: {number: 80}}', '/api', 'b.example.com')),
    ],
    code: 'PN330',
    count: 0,
  },
  {
    name: 'PN330 not across classes',
    docs: [
      ingress('a', rule('{name: app, port: {number: 80}}', '/api')),
      ingress('b', rule('{name: app, port: {number: 80}}', '/api').replace('nginx', 'other')),
    ],
    code: 'PN330',
    count: 0,
  },
  {
    name: 'PN331 two defaultBackends in one class',
    docs: [
      ingress('a', '  ingressClassName: nginx\n  defaultBackend: {service: {name: app, port: {number: 80}}}'),
      ingress('b', '  ingressClassName: nginx\n  defaultBackend: {service: {name: app, port: {number: 80}}}'),
    ],
    code: 'PN331',
    count: 1,
  },
];

describe('Ingress and HTTPRoute', () => {
  it.each(cases)('$name', async ({ docs, code, count }) => {
    const findings = await lintYaml([base, ...docs]);
    expect(findings.filter((f) => f.code === code)).toHaveLength(count);
  });

  it('reports the conflict on the later Ingress and names the first', async () => {
    const findings = await lintYaml([
      base,
      ingress('a', rule('{name: app, port: {number: 80}}', '/api')),
      ingress('b', rule('{name: app, port: {number: 80}}', '/api')),
    ]);
    const f = findings.find((x) => x.code === 'PN330')!;
    expect(f.object).toBe('Ingress/web/b');
    expect(f.field).toBe('spec.rules[0].http.paths[0]');
    expect(f.message).toContain('Ingress web/a spec.rules[0].http.paths[0]');
  });
});
