import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import { columnTitle, humanDuration, toTable } from './table.js';

const S = 1000;
const durations = [
  { ms: 5 * S, want: '5s' },
  { ms: 119 * S, want: '119s' },
  { ms: 150 * S, want: '2m30s' },
  { ms: 300 * S, want: '5m' },
  { ms: 45 * 60 * S, want: '45m' },
  { ms: (4 * 3600 + 5 * 60) * S, want: '4h5m' },
  { ms: 20 * 3600 * S, want: '20h' },
  { ms: (3 * 86400 + 2 * 3600) * S, want: '3d2h' },
  { ms: 100 * 86400 * S, want: '100d' },
  { ms: (3 * 365 + 10) * 86400 * S, want: '3y10d' },
  { ms: 9 * 365 * 86400 * S, want: '9y' },
  { ms: -5 * S, want: '<invalid>' },
];
describe('humanDuration', () => {
  it.each(durations)('$want', ({ ms, want }) => expect(humanDuration(ms)).toBe(want));
});

describe('columnTitle', () => {
  it.each([
    ['NAME', 'Name'],
    ['CLUSTER-IP', 'Cluster-IP'],
    ['PORT(S)', 'Port(s)'],
    ['POD-CIDR', 'Pod-CIDR'],
  ])('%s', (h, want) => expect(columnTitle(h)).toBe(want));
});

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-1',
    namespace: 'default',
    labels: { app: 'web' },
    creationTimestamp: '2026-01-01T00:00:00Z',
  },
  spec: { nodeName: 'node-a', containers: [{ name: 'c' }] },
  status: { phase: 'Running', podIP: '10.244.0.5', conditions: [{ type: 'Ready', status: 'True' }] },
};

describe('toTable', () => {
  const now = new Date('2026-01-01T00:10:00Z');
  it('renders pods: name column, AGE, wide LABELS at priority 1, metadata object', () => {
    const t = toTable('Pod', [pod], { now, resourceVersion: '7' });
    expect(t.columnDefinitions!.map((c) => [c.name, c.priority, c.format])).toEqual([
      ['Name', 0, 'name'],
      ['Ready', 0, ''],
      ['Status', 0, ''],
      ['Restarts', 0, ''],
      ['IP', 0, ''],
      ['Node', 0, ''],
      ['Age', 0, ''],
      ['Labels', 1, ''],
    ]);
    expect(t.rows[0].cells).toEqual([
      'web-1',
      '1/1',
      'Running',
      '0',
      '10.244.0.5',
      'node-a',
      '10m',
      'app=web',
    ]);
    expect(t.rows[0].object).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: pod.metadata,
    });
    expect(t.metadata.resourceVersion).toBe('7');
  });

  const includes = [
    { name: 'None', want: undefined },
    { name: 'Object', want: pod },
  ] as const;
  it.each(includes)('includeObject=$name', ({ name, want }) =>
    expect(toTable('Pod', [pod], { now, includeObject: name }).rows[0].object).toEqual(want),
  );

  it('omits column definitions for later watch events', () => {
    expect(toTable('Pod', [pod], { now, omitColumns: true }).columnDefinitions).toBeNull();
  });
});
