// NetworkPolicy semantics, one row per rule of the API (kubernetes/api networking/v1/types.go
// comments) and the traps listed in shared/anchors/systems.md §5.3.
import { describe, expect, it } from 'vitest';
import { namespace, pod, policy, clusterOf } from '../../test/support/builders.js';
import type { KubeObject, NetworkPolicySpec } from '../api/types.js';
import { namespaceLabelIndex, podEndpoint, addressEndpoint } from './endpoint.js';
import { evaluateTraffic, networkPolicyTier } from './evaluate.js';
import { buildPolicyModels } from './model.js';

const base: KubeObject[] = [
  namespace('x', { team: 'a' }),
  namespace('y', { team: 'b' }),
  pod('x/a', '10.244.0.2', { app: 'a' }),
  pod('x/b', '10.244.0.3', { app: 'b' }),
  pod('y/a', '10.244.1.2', { app: 'a' }),
  pod('y/db', '10.244.1.3', { app: 'db' }, [
    { containerPort: 5432, name: 'pg' },
    { containerPort: 53, protocol: 'UDP', name: 'dns' },
  ]),
];

interface Case {
  name: string;
  policies: [string, NetworkPolicySpec][];
  src: string;
  dst: string;
  port?: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  want: boolean;
  /** Expected substring of the verdict's reason. */
  why?: string;
}

