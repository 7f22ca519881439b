import { describe, expect, it } from 'vitest';
import { lintYaml, ns, pod } from './fixture.test-util.js';

const svc = (name: string, spec: string, namespace = 'prod') => `
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${namespace}}
spec:
${spec}
---`;

const base = [
  ns('prod'),
  pod('prod', 'web-1', { app: 'web' }, ['http:8080'], 'nodeName: node-1'),
  pod('prod', 'web-2', { app: 'web' }, ['http:8080'], 'nodeName: node-2'),
  pod('prod', 'half-1', { app: 'half' }, ['http:8080'], 'nodeName: node-1'),
  pod('prod', 'half-2', { app: 'half' }, ['8080'], 'nodeName: node-1'),
  pod('prod', 'bare', { app: 'bare' }, [], 'nodeName: node-1'),
].join('\n');

const cases = [
  {
    name: 'PN201 selector matching no pod',
    doc: svc('s', '  selector: {app: nope}\n  ports: [{port: 80}]'),
    code: 'PN201',
    count: 1,
  },
  {
    name: 'PN201 not when pods match',
    doc: svc('s', '  selector: {app: web}\n  ports: [{port: 8080}]'),
    code: 'PN201',
    count: 0,
  },
  {
    name: 'PN202 named targetPort no selected pod declares',
    doc: svc('s', '  selector: {app: web}\n  ports: [{port: 80, targetPort: https}]'),
    code: 'PN202',
    count: 1,
  },
  {
    name: 'PN202 not for a declared name',
    doc: svc('s', '  selector: {app: web}\n  ports: [{port: 80, targetPort: http}]'),
    code: 'PN202',
    count: 0,
  },
  {
    name: 'PN202 for a name declared with another protocol only',
    doc: svc('s', '  selector: {app: web}\n  ports: [{port: 80, targetPort: http, protocol: UDP}]'),
    code: 'PN202',
    count: 1,
  },
  {
    name: 'PN203 named targetPort declared by some pods only',
    doc: svc('s', '  selector: {app: half}\n  ports: [{port: 80, targetPort: http}]'),
    code: 'PN203',
    count: 1,
  },
  {
    name: 'PN204 numeric targetPort the pods do not declare',
    doc: svc('s', '  selector: {app: web}\n  ports: [{port: 80}]'),
    code: 'PN204',
    count: 1,
  },
  {
    name: 'PN204 not when the pods declare no ports at all',
    doc: svc('s', '  selector: {app: bare}\n  ports: [{port: 80}]'),
    code: 'PN204',
    count: 0,
  },
  {
    name: 'PN204 not for a declared number',
    doc: svc('s', '  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]'),
    code: 'PN204',
    count: 0,
  },
  {
    name: 'PN205 headless Service with ports, no selector, no EndpointSlice',
    doc: svc('db', '  clusterIP: None\n  ports: [{port: 5432}]'),
    code: 'PN205',
    count: 1,
  },
  {
    name: 'PN205 not with an EndpointSlice',
    doc: `${svc('db', '  clusterIP: None\n  ports: [{port: 5432}]')}
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: db-1, namespace: prod, labels: {kubernetes.io/service-name: db}}
addressType: IPv4
ports: [{port: 5432}]
endpoints: [{addresses: [192.0.2.10]}]`,
    code: 'PN205',
    count: 0,
  },
  {
    name: 'PN205 not for a selector-less ClusterIP Service (endpoints managed elsewhere)',
    doc: svc('db', '  ports: [{port: 5432}]'),
    code: 'PN205',
    count: 0,
  },
  {
    name: 'PN206 ExternalName that is an IP',
    doc: svc('ext', '  type: ExternalName\n  externalName: 192.0.2.10'),
    code: 'PN206',
    count: 1,
  },
  {
    name: 'PN206 not for a DNS name',
    doc: svc('ext', '  type: ExternalName\n  externalName: db.example.com'),
    code: 'PN206',
    count: 0,
  },
  {
    name: 'PN207 externalTrafficPolicy Local with a node without endpoint',
    doc: svc(
      'np',
      '  type: NodePort\n  externalTrafficPolicy: Local\n  selector: {app: half}\n  ports: [{port: 80, targetPort: 8080}]',
    ),
    code: 'PN207',
    count: 1,
  },
  {
    name: 'PN207 not when every node has an endpoint',
    doc: svc(
      'np',
      '  type: NodePort\n  externalTrafficPolicy: Local\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]',
    ),
    code: 'PN207',
    count: 0,
  },
  {
    name: 'PN207 not with externalTrafficPolicy Cluster',
    doc: svc('np', '  type: NodePort\n  selector: {app: half}\n  ports: [{port: 80, targetPort: 8080}]'),
    code: 'PN207',
    count: 0,
  },
  {
    name: 'PN208 nodePort outside the range',
    doc: svc(
      'np',
      '  type: NodePort\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080, nodePort: 8080}]',
    ),
    code: 'PN208',
    count: 1,
  },
  {
    name: 'PN208 not inside the range',
    doc: svc(
      'np',
      '  type: NodePort\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080, nodePort: 30080}]',
    ),
    code: 'PN208',
    count: 0,
  },
  {
    name: 'PN209 nodePort used by two Services',
    doc: [
      svc(
        'a',
        '  type: NodePort\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080, nodePort: 30080}]',
      ),
      svc(
        'b',
        '  type: NodePort\n  selector: {app: web}\n  ports: [{port: 81, targetPort: 8080, nodePort: 30080, protocol: UDP}]',
      ),
    ].join('\n'),
    code: 'PN209',
    count: 1,
  },
  {
    name: 'PN209 not for TCP and UDP on the same port of one Service',
    doc: svc(
      'a',
      '  type: NodePort\n  selector: {app: web}\n  ports: [{name: t, port: 80, targetPort: 8080, nodePort: 30080}, {name: u, port: 80, targetPort: 8080, nodePort: 30080, protocol: UDP}]',
    ),
    code: 'PN209',
    count: 0,
  },
];

describe('Services', () => {
  it.each(cases)('$name', async ({ doc, code, count }) => {
    const findings = await lintYaml([base, doc]);
    expect(findings.filter((f) => f.code === code)).toHaveLength(count);
  });

  it('names the nodes a Local Service drops traffic on', async () => {
    const doc = svc(
      'np',
      '  type: NodePort\n  externalTrafficPolicy: Local\n  selector: {app: half}\n  ports: [{port: 80, targetPort: 8080}]',
    );
    const f = (await lintYaml([base, doc])).find((x) => x.code === 'PN207')!;
    expect(f.message).toContain('node node-2 has no ready endpoint');
  });
});
