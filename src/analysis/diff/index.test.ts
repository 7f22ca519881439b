// diffClusters as a whole: `changed`, the summary, and --fail-on.
import { describe, expect, it } from 'vitest';
import { denyIngress, diffYaml, namespace, pod, service, yaml } from './fixture.test-util.js';
import { diffFails, unionProbes } from './index.js';
import type { FailOn } from './types.js';

const base = yaml(
  namespace('a'),
  pod('a/x', { app: 'x' }),
  pod('a/y', { app: 'y' }),
  service('a/s', { app: 'x' }),
);

const cases: { name: string; new: string; changed: boolean; fails: Record<FailOn, boolean> }[] = [
  {
    name: 'nothing changed',
    new: base,
    changed: false,
    fails: { any: false, 'new-allow': false, none: false },
  },
  {
    name: 'access only removed',
    new: yaml(base, denyIngress('a')),
    changed: true,
    fails: { any: true, 'new-allow': false, none: false },
  },
  {
    name: 'access gained (a new port)',
    new: base.replace('containerPort: 80 }', 'containerPort: 80 }, { containerPort: 81 }'),
    changed: true,
    fails: { any: true, 'new-allow': true, none: false },
  },
  {
    name: 'only a Service changed',
    new: yaml(base, service('a/t', { app: 'y' })),
    changed: true,
    fails: { any: true, 'new-allow': false, none: false },
  },
  {
    name: 'only a pod added (its exposure is not a gained pair)',
    new: yaml(base, pod('a/z', { app: 'z' })),
    changed: true,
    fails: { any: true, 'new-allow': false, none: false },
  },
];

describe('diffClusters and --fail-on', () => {
  it.each(cases)('$name', async (c) => {
    const d = await diffYaml(base, c.new);
    expect(d.changed).toBe(c.changed);
    for (const mode of ['any', 'new-allow', 'none'] as const)
      expect([mode, diffFails(d, mode)]).toEqual([mode, c.fails[mode]]);
  });

  it('summarises every section', async () => {
    const next = yaml(
      namespace('a'),
      pod('a/x', { app: 'x' }),
      pod('a/y', { app: 'y' }),
      service('a/s', { app: 'y' }),
    );
    const d = await diffYaml(base, yaml(next, denyIngress('a')));
    expect(d.summary).toMatchObject({ gained: 0, endpointChanges: 2, dnsAdded: 0, routes: 0 });
    expect(d.summary.lost).toBe(d.reachability.lostCount);
  });

  it('unions probes by protocol, numbers before names', () => {
    expect(
      unionProbes(
        [
          { port: 8080, protocol: 'TCP' },
          { port: 'dns', protocol: 'UDP' },
        ],
        [
          { port: 80, protocol: 'TCP' },
          { port: 53, protocol: 'UDP' },
          { port: 8080, protocol: 'TCP' },
        ],
      ),
    ).toEqual([
      { port: 80, protocol: 'TCP' },
      { port: 8080, protocol: 'TCP' },
      { port: 53, protocol: 'UDP' },
      { port: 'dns', protocol: 'UDP' },
    ]);
  });
});
