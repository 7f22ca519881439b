import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintYaml, ns } from './fixture.test-util.js';

/** Self-signed for foo.bar.com and *.foo.com (src/ingress/testdata/tls/README.md). */
const CERT = readFileSync(
  join(import.meta.dirname, '..', 'ingress', 'testdata', 'tls', 'foo-bar-com.crt'),
  'utf8',
);

const secret = (name: string, data: Record<string, string>, type = 'kubernetes.io/tls') =>
  `\n${JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'web' }, type, stringData: data })}\n---`;

const base = [
  ns('web'),
  `
apiVersion: v1
kind: Service
metadata: {name: app, namespace: web}
spec:
  ports: [{port: 80}]
---`,
  secret('foo-tls', { 'tls.crt': CERT, 'tls.key': 'unused' }),
  // The API server rejects a kubernetes.io/tls Secret without tls.crt; an Opaque one gets through.
  secret('no-crt', { 'tls.key': 'unused' }, 'Opaque'),
  secret('garbage', { 'tls.crt': 'not a certificate', 'tls.key': 'unused' }),
].join('\n');

const ingress = (secretName: string, hosts: string[], annotations = '{}') => `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i, namespace: web, annotations: ${annotations}}
spec:
  ingressClassName: nginx
  tls: [{secretName: ${secretName}, hosts: ${JSON.stringify(hosts)}}]
  defaultBackend: {service: {name: app, port: {number: 80}}}
`;

const gateway = (secretName: string, hostname: string) => `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: web}
spec:
  gatewayClassName: any
  listeners:
    - name: https
      port: 443
      protocol: HTTPS
      hostname: ${JSON.stringify(hostname)}
      tls: {mode: Terminate, certificateRefs: [{name: ${secretName}}]}
`;

const cases = [
  { name: 'PN310 TLS Secret missing', doc: ingress('nope', ['foo.bar.com']), code: 'PN310', count: 1 },
  {
    name: 'PN310 not when cert-manager creates the Secret',
    doc: ingress('nope', ['foo.bar.com'], '{cert-manager.io/cluster-issuer: letsencrypt}'),
    code: 'PN310',
    count: 0,
  },
  {
    name: 'PN310 not for an existing Secret',
    doc: ingress('foo-tls', ['foo.bar.com']),
    code: 'PN310',
    count: 0,
  },
  { name: 'PN311 Secret without tls.crt', doc: ingress('no-crt', ['foo.bar.com']), code: 'PN311', count: 1 },
  {
    name: 'PN311 tls.crt that is not PEM',
    doc: ingress('garbage', ['foo.bar.com']),
    code: 'PN311',
    count: 1,
  },
  {
    name: 'PN312 certificate not covering the host',
    doc: ingress('foo-tls', ['www.example.com', 'foo.bar.com']),
    code: 'PN312',
    count: 1,
  },
  {
    name: 'PN312 not for hosts the certificate covers',
    doc: ingress('foo-tls', ['foo.bar.com', 'x.foo.com']),
    code: 'PN312',
    count: 0,
  },
  {
    name: 'PN312 not for a wildcard host the certificate covers',
    doc: ingress('foo-tls', ['*.foo.com']),
    code: 'PN312',
    count: 0,
  },
  {
    name: 'PN312 wildcard host wider than the certificate',
    doc: ingress('foo-tls', ['*.bar.com']),
    code: 'PN312',
    count: 1,
  },
  {
    name: 'PN312 Gateway listener hostname not covered',
    doc: gateway('foo-tls', 'shop.example.com'),
    code: 'PN312',
    count: 1,
  },
  {
    name: 'PN310 Gateway certificateRef missing',
    doc: gateway('nope', 'foo.bar.com'),
    code: 'PN310',
    count: 1,
  },
  {
    name: 'PN312 not for a covered listener hostname',
    doc: gateway('foo-tls', 'foo.bar.com'),
    code: 'PN312',
    count: 0,
  },
];

describe('TLS', () => {
  it.each(cases)('$name', async ({ doc, code, count }) => {
    const findings = await lintYaml([base, doc]);
    expect(findings.filter((f) => f.code === code)).toHaveLength(count);
  });

  it('points at the host that is not covered', async () => {
    const f = (await lintYaml([base, ingress('foo-tls', ['foo.bar.com', 'www.example.com'])])).find(
      (x) => x.code === 'PN312',
    )!;
    expect(f.field).toBe('spec.tls[0].hosts[1]');
    expect(f.message).toContain('does not cover www.example.com');
  });
});