const cases: Case[] = [
  {
    name: 'no policies: everything allowed',
    policies: [],
    src: 'x/a',
    dst: 'y/db',
    port: 5432,
    want: true,
    why: 'allowed',
  },
  {
    name: 'default deny ingress isolates every pod of the namespace',
    policies: [['x/deny', { podSelector: {}, policyTypes: ['Ingress'] }]],
    src: 'y/a',
    dst: 'x/b',
    want: false,
    why: 'isolated for ingress by x/deny',
  },
  {
    name: 'default deny ingress does not touch egress',
    policies: [['x/deny', { podSelector: {}, policyTypes: ['Ingress'] }]],
    src: 'x/a',
    dst: 'y/a',
    want: true,
  },
  {
    name: 'policyTypes defaults to Ingress only without egress rules',
    policies: [['x/p', { podSelector: {} }]],
    src: 'x/a',
    dst: 'y/a',
    want: true,
  },
  {
    name: 'policyTypes defaults to Egress too when egress rules exist',
    policies: [
      ['x/p', { podSelector: {}, egress: [{ to: [{ podSelector: { matchLabels: { app: 'b' } } }] }] }],
    ],
    src: 'x/a',
    dst: 'y/a',
    want: false,
    why: 'egress',
  },
  {
    name: 'podSelector peer selects only the policy namespace',
    policies: [
      [
        'x/p',
        {
          podSelector: { matchLabels: { app: 'b' } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }] }],
        },
      ],
    ],
    src: 'y/a',
    dst: 'x/b',
    want: false,
    why: 'not in namespace x',
  },
  {
    name: 'podSelector peer allows same-namespace pod',
    policies: [
      [
        'x/p',
        {
          podSelector: { matchLabels: { app: 'b' } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }] }],
        },
      ],
    ],
    src: 'x/a',
    dst: 'x/b',
    want: true,
  },
  {
    name: 'namespaceSelector peer allows every pod of matching namespaces',
    policies: [
      [
        'x/p',
        { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'b' } } }] }] },
      ],
    ],
    src: 'y/db',
    dst: 'x/b',
    want: true,
  },
  {
    name: 'both selectors in one peer are ANDed',
    policies: [
      [
        'x/p',
        {
          podSelector: {},
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchLabels: { team: 'b' } },
                  podSelector: { matchLabels: { app: 'db' } },
                },
              ],
            },
          ],
        },
      ],
    ],
    src: 'y/a',
    dst: 'x/b',
    want: false,
  },
  {
    name: 'two peers are ORed',
    policies: [
      [
        'x/p',
        {
          podSelector: {},
          ingress: [
            {
              from: [
                { namespaceSelector: { matchLabels: { team: 'b' } } },
                { podSelector: { matchLabels: { app: 'db' } } },
              ],
            },
          ],
        },
      ],
    ],
    src: 'y/a',
    dst: 'x/b',
    want: true,
  },
  {
    name: 'empty from allows every source',
    policies: [['x/p', { podSelector: {}, ingress: [{ from: [] }] }]],
    src: 'y/a',
    dst: 'x/b',
    want: true,
  },
  {
    name: 'ports restrict the allowed port',
    policies: [
      ['y/p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports: [{ port: 5432 }] }] }],
    ],
    src: 'x/a',
    dst: 'y/db',
    port: 80,
    want: false,
    why: 'port 80/TCP is not among 5432/TCP',
  },
  {
    name: 'protocol defaults to TCP',
    policies: [
      ['y/p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports: [{ port: 53 }] }] }],
    ],
    src: 'x/a',
    dst: 'y/db',
    port: 53,
    protocol: 'UDP',
    want: false,
  },
  {
    name: 'named port resolves on the destination pod',
    policies: [['y/p', { podSelector: {}, ingress: [{ ports: [{ port: 'pg' }] }] }]],
    src: 'x/a',
    dst: 'y/db',
    port: 5432,
    want: true,
  },
  {
    name: 'named port with the wrong protocol does not match',
    policies: [['y/p', { podSelector: {}, ingress: [{ ports: [{ port: 'dns', protocol: 'TCP' }] }] }]],
    src: 'x/a',
    dst: 'y/db',
    port: 53,
    want: false,
  },
  {
    name: 'endPort makes a range',
    policies: [['y/p', { podSelector: {}, ingress: [{ ports: [{ port: 5000, endPort: 6000 }] }] }]],
    src: 'x/a',
    dst: 'y/db',
    port: 5432,
    want: true,
  },
  {
    name: 'endPort range upper bound is inclusive',
    policies: [['y/p', { podSelector: {}, ingress: [{ ports: [{ port: 5000, endPort: 5432 }] }] }]],
    src: 'x/a',
    dst: 'y/db',
    port: 5433,
    want: false,
  },
  {
    name: 'ports with only a protocol allow every port of it',
    policies: [['y/p', { podSelector: {}, ingress: [{ ports: [{ protocol: 'UDP' }] }] }]],
    src: 'x/a',
    dst: 'y/db',
    port: 53,
    protocol: 'UDP',
    want: true,
  },
  {
    name: 'ipBlock matches pod addresses',
    policies: [['x/p', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.244.1.0/24' } }] }] }]],
    src: 'y/a',
    dst: 'x/b',
    want: true,
  },
  {
    name: 'ipBlock except carves out',
    policies: [
      [
        'x/p',
        {
          podSelector: {},
          ingress: [{ from: [{ ipBlock: { cidr: '10.244.1.0/24', except: ['10.244.1.2/32'] } }] }],
        },
      ],
    ],
    src: 'y/a',
    dst: 'x/b',
    want: false,
    why: 'excepted by 10.244.1.2/32',
  },
  {
    name: 'egress of the source and ingress of the destination are both needed',
    policies: [
      ['x/out', { podSelector: {}, egress: [{}] }],
      ['y/in', { podSelector: {}, policyTypes: ['Ingress'] }],
    ],
    src: 'x/a',
    dst: 'y/a',
    want: false,
    why: 'y/in',
  },
  {
    name: 'union of all selecting policies',
    policies: [
      ['x/deny', { podSelector: {}, policyTypes: ['Ingress'] }],
      ['x/allow', { podSelector: { matchLabels: { app: 'b' } }, ingress: [{ from: [{ podSelector: {} }] }] }],
    ],
    src: 'x/a',
    dst: 'x/b',
    want: true,
    why: 'x/allow',
  },
  {
    name: 'egress rules ignored when policyTypes omits Egress',
    policies: [
      [
        'x/p',
        {
          podSelector: {},
          policyTypes: ['Ingress'],
          ingress: [{}],
          egress: [{ to: [], ports: [{ port: 1 }] }],
        },
      ],
    ],
    src: 'x/a',
    dst: 'y/a',
    want: true,
  },
  {
    name: 'egress named port resolved on the destination',
    policies: [['x/p', { podSelector: {}, egress: [{ ports: [{ port: 'pg' }] }] }]],
    src: 'x/a',
    dst: 'y/db',
    port: 5432,
    want: true,
  },
  {
    name: 'matchExpressions NotIn on namespaces',
    policies: [
      [
        'x/p',
        {
          podSelector: {},
          ingress: [
            {
              from: [
                {
                  namespaceSelector: {
                    matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['a'] }],
                  },
                },
              ],
            },
          ],
        },
      ],
    ],
    src: 'y/a',
    dst: 'x/a',
    want: true,
  },
];

describe('NetworkPolicy evaluation', () => {
  it.each(cases)('$name', async ({ policies, src, dst, port, protocol, want, why }) => {
    const cluster = await clusterOf([...base, ...policies.map(([ref, spec]) => policy(ref, spec))]);
    const ns = namespaceLabelIndex(cluster);
    const find = (ref: string) =>
      podEndpoint(
        cluster.pods.find((p) => `${p.metadata.namespace}/${p.metadata.name}` === ref)!,
        ns,
      )!;
    const tiers = [networkPolicyTier(buildPolicyModels(cluster.networkPolicies))];
    const v = evaluateTraffic(tiers, {
      src: find(src),
      dst: find(dst),
      port: port ?? 80,
      protocol: protocol ?? 'TCP',
    });
    expect(v.allowed).toBe(want);
    if (why) expect(JSON.stringify(v)).toContain(why);
  });

  it('names the rule, peer and port that allowed a connection', async () => {
    const cluster = await clusterOf([
      ...base,
      policy('y/p', {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { app: 'x' } } }, { namespaceSelector: {} }],
            ports: [{ port: 80 }, { port: 5432 }],
          },
        ],
      }),
    ]);
    const ns = namespaceLabelIndex(cluster);
    const ep = (ref: string) =>
      podEndpoint(
        cluster.pods.find((p) => `${p.metadata.namespace}/${p.metadata.name}` === ref)!,
        ns,
      )!;
    const v = evaluateTraffic([networkPolicyTier(buildPolicyModels(cluster.networkPolicies))], {
      src: ep('x/a'),
      dst: ep('y/db'),
      port: 5432,
      protocol: 'TCP',
    });
    expect(v.ingress.allowedBy).toEqual([
      {
        policy: 'y/p',
        rule: 'spec.ingress[0]',
        peer: 'spec.ingress[0].from[1]',
        port: 'spec.ingress[0].ports[1]',
      },
    ]);
  });

  it('does not apply pod selectors to addresses outside the cluster', async () => {
    const cluster = await clusterOf([
      ...base,
      policy('x/p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] }),
    ]);
    const ns = namespaceLabelIndex(cluster);
    const dst = podEndpoint(
      cluster.pods.find((p) => p.metadata.name === 'a' && p.metadata.namespace === 'x')!,
      ns,
    )!;
    const v = evaluateTraffic([networkPolicyTier(buildPolicyModels(cluster.networkPolicies))], {
      src: addressEndpoint('203.0.113.5'),
      dst,
      port: 80,
      protocol: 'TCP',
    });
    expect(v.allowed).toBe(false);
    expect(v.ingress.misses[0].reason).toContain('not a pod');
  });
});
