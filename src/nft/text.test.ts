import { describe, expect, it } from 'vitest';
import type { Rule } from './ir.js';
import { fullLoad, splitTransaction } from './ops.js';
import { formatRule, formatTransaction } from './text.js';
import { miniProxy, r } from './test-tables.test-util.js';

describe('formatRule', () => {
  const cases: { name: string; rule: Rule; want: string }[] = [
    {
      name: 'implicit equality on fields, explicit on computed values',
      rule: r({
        matches: [
          { kind: 'cmp', left: 'ip saddr', op: '==', right: '10.244.0.0/16' },
          { kind: 'cmp', left: { numgen: 'random', mod: 3 }, op: '==', right: 0 },
        ],
        verdict: { kind: 'goto', chain: 'endpoint-X-ns/svc/tcp/http__10.244.0.5/80' },
      }),
      want: 'ip saddr 10.244.0.0/16 numgen random mod 3 == 0 goto endpoint-X-ns/svc/tcp/http__10.244.0.5/80',
    },
    {
      name: 'negation and set lookups',
      rule: r({
        matches: [
          { kind: 'lookup', key: ['ip daddr'], set: 'cluster-ips' },
          { kind: 'cmp', left: 'ip saddr', op: '!=', right: '10.244.0.0/16' },
          { kind: 'lookup', key: ['ip saddr'], set: 'x', negate: true },
        ],
        verdict: { kind: 'jump', chain: 'mark-for-masquerade' },
      }),
      want: 'ip daddr @cluster-ips ip saddr != 10.244.0.0/16 ip saddr != @x jump mark-for-masquerade',
    },
    {
      name: 'concatenated verdict map',
      rule: r({
        verdict: { kind: 'vmap', key: ['ip daddr', 'meta l4proto', 'th dport'], map: 'service-ips' },
      }),
      want: 'ip daddr . meta l4proto . th dport vmap @service-ips',
    },
    {
      name: 'statements',
      rule: r({
        matches: [{ kind: 'cmp', left: 'meta l4proto', op: '==', right: 'udp' }],
        statements: [
          { kind: 'mark', op: 'xor', value: 0x4000 },
          { kind: 'update', set: 'aff', key: ['ip saddr'] },
          { kind: 'dnat', addr: '10.244.1.5', port: 53 },
        ],
      }),
      want: 'meta l4proto udp meta mark set meta mark xor 0x4000 update @aff { ip saddr } dnat to 10.244.1.5:53',
    },
    {
      name: 'mark test and snat',
      rule: r({
        matches: [{ kind: 'cmp', left: { field: 'meta mark', and: 0x4000 }, op: '==', right: 0 }],
        statements: [{ kind: 'snat', addr: '172.18.0.2', fullyRandom: true }],
      }),
      want: 'meta mark and 0x4000 == 0 snat to 172.18.0.2 fully-random',
    },
    {
      name: 'reject with a comment cut to 128 characters',
      rule: r({ verdict: { kind: 'reject', with: 'tcp reset' }, comment: `"${'x'.repeat(200)}"` }),
      want: `reject with tcp reset comment "${'x'.repeat(125)}..."`,
    },
  ];
  it.each(cases)('$name', ({ rule, want }) => expect(formatRule(rule)).toBe(want));
});

describe('formatTransaction', () => {
  it('writes a full load: table replaced, then chains, sets, rules, elements', () => {
    const text = formatTransaction(fullLoad(miniProxy()));
    const lines = text.trim().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'add table ip pn-test-proxy',
      'delete table ip pn-test-proxy',
      'add table ip pn-test-proxy { comment "test" ; }',
      'add chain ip pn-test-proxy filter-forward { type filter hook forward priority -110 ; policy accept ; }',
    ]);
    expect(lines).toContain(
      'add map ip pn-test-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; }',
    );
    expect(lines).toContain(
      'add set ip pn-test-proxy sticky { type ipv4_addr ; flags dynamic,timeout ; timeout 60s ; }',
    );
    expect(lines.at(-1)).toBe(
      'add element ip pn-test-proxy no-endpoints { 10.96.0.2 . tcp . 80 comment "ns/empty" : goto reject }',
    );
    const kinds = lines.slice(3).map((l) => l.split(' ')[1]);
    expect(kinds).toEqual([...kinds].sort((a, b) => order(a) - order(b)));
  });

  it('writes deletions by key', () => {
    const text = formatTransaction({
      table: { family: 'ip', name: 't' },
      ops: [
        {
          verb: 'delete',
          kind: 'element',
          set: 'm',
          element: { key: ['tcp', 30080], verdict: { kind: 'drop' } },
        },
        { verb: 'flush', kind: 'chain', chain: 'c' },
        { verb: 'delete', kind: 'chain', chain: 'c' },
        { verb: 'delete', kind: 'set', set: 'm', map: true },
      ],
    });
    expect(text).toBe(
      'delete element ip t m { tcp . 30080 }\nflush chain ip t c\ndelete chain ip t c\ndelete map ip t m\n',
    );
  });

  it('cuts a full load into transactions whose concatenation is the whole', () => {
    const tx = fullLoad(miniProxy());
    const parts = splitTransaction(tx, 5);
    expect(parts.length).toBe(Math.ceil(tx.ops.length / 5));
    expect(parts.flatMap((p) => p.ops)).toEqual(tx.ops);
  });
});

const order = (kind: string) =>
  ['chain', 'map', 'set', 'rule', 'element'].indexOf(kind === 'map' ? 'set' : kind);
