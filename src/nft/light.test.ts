// Scripts without nft's chain dump: the forms used, and the transactions left to the usual text.
import { describe, expect, it } from 'vitest';
import { diffTables } from './diff.js';
import type { Table } from './ir.js';
import { formatWithoutChainCache, RELOAD_MAX } from './light.js';
import { miniProxy, r } from './test-tables.test-util.js';

const T = 'ip pn-test-proxy';

/** miniProxy with `edit` applied to a copy. */
function edited(edit: (t: Table) => void): Table {
  const t = structuredClone(miniProxy());
  edit(t);
  return t;
}

const chain = (t: Table, name: string) => t.chains.find((c) => c.name === name)!;

describe('formatWithoutChainCache', () => {
  it('writes new chains with their rules in one command, and elements as a set body', () => {
    const next = edited((t) => {
      t.chains.push({
        name: 'ep-c',
        rules: [
          r({ statements: [{ kind: 'dnat', addr: '10.244.2.5', port: 8080 }], comment: 'ns/svc -> c' }),
          r({ verdict: { kind: 'accept' } }),
        ],
      });
      t.sets[0].elements.push(
        { key: ['10.96.0.3', 'tcp', 80], verdict: { kind: 'goto', chain: 'ep-c' }, comment: 'ns/new' },
        { key: ['10.96.0.3', 'tcp', 443], verdict: { kind: 'goto', chain: 'ep-c' } },
      );
    });
    const tx = diffTables(miniProxy(), next)!;
    expect(formatWithoutChainCache(tx, next)).toBe(
      [
        `add chain ${T} ep-c`,
        `add chain ${T} ep-c { dnat to 10.244.2.5:8080 comment "ns/svc -> c" ; accept ; }`,
        `add map ${T} service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; elements = { ` +
          '10.96.0.3 . tcp . 80 comment "ns/new" : goto ep-c, 10.96.0.3 . tcp . 443 : goto ep-c } ; }',
        '',
      ].join('\n'),
    );
  });

  it('refills a changed chain after flushing it', () => {
    const next = edited((t) => chain(t, 'ep-a').rules.pop());
    const tx = diffTables(miniProxy(), next)!;
    expect(formatWithoutChainCache(tx, next)).toMatch(
      new RegExp(`^flush chain ${T} ep-a\nadd chain ${T} ep-a \\{ [^\n]+ ; \\}\n$`),
    );
  });

  it('writes a set that loses elements whole: flush and its remaining elements, in one transaction', () => {
    const next = edited((t) => {
      t.sets[0].elements.pop();
      t.sets[0].elements.push({ key: ['10.96.0.9', 'tcp', 80], verdict: { kind: 'goto', chain: 'svc' } });
    });
    const kept = next.sets[0].elements.map((e) => e.key.join(' . '));
    const script = formatWithoutChainCache(diffTables(miniProxy(), next)!, next)!;
    expect(script).toMatch(
      new RegExp(
        `^flush map ${T} service-ips\nadd map ${T} service-ips \\{ type [^\n]+ elements = \\{ [^\n]+ \\} ; \\}\n$`,
      ),
    );
    for (const k of kept) expect(script).toContain(k);
    expect(script).not.toContain('delete');
  });

  it('empties a set that loses its last element with a flush alone', () => {
    const next = edited((t) => (t.sets[0].elements = []));
    expect(formatWithoutChainCache(diffTables(miniProxy(), next)!, next)).toBe(
      `flush map ${T} service-ips\n`,
    );
  });

  it('leaves deletes from large or dynamic sets to the usual text', () => {
    const big = edited((t) => {
      for (let i = 0; i <= RELOAD_MAX; i++)
        t.sets[0].elements.push({
          key: [`10.97.${i >> 8}.${i & 255}`, 'tcp', 80],
          verdict: { kind: 'accept' },
        });
    });
    const smaller = structuredClone(big);
    smaller.sets[0].elements.pop();
    expect(formatWithoutChainCache(diffTables(big, smaller)!, smaller)).toBeUndefined();
    const dynamic = edited(
      (t) => (t.sets.find((s) => s.name === 'sticky')!.elements = [{ key: ['10.244.1.1'] }]),
    );
    expect(formatWithoutChainCache(diffTables(dynamic, miniProxy())!, miniProxy())).toBeUndefined();
  });

  it('leaves other deletes, rules naming existing sets and base chain rules to the usual text', () => {
    const cases: ((t: Table) => void)[] = [
      (t) =>
        t.chains.splice(
          t.chains.findIndex((c) => c.name === 'ep-a'),
          1,
        ),
      (t) => chain(t, 'svc').rules.pop(),
      (t) => chain(t, 'nat-postrouting').rules.pop(),
    ];
    for (const edit of cases) {
      const next = edited(edit);
      expect(formatWithoutChainCache(diffTables(miniProxy(), next)!, next)).toBeUndefined();
    }
  });

  it('writes rules that name a set created in the same transaction', () => {
    const next = edited((t) => {
      t.sets.push({
        name: 'sticky-2',
        type: ['ipv4_addr'],
        flags: ['dynamic', 'timeout'],
        timeout: 60,
        elements: [],
      });
      t.chains.push({
        name: 'ep-d',
        rules: [r({ statements: [{ kind: 'update', set: 'sticky-2', key: ['ip saddr'] }] })],
      });
    });
    expect(formatWithoutChainCache(diffTables(miniProxy(), next)!, next)).toContain(
      `add chain ${T} ep-d { update @sticky-2 { ip saddr } ; }`,
    );
  });

  it('leaves elements of interval sets to the usual text', () => {
    const withInterval = edited((t) =>
      t.sets.push({ name: 'blocks', type: ['ipv4_addr'], flags: ['interval'], elements: [] }),
    );
    const next = edited((t) => {
      t.sets.push({
        name: 'blocks',
        type: ['ipv4_addr'],
        flags: ['interval'],
        elements: [{ key: ['10.0.0.0/8'] }],
      });
    });
    expect(formatWithoutChainCache(diffTables(withInterval, next)!, next)).toBeUndefined();
  });
});
