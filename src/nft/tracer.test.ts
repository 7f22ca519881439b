// The tracer on a hand-written table, before it is trusted with rendered ones.
import { describe, expect, it } from 'vitest';
import { traceAll, tracePacket, type TracePacket } from './tracer.js';
import { miniProxy, r } from './test-tables.test-util.js';
import type { Table } from './ir.js';

const env = { localAddresses: ['172.18.0.2'] };
const pkt = (p: Partial<TracePacket>): TracePacket => ({
  saddr: '10.244.0.9',
  daddr: '10.96.0.1',
  protocol: 'tcp',
  dport: 80,
  ...p,
});

describe('tracePacket', () => {
  it('follows jump, verdict map and goto to a DNAT, and reports the path', () => {
    const res = tracePacket(miniProxy(), 'prerouting', pkt({}), env);
    expect(res).toMatchObject({
      verdict: 'accept',
      dnat: { addr: '10.244.0.5', port: 8080 },
      hooks: ['prerouting', 'forward', 'postrouting'],
    });
    expect(res.snat).toBeUndefined();
    expect(res.steps.map((s) => `${s.hook} ${s.chain}`)).toEqual([
      'prerouting nat-prerouting',
      'prerouting services',
      'prerouting svc',
      'prerouting ep-a',
      'postrouting nat-postrouting',
    ]);
    expect(res.steps[2].comment).toBe('pick a');
  });

  it('runs several tables by priority, jumps inside each, and stops NAT at the first translation', () => {
    // A second table with a `services` chain of its own that would send 10.96.0.1 elsewhere: at
    // a later priority it is skipped (the connection is translated); at an earlier one it wins.
    const other = (priority: number): Table => ({
      family: 'ip',
      name: 'pn-test-other',
      sets: [],
      chains: [
        {
          name: 'nat-prerouting',
          base: { type: 'nat', hook: 'prerouting', priority },
          rules: [r({ verdict: { kind: 'jump', chain: 'services' } })],
        },
        {
          name: 'services',
          rules: [
            r({
              matches: [{ kind: 'cmp', left: 'ip daddr', op: '==', right: '10.96.0.1' }],
              statements: [{ kind: 'dnat', addr: '10.244.9.9', port: 80 }],
            }),
          ],
        },
      ],
    });
    expect(tracePacket([miniProxy(), other(-99)], 'prerouting', pkt({}), env).dnat?.addr).toBe('10.244.0.5');
    const first = tracePacket([miniProxy(), other(-101)], 'prerouting', pkt({}), env);
    expect(first.dnat?.addr).toBe('10.244.9.9');
    expect(first.steps.filter((s) => s.hook === 'prerouting').map((s) => s.chain)).toEqual([
      'nat-prerouting',
      'services',
    ]);
  });

  it('uses the chooser for numgen', () => {
    const res = tracePacket(miniProxy(), 'prerouting', pkt({}), { ...env, random: () => 1 });
    expect(res.dnat).toEqual({ addr: '10.244.1.5', port: 8080 });
  });

  it('carries the mark to postrouting: hairpin gets SNAT', () => {
    const res = tracePacket(miniProxy(), 'prerouting', pkt({ saddr: '10.244.0.5' }), env);
    expect(res).toMatchObject({ dnat: { addr: '10.244.0.5' }, snat: '172.18.0.2' });
  });

  it('evaluates filter chains on the translated packet after routing', () => {
    const res = tracePacket(miniProxy(), 'prerouting', pkt({ daddr: '10.96.0.2' }), env);
    expect(res).toMatchObject({
      verdict: 'reject',
      rejectWith: 'icmp port-unreachable',
      hooks: ['prerouting', 'forward'],
    });
  });

  it('delivers locally addressed packets to input, and skips NAT for established connections', () => {
    expect(tracePacket(miniProxy(), 'prerouting', pkt({ daddr: '172.18.0.2' }), env).hooks).toEqual([
      'prerouting',
      'input',
    ]);
    const res = tracePacket(miniProxy(), 'output', pkt({}), { ...env, ctState: 'established' });
    expect(res.dnat).toBeUndefined();
    expect(res.hooks).toEqual(['output', 'postrouting']);
  });

  it('a verdict map without the key does not match; the next rule runs', () => {
    const res = tracePacket(miniProxy(), 'prerouting', pkt({ dport: 81 }), env);
    expect(res).toMatchObject({ verdict: 'accept' });
    expect(res.dnat).toBeUndefined();
  });

  it('updates and reads dynamic sets (session affinity)', () => {
    const sets = new Map<string, Set<string>>();
    const first = tracePacket(miniProxy(), 'prerouting', pkt({}), {
      ...env,
      random: () => 1,
      dynamicSets: sets,
    });
    expect(first.dnat?.addr).toBe('10.244.1.5');
    expect([...sets.get('sticky')!]).toEqual(['10.244.0.9']);
    const again = tracePacket(miniProxy(), 'prerouting', pkt({}), {
      ...env,
      random: () => 0,
      dynamicSets: sets,
    });
    expect(again.dnat?.addr).toBe('10.244.1.5');
  });

  it('applies the base chain policy and refuses deep jump loops', () => {
    const t: Table = {
      family: 'ip',
      name: 't',
      chains: [
        { name: 'in', base: { type: 'filter', hook: 'input', priority: 0, policy: 'drop' }, rules: [] },
        {
          name: 'out',
          base: { type: 'filter', hook: 'output', priority: 0 },
          rules: [r({ verdict: { kind: 'jump', chain: 'loop' } })],
        },
        { name: 'loop', rules: [r({ verdict: { kind: 'jump', chain: 'loop' } })] },
      ],
      sets: [],
    };
    expect(tracePacket(t, 'prerouting', pkt({ daddr: '127.0.0.1' }), env).verdict).toBe('drop');
    expect(() => tracePacket(t, 'output', pkt({}), env)).toThrow(/jump stack/);
  });
});

