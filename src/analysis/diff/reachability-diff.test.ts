// Reachability section: which pod pairs and ports flip, grouped, capped, and matched across
// Deployment template changes.
import { describe, expect, it } from 'vitest';
import { denyIngress, deployment, diffYaml, namespace, pod, policy, yaml } from './fixture.test-util.js';
import type { DiffOptions } from './types.js';

const base = yaml(
  namespace('a'),
  namespace('b'),
  pod('a/x', { app: 'x' }),
  pod('a/y', { app: 'y' }),
  pod('b/z', { app: 'z' }, [80, 443]),
);

interface Case {
  name: string;
  old: string;
  new: string;
  opts?: DiffOptions;
  gained: number;
  lost: number;
  /** Expected listed pairs, as `src>dst:port` (checked when given). */
  pairs?: { gained?: string[]; lost?: string[] };
  groups?: { gained?: number; lost?: number };
}

const cases: Case[] = [
  { name: 'identical inputs change nothing', old: base, new: base, gained: 0, lost: 0 },
  {
    name: 'default-deny ingress in b loses every pair into b, on its declared ports',
    old: base,
    new: yaml(base, denyIngress('b')),
    gained: 0,
    // x, y, z -> z on 80 and 443
    lost: 6,
    groups: { lost: 1 },
    pairs: { lost: ['a/x>b/z:80', 'a/x>b/z:443', 'a/y>b/z:80', 'a/y>b/z:443', 'b/z>b/z:80', 'b/z>b/z:443'] },
  },
  {
    name: 'removing the deny policy gains the same pairs',
    old: yaml(base, denyIngress('b')),
    new: base,
    gained: 6,
    lost: 0,
  },
  {
    name: 'an allow rule next to a deny gains only what it names',
    old: yaml(base, denyIngress('b')),
    new: yaml(
      base,
      denyIngress('b'),
      policy(
        'b/from-x',
        `  podSelector: {}
  ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: x } } }], ports: [{ port: 443 }] }]`,
      ),
    ),
    gained: 1,
    lost: 0,
    pairs: { gained: ['a/x>b/z:443'] },
  },
  {
    name: 'explicit probes compare every destination, declared or not',
    old: base,
    new: yaml(base, denyIngress('a')),
    opts: { probes: [{ port: 443, protocol: 'TCP' }] },
    gained: 0,
    // x, y, z -> x, y on 443, although x and y do not declare 443
    lost: 6,
  },
  {
    name: 'default probes skip destinations that do not declare the port',
    old: base,
    new: yaml(base, denyIngress('a')),
    gained: 0,
    lost: 6, // x, y, z -> x, y on 80 only
  },
  {
    name: 'a new containerPort is gained access',
    old: base,
    new: base.replace('containerPort: 80 }] }]\n', 'containerPort: 80 }, { containerPort: 8080 }] }]\n'),
    gained: 3, // x, y, z -> x on 8080
    lost: 0,
  },
];

describe('diffReachability', () => {
  it.each(cases)('$name', async (c) => {
    const d = await diffYaml(c.old, c.new, c.opts);
    const r = d.reachability;
    expect({ gained: r.gainedCount, lost: r.lostCount }).toEqual({ gained: c.gained, lost: c.lost });
    expect(r.gained).toHaveLength(c.gained);
    expect(r.lost).toHaveLength(c.lost);
    const fmt = (p: { src: string; dst: string; port: number | string }) => `${p.src}>${p.dst}:${p.port}`;
    if (c.pairs?.gained) expect(r.gained.map(fmt).sort()).toEqual([...c.pairs.gained].sort());
    if (c.pairs?.lost) expect(r.lost.map(fmt).sort()).toEqual([...c.pairs.lost].sort());
    if (c.groups?.gained !== undefined) expect(r.groups.gained).toHaveLength(c.groups.gained);
    if (c.groups?.lost !== undefined) expect(r.groups.lost).toHaveLength(c.groups.lost);
    // Groups stand for exactly the counted cells.
    expect(r.groups.gained.reduce((n, g) => n + g.cells, 0)).toBe(r.gainedCount);
    expect(r.groups.lost.reduce((n, g) => n + g.cells, 0)).toBe(r.lostCount);
    expect(d.changed).toBe(c.gained + c.lost > 0);
  });

  it('matches Deployment pods across a template change that renames them', async () => {
    const old = yaml(
      namespace('a'),
      deployment('a/web', 2, { app: 'web' }),
      pod('a/client', { app: 'client' }),
    );
    const next = yaml(
      namespace('a'),
      deployment('a/web', 2, { app: 'web', tier: 'locked' }),
      pod('a/client', { app: 'client' }),
      policy('a/lock', '  podSelector: { matchLabels: { tier: locked } }\n  policyTypes: [Ingress]'),
    );
    const r = (await diffYaml(old, next)).reachability;
    expect(r.podsAdded).toEqual([]);
    expect(r.podsRemoved).toEqual([]);
    expect(r.podsRenamed).toHaveLength(2);
    // client and both web pods lose web:80
    expect(r.lostCount).toBe(6);
    expect(r.groups.lost).toHaveLength(1);
    expect(r.groups.lost[0]).toMatchObject({ srcCount: 3, dstCount: 2, srcNamespaces: ['a'] });
    expect(new Set(r.lost.map((p) => p.dst))).toEqual(new Set(r.podsRenamed.map((p) => p.new)));
  });

  it('lists added and removed pods apart from pair changes, with the new pods exposure', async () => {
    const old = yaml(base, pod('a/gone', { app: 'gone' }));
    const next = yaml(base, denyIngress('b'), pod('b/new', { app: 'new' }));
    const r = (await diffYaml(old, next)).reachability;
    expect(r.podsAdded).toEqual(['b/new']);
    expect(r.podsRemoved).toEqual(['a/gone']);
    expect(r.lostCount).toBe(6); // pairs among the pods of both versions only
    // b/new is denied ingress; it reaches a/x, a/y on 80 (b/z is denied too).
    expect(r.addedPodReach).toEqual([{ pod: 'b/new', reachableFrom: 0, reaches: 2 }]);
  });

  it('caps listed pairs at the limit and says so', async () => {
    const d = await diffYaml(base, yaml(base, denyIngress('b')), { limit: 2 });
    expect(d.reachability.lost).toHaveLength(2);
    expect(d.reachability.lostCount).toBe(6);
    expect(d.reachability.truncated).toBe(true);
    expect(d.reachability.lost[0]).toEqual({ src: 'a/x', dst: 'b/z', port: 80, protocol: 'TCP' });
  });

  it('stays grouped on a large cluster', async () => {
    const many = (ns: string, n: number) =>
      Array.from({ length: n }, (_, i) => pod(`${ns}/p${i}`, { app: `app${i % 5}` }));
    const old = yaml(namespace('a'), namespace('b'), ...many('a', 200), ...many('b', 200));
    const started = Date.now();
    const r = (await diffYaml(old, yaml(old, denyIngress('b')), { limit: 10 })).reachability;
    expect(r.lostCount).toBe(400 * 200);
    expect(r.groups.lost).toHaveLength(1);
    expect(r.groups.lost[0]).toMatchObject({ srcCount: 400, dstCount: 200, dstNamespaces: ['b'] });
    expect(r.groups.lost[0].src).toHaveLength(10);
    expect(r.lost).toHaveLength(10);
    expect(Date.now() - started).toBeLessThan(15000);
  });
});
