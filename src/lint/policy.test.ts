import { describe, expect, it } from 'vitest';
import { lintYaml, ns, pod } from './fixture.test-util.js';

const base = [
  ns('prod'),
  ns('web'),
  pod('prod', 'api', { app: 'api' }, ['8080']),
  pod('web', 'ui', { app: 'ui' }),
].join('\n');

const policy = (spec: string, namespace = 'prod') => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: p
  namespace: ${namespace}
spec:
${spec}`;

const cases = [
  {
    name: 'PN101 podSelector matching no pod',
    yaml: policy(`  podSelector: {matchLabels: {app: nope}}\n  policyTypes: [Ingress]`),
    code: 'PN101',
    count: 1,
  },
  {
    name: 'PN101 not for a podSelector that matches',
    yaml: policy(`  podSelector: {matchLabels: {app: api}}\n  policyTypes: [Ingress]`),
    code: 'PN101',
    count: 0,
  },
  {
    name: 'PN102 peer podSelector matching no pod',
    yaml: policy(`  podSelector: {}\n  ingress:\n    - from: [{podSelector: {matchLabels: {app: nope}}}]`),
    code: 'PN102',
    count: 1,
  },
  {
    name: 'PN102 not for a peer that matches',
    yaml: policy(`  podSelector: {}\n  ingress:\n    - from: [{podSelector: {matchLabels: {app: api}}}]`),
    code: 'PN102',
    count: 0,
  },
  {
    name: 'PN102 not for namespaces of which the input has no pods (kube-system)',
    yaml: policy(
      `  podSelector: {}\n  egress:\n    - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]`,
    ),
    code: 'PN102',
    count: 0,
  },
  {
    name: 'PN103 namespaceSelector matching no namespace',
    yaml: policy(
      `  podSelector: {}\n  ingress:\n    - from: [{namespaceSelector: {matchLabels: {name: web}}}]`,
    ),
    code: 'PN103',
    count: 1,
  },
  {
    name: 'PN103 not for the automatic name label',
    yaml: policy(
      `  podSelector: {}\n  ingress:\n    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: web}}}]`,
    ),
    code: 'PN103',
    count: 0,
  },
  {
    name: 'PN108 egress rules ignored by policyTypes',
    yaml: policy(`  podSelector: {}\n  policyTypes: [Ingress]\n  egress:\n    - to: [{podSelector: {}}]`),
    code: 'PN108',
    count: 1,
  },
  {
    name: 'PN108 not when policyTypes lists the direction',
    yaml: policy(
      `  podSelector: {}\n  policyTypes: [Ingress, Egress]\n  egress:\n    - to: [{podSelector: {}}]`,
    ),
    code: 'PN108',
    count: 0,
  },
];

describe('NetworkPolicy selection', () => {
  it.each(cases)('$name', async ({ yaml, code, count }) => {
    const findings = await lintYaml([base, yaml]);
    expect(findings.filter((f) => f.code === code)).toHaveLength(count);
  });

  it('explains a podSelector peer that matches pods of another namespace only', async () => {
    const findings = await lintYaml([
      base,
      policy(`  podSelector: {}\n  ingress:\n    - from: [{podSelector: {matchLabels: {app: ui}}}]`),
    ]);
    const f = findings.find((x) => x.code === 'PN102')!;
    expect(f.field).toBe('spec.ingress[0].from[0].podSelector');
    expect(f.message).toContain('web/ui in other namespaces');
    expect(f).toMatchObject({ file: 'b.yaml', line: 10 });
  });

  it('PN109 only on a cluster known not to enforce NetworkPolicy (podnet up --policy off)', async () => {
    const yaml = policy(`  podSelector: {}\n  policyTypes: [Ingress]`);
    const off = await lintYaml([base, yaml], { networkPolicyEnforced: false });
    expect(off.filter((f) => f.code === 'PN109')).toEqual([
      expect.objectContaining({ object: 'NetworkPolicy/prod/p', severity: 'warning', file: 'b.yaml' }),
    ]);
    expect(off.find((f) => f.code === 'PN109')!.message).toContain('--policy off');
    for (const networkPolicyEnforced of [true, undefined])
      expect((await lintYaml([base, yaml], { networkPolicyEnforced })).map((f) => f.code)).not.toContain(
        'PN109',
      );
  });

  it('suggests kubernetes.io/metadata.name for a name label that is not set', async () => {
    const findings = await lintYaml([
      base,
      policy(`  podSelector: {}\n  ingress:\n    - from: [{namespaceSelector: {matchLabels: {name: web}}}]`),
    ]);
    expect(findings.find((x) => x.code === 'PN103')!.message).toContain('kubernetes.io/metadata.name: web');
  });
});