describe('traceAll', () => {
  it('enumerates every numgen outcome', () => {
    const all = traceAll(miniProxy(), 'prerouting', pkt({}), env);
    expect(all.map((x) => x.dnat?.addr).sort()).toEqual(['10.244.0.5', '10.244.1.5']);
  });

  it('enumerates nested draws', () => {
    const t = miniProxy();
    const svc = t.chains.find((c) => c.name === 'svc')!;
    // three-way choice the way the proxy renders it: mod 3, then mod 2, then the rest
    svc.rules = [
      r({
        matches: [{ kind: 'cmp', left: { numgen: 'random', mod: 3 }, op: '==', right: 0 }],
        verdict: { kind: 'goto', chain: 'ep-a' },
      }),
      r({
        matches: [{ kind: 'cmp', left: { numgen: 'random', mod: 2 }, op: '==', right: 0 }],
        verdict: { kind: 'goto', chain: 'ep-b' },
      }),
      r({ verdict: { kind: 'goto', chain: 'reject' } }),
    ];
    const odds = new Map<string, number>();
    for (const x of traceAll(t, 'prerouting', pkt({}), env)) {
      const k = x.dnat?.addr ?? x.verdict;
      odds.set(k, (odds.get(k) ?? 0) + x.probability);
    }
    // each of the three outcomes with probability 1/3, over five paths
    expect([...odds.keys()].sort()).toEqual(['10.244.0.5', '10.244.1.5', 'reject']);
    for (const p of odds.values()) expect(p).toBeCloseTo(1 / 3);
  });

  it('does not leak dynamic set updates between paths', () => {
    const sets = new Map<string, Set<string>>();
    traceAll(miniProxy(), 'prerouting', pkt({}), { ...env, dynamicSets: sets });
    expect(sets.size).toBe(0);
  });
});
