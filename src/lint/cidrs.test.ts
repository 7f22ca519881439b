import { describe, expect, it } from 'vitest';
import { lintYaml, ns, pod } from './fixture.test-util.js';

const base = [ns('prod'), pod('prod', 'api', { app: 'api' }, ['8080'])].join('\n');

const egressTo = (cidr: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: prod}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to: [{ipBlock: {cidr: ${cidr}}}]
    - ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
`;

const cases = [
  {
    name: 'PN401 service CIDR overlapping the pod CIDR',
    docs: [],
    config: { serviceCIDR: '10.244.128.0/17' },
    code: 'PN401',
    count: 1,
  },
  { name: 'PN401 not for the default plan', docs: [], config: {}, code: 'PN401', count: 0 },
  {
    name: 'PN402 ipBlock of a ClusterIP',
    docs: [egressTo('10.96.0.10/32')],
    config: {},
    code: 'PN402',
    count: 1,
  },
  { name: 'PN402 not for 0.0.0.0/0', docs: [egressTo('0.0.0.0/0')], config: {}, code: 'PN402', count: 0 },
  {
    name: 'PN402 not for an external range',
    docs: [egressTo('203.0.113.0/24')],
    config: {},
    code: 'PN402',
    count: 0,
  },
  {
    name: 'PN403 ipBlock of some pod IPs',
    docs: [egressTo('10.244.1.0/24')],
    config: {},
    code: 'PN403',
    count: 1,
  },
  {
    name: 'PN403 not for a block containing the pod CIDR',
    docs: [egressTo('10.0.0.0/8')],
    config: {},
    code: 'PN403',
    count: 0,
  },
  {
    name: 'PN404 clusterIP outside the service CIDR',
    docs: [
      `
apiVersion: v1
kind: Service
metadata: {name: s, namespace: prod}
spec: {clusterIP: 192.168.0.10, selector: {app: api}, ports: [{port: 8080}]}`,
    ],
    config: {},
    code: 'PN404',
    count: 1,
  },
  {
    name: 'PN404 not inside it',
    docs: [
      `
apiVersion: v1
kind: Service
metadata: {name: s, namespace: prod}
spec: {clusterIP: 10.96.5.5, selector: {app: api}, ports: [{port: 8080}]}`,
    ],
    config: {},
    code: 'PN404',
    count: 0,
  },
];

describe('addressing', () => {
  it.each(cases)('$name', async ({ docs, config, code, count }) => {
    const findings = await lintYaml([base, ...docs], config);
    expect(findings.filter((f) => f.code === code)).toHaveLength(count);
  });

  it('points at the cidr field with its line', async () => {
    const f = (await lintYaml([base, egressTo('10.96.0.0/16')])).find((x) => x.code === 'PN402')!;
    expect(f).toMatchObject({ field: 'spec.egress[0].to[0].ipBlock.cidr', file: 'b.yaml', line: 9 });
  });
});
