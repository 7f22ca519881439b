import { describe, expect, it } from 'vitest';
import type { NetworkPolicy, NetworkPolicySpec } from '../types.js';
import { formatFieldError, validateObject, warningsForObject } from './index.js';

/** A valid policy, changed by `tweak`. */
function policy(tweak: (spec: NetworkPolicySpec) => void = () => {}): NetworkPolicy {
  const spec: NetworkPolicySpec = {
    podSelector: { matchLabels: { app: 'web' } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: 80 }] }],
  };
  tweak(spec);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'np', namespace: 'x' },
    spec,
  };
}
const messages = (o: NetworkPolicy): string[] => validateObject(o).map(formatFieldError);
const setIngress = (rule: object) => (s: NetworkPolicySpec) => void (s.ingress = [rule as never]);

describe('NetworkPolicy', () => {
  const cases: { name: string; obj: NetworkPolicy; want: string[] }[] = [
    { name: 'valid', obj: policy(), want: [] },
    {
      name: 'port out of range',
      obj: policy(setIngress({ ports: [{ port: 70000 }] })),
      want: ['spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive'],
    },
    {
      name: 'protocol unsupported',
      obj: policy(setIngress({ ports: [{ protocol: 'ICMP', port: 1 }] })),
      want: [
        'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
      ],
    },
    {
      name: 'named port must be IANA_SVC_NAME',
      obj: policy(setIngress({ ports: [{ port: 'HTTP' }] })),
      want: [
        'spec.ingress[0].ports[0].port: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'spec.ingress[0].ports[0].port: Invalid value: "HTTP": must contain at least one letter (a-z)',
      ],
    },
    { name: 'endPort range ok', obj: policy(setIngress({ ports: [{ port: 53, endPort: 80 }] })), want: [] },
    {
      name: 'endPort below port',
      obj: policy(setIngress({ ports: [{ port: 80, endPort: 53 }] })),
      want: ['spec.ingress[0].ports[0].endPort: Invalid value: 53: must be greater than or equal to `port`'],
    },
    {
      name: 'endPort with named port',
      obj: policy(setIngress({ ports: [{ port: 'dns', endPort: 80 }] })),
      want: [
        'spec.ingress[0].ports[0].endPort: Invalid value: 80: may not be specified when `port` is non-numeric',
      ],
    },
    {
      name: 'endPort without port',
      obj: policy(setIngress({ ports: [{ endPort: 80 }] })),
      want: [
        'spec.ingress[0].ports[0].endPort: Invalid value: 80: may not be specified when `port` is not specified',
      ],
    },
    {
      name: 'empty peer',
      obj: policy(setIngress({ from: [{}] })),
      want: ['spec.ingress[0].from[0]: Required value: must specify a peer'],
    },
    {
      name: 'ipBlock with a selector',
      obj: policy(setIngress({ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, namespaceSelector: {} }] })),
      want: ['spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer'],
    },
    {
      name: 'ipBlock cidr required',
      obj: policy(setIngress({ from: [{ ipBlock: { cidr: '' } }] })),
      want: ['spec.ingress[0].from[0].ipBlock.cidr: Required value'],
    },
    {
      // Accepted as a default API server does (with a warning, tested below).
      name: 'ipBlock host bits set is accepted',
      obj: policy(setIngress({ from: [{ ipBlock: { cidr: '10.0.0.1/24' } }] })),
      want: [],
    },
    {
      name: 'except inside cidr ok',
      obj: policy(
        (s) =>
          void (s.egress = [{ to: [{ ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } }] }]),
      ),
      want: [],
    },
    {
      name: 'except outside, equal, and malformed',
      obj: policy(
        (s) =>
          void (s.egress = [
            { to: [{ ipBlock: { cidr: '172.17.0.0/16', except: ['10.0.0.0/24', '172.17.0.0/16', 'x'] } }] },
          ]),
      ),
      want: [
        'spec.egress[0].to[0].ipBlock.except[0]: Invalid value: "10.0.0.0/24": must be a strict subset of `cidr`',
        'spec.egress[0].to[0].ipBlock.except[1]: Invalid value: "172.17.0.0/16": must be a strict subset of `cidr`',
        'spec.egress[0].to[0].ipBlock.except[2]: Invalid value: "x": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      ],
    },
    {
      name: 'policyTypes unsupported',
      obj: policy((s) => void (s.policyTypes = ['Ingress', 'Sideways' as never])),
      want: ['spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"'],
    },
    {
      name: 'policyTypes more than two',
      obj: policy((s) => void (s.policyTypes = ['Ingress', 'Egress', 'Ingress'])),
      want: [
        'spec.policyTypes: Invalid value: ["Ingress","Egress","Ingress"]: may not specify more than two policyTypes',
      ],
    },
    {
      name: 'selector In without values, Exists with values, unknown operator',
      obj: policy(
        (s) =>
          void (s.podSelector = {
            matchExpressions: [
              { key: 'a', operator: 'In', values: [] },
              { key: 'b', operator: 'Exists', values: ['x'] },
              { key: 'c', operator: 'Near' },
            ],
          }),
      ),
      want: [
        "spec.podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
        "spec.podSelector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        'spec.podSelector.matchExpressions[2].operator: Invalid value: "Near": not a valid selector operator',
      ],
    },
    {
      name: 'selector label value invalid',
      obj: policy(
        (s) => void (s.podSelector = { matchExpressions: [{ key: 'a', operator: 'In', values: ['-x'] }] }),
      ),
      want: [
        "spec.podSelector.matchExpressions[0].values[0]: Invalid value: \"-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ],
    },
    {
      name: 'all errors are reported, not the first',
      obj: policy(setIngress({ ports: [{ port: 0 }, { port: 65536 }], from: [{}] })),
      want: [
        'spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
        'spec.ingress[0].ports[1].port: Invalid value: 65536: must be between 1 and 65535, inclusive',
        'spec.ingress[0].from[0]: Required value: must specify a peer',
      ],
    },
  ];
  it.each(cases)('$name', ({ obj, want }) => expect(messages(obj)).toEqual(want));
});

describe('warnings', () => {
  it('warns that a CIDR with host bits is ambiguous, as GetWarningsForCIDR does', () => {
    const np = policy(
      setIngress({ from: [{ ipBlock: { cidr: '10.0.0.1/24', except: ['10.0.0.128/25'] } }] }),
    );
    expect(warningsForObject(np).map(formatFieldError)).toEqual([
      'spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.1/24": CIDR value is ambiguous in this context (should be "10.0.0.0/24" or "10.0.0.1/32"?); podnet reads it as 10.0.0.0/24',
    ]);
  });
});
