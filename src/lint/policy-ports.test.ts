import { describe, expect, it } from 'vitest';
import { lintYaml, ns, pod } from './fixture.test-util.js';

const web = (ports: string[]) =>
  [
    ns('prod'),
    pod('prod', 'web', { app: 'web' }, ports),
    pod('prod', 'client', { app: 'client' }),
    `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: prod}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---`,
  ].join('\n');

const ingress = (ports: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
    - ports: ${ports}
`;

const egress = (ports: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: client, namespace: prod}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
  egress:
    - to: [{podSelector: {matchLabels: {app: web}}}]
      ports: ${ports}
`;

const cases = [
  {
    name: 'PN106 ingress port is the Service port',
    docs: [web(['http:8080']), ingress('[{port: 80}]')],
    code: 'PN106',
    count: 1,
  },
  {
    name: 'PN106 not for the container port',
    docs: [web(['http:8080']), ingress('[{port: 8080}]')],
    code: 'PN106',
    count: 0,
  },
  {
    name: 'PN106 not when the pods also listen on the Service port',
    docs: [web(['http:8080', 'alt:80']), ingress('[{port: 80}]')],
    code: 'PN106',
    count: 0,
  },
  {
    name: 'PN106 egress port is the Service port',
    docs: [web(['http:8080']), egress('[{port: 80}]')],
    code: 'PN106',
    count: 1,
  },
  {
    name: 'PN106 not for an egress port range',
    docs: [web(['http:8080']), egress('[{port: 80, endPort: 90}]')],
    code: 'PN106',
    count: 0,
  },
  {
    name: 'PN107 named port no selected pod declares',
    docs: [web(['http:8080']), ingress('[{port: https}]')],
    code: 'PN107',
    count: 1,
  },
  {
    name: 'PN107 not for a declared name',
    docs: [web(['http:8080']), ingress('[{port: http}]')],
    code: 'PN107',
    count: 0,
  },
  {
    name: 'PN107 named port with the wrong protocol',
    docs: [web(['http:8080']), egress('[{port: http, protocol: UDP}]')],
    code: 'PN107',
    count: 1,
  },
];

describe('policy ports', () => {
  it.each(cases)('$name', async ({ docs, code, count }) => {
    const findings = await lintYaml(docs);
    expect(findings.filter((f) => f.code === code)).toHaveLength(count);
  });

  it('tells which port to use', async () => {
    const f = (await lintYaml([web(['http:8080']), ingress('[{port: 80}]')])).find(
      (x) => x.code === 'PN106',
    )!;
    expect(f.field).toBe('spec.ingress[0].ports[0]');
    expect(f.message).toContain('Use port 8080 (or the name "http")');
  });
});
