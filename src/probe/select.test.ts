import { describe, expect, it } from 'vitest';
import { emptyCluster } from '../api/cluster.js';
import type { Pod, Protocol } from '../api/types.js';
import { pod } from '../../test/support/builders.js';
import { probeSpecs, selectProbePods } from './select.js';

const tweak = (p: Pod, f: (p: Pod) => void): Pod => {
  f(p);
  return p;
};

describe('selectProbePods', () => {
  const pods = [
    pod('b/web', '10.244.0.3', { app: 'web' }),
    pod('a/web', '10.244.0.2', { app: 'web', tier: 'front' }),
    pod('a/db', '10.244.1.2', { app: 'db' }),
    tweak(pod('a/pending', '10.244.1.3'), (p) => (p.status!.phase = 'Pending')),
    tweak(pod('a/no-ip', ''), (p) => delete p.status!.podIP),
    tweak(pod('a/leaving', '10.244.1.4'), (p) => (p.metadata.deletionTimestamp = '2026-01-01T00:00:00Z')),
    tweak(pod('a/host', '172.18.0.2'), (p) => (p.spec!.hostNetwork = true)),
  ];
  const cluster = { ...emptyCluster(), pods };
  const names = (ps: Pod[]) => ps.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);

  it.each([
    { name: 'every namespace, in ns/name order', sel: { selector: [] }, want: ['a/db', 'a/web', 'b/web'] },
    { name: 'one namespace', sel: { namespace: 'b', selector: [] }, want: ['b/web'] },
    {
      name: 'label requirements all hold',
      sel: {
        selector: [
          { key: 'app', operator: 'In' as const, values: ['web'] },
          { key: 'tier', operator: 'DoesNotExist' as const },
        ],
      },
      want: ['b/web'],
    },
  ])('$name', ({ sel, want }) => {
    expect(names(selectProbePods(cluster, sel))).toEqual(want);
  });
});

describe('probeSpecs mirrors matrix', () => {
  const pods = [
    pod('a/x', '10.244.0.2', {}, [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }]),
    pod('a/y', '10.244.0.3', {}, [{ containerPort: 81 }, { containerPort: 9, protocol: 'SCTP' }]),
  ];
  const bare = [pod('a/z', '10.244.0.4', {}, [])];
  it.each([
    {
      name: 'given ports, TCP by default',
      pods,
      ports: [80, 'http'],
      protocols: [] as Protocol[],
      want: ['TCP/80', 'TCP/http'],
    },
    {
      name: 'given ports times given protocols',
      pods,
      ports: [80, 81],
      protocols: ['TCP', 'UDP'] as Protocol[],
      want: ['TCP/80', 'TCP/81', 'UDP/80', 'UDP/81'],
    },
    {
      name: 'no port: every declared port and protocol',
      pods,
      ports: [],
      protocols: [] as Protocol[],
      want: ['SCTP/9', 'TCP/80', 'TCP/81', 'UDP/53'],
    },
    { name: 'no port, narrowed', pods, ports: [], protocols: ['UDP'] as Protocol[], want: ['UDP/53'] },
    {
      name: 'nothing declared: TCP/80',
      pods: bare,
      ports: [],
      protocols: [] as Protocol[],
      want: ['TCP/80'],
    },
    {
      name: 'nothing declared in the protocol: port 80 of it',
      pods: bare,
      ports: [],
      protocols: ['UDP'] as Protocol[],
      want: ['UDP/80'],
    },
  ])('$name', ({ pods: ps, ports, protocols, want }) => {
    expect(probeSpecs(ps, ports, protocols).map((p) => `${p.protocol}/${p.port}`)).toEqual(want);
  });
});
