import { describe, expect, it } from 'vitest';
import { lintYaml, ns, pod } from './fixture.test-util.js';

const base = [ns('prod'), pod('prod', 'api', { app: 'api' }, ['8080'])].join('\n');

const policy = (name: string, spec: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: prod
spec:
${spec}`;

const denyAll = policy('deny-egress', `  podSelector: {}\n  policyTypes: [Egress]`);
const toDns = `[{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]`;
const allowDns = (ports: string) =>
  policy(
    'allow-dns',
    `  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n    - to: ${toDns}\n      ports: ${ports}`,
  );

/** CoreDNS listening on 5353 behind the kube-dns Service's port 53 (as some distributions run it). */
const dnsOn5353 = `
${pod('kube-system', 'coredns-1', { 'k8s-app': 'kube-dns' }, ['dns:5353/UDP', 'dns-tcp:5353/TCP'])}
apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system}
spec:
  selector: {k8s-app: kube-dns}
  ports:
    - {name: dns, port: 53, protocol: UDP, targetPort: dns}
    - {name: dns-tcp, port: 53, protocol: TCP, targetPort: dns-tcp}
`;

const cases = [
  { name: 'PN104 default-deny egress', docs: [denyAll], code: 'PN104', count: 1 },
  {
    name: 'PN104 not when another policy allows DNS over UDP and TCP',
    docs: [denyAll, allowDns('[{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]')],
    code: 'PN104',
    count: 0,
  },
  {
    name: 'PN104 not when an egress rule allows everything',
    docs: [policy('all', `  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{}]`)],
    code: 'PN104',
    count: 0,
  },
  {
    name: 'PN104 not for pods isolated for ingress only',
    docs: [policy('ingress', `  podSelector: {}\n  policyTypes: [Ingress]`)],
    code: 'PN104',
    count: 0,
  },
  {
    name: 'PN104 once for a deny-all plus an unrelated allow policy selecting the same pods',
    docs: [
      denyAll,
      policy('to-db', `  podSelector: {}\n  egress:\n    - to: [{podSelector: {matchLabels: {app: db}}}]`),
    ],
    code: 'PN104',
    count: 1,
  },
  {
    name: 'PN105 only UDP allowed',
    docs: [denyAll, allowDns('[{protocol: UDP, port: 53}]')],
    code: 'PN105',
    count: 1,
  },
  {
    name: 'PN105 not when TCP is allowed too',
    docs: [denyAll, allowDns('[{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]')],
    code: 'PN105',
    count: 0,
  },
  {
    name: 'PN104 port 53 allowed but the DNS pods listen on 5353 (after DNAT)',
    docs: [dnsOn5353, denyAll, allowDns('[{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]')],
    code: 'PN104',
    count: 1,
  },
  {
    name: 'PN104 not when the DNS pods port (by name) is allowed',
    docs: [dnsOn5353, denyAll, allowDns('[{protocol: UDP, port: dns}, {protocol: TCP, port: dns-tcp}]')],
    code: 'PN104',
    count: 0,
  },
];

describe('DNS egress', () => {
  it.each(cases)('$name', async ({ docs, code, count }) => {
    const findings = await lintYaml([base, ...docs]);
    expect(findings.filter((f) => f.code === code)).toHaveLength(count);
  });

  it('names the port after DNAT', async () => {
    const findings = await lintYaml([base, dnsOn5353, denyAll, allowDns('[{protocol: UDP, port: 53}]')]);
    const f = findings.find((x) => x.code === 'PN104')!;
    expect(f.message).toContain('UDP port 5353');
    expect(f.message).toContain('forwards port 53 to port 5353');
  });

  it('says that allowing the kube-dns ClusterIP does not help', async () => {
    const svc = `
apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system}
spec:
  selector: {k8s-app: kube-dns}
  ports: [{name: dns, port: 53, protocol: UDP}]
`;
    const byIP = policy(
      'dns-by-ip',
      `  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n    - to: [{ipBlock: {cidr: 10.96.0.10/32}}]\n      ports: [{protocol: UDP, port: 53}]`,
    );
    const findings = await lintYaml([base, svc, byIP]);
    const f = findings.find((x) => x.code === 'PN104')!;
    expect(f.object).toBe('NetworkPolicy/prod/dns-by-ip');
    expect(f.message).toContain('ClusterIP 10.96.0.10 does not help');
  });
});
