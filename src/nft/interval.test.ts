// Interval set keys (prefixes, ranges, concatenations), as the tracer matches them and the fake
// checks them; and the constructs the NetworkPolicy table added to the IR (interval sets,
// `ct state` lists, counter, log), through text, fake and tracer together.
import { describe, expect, it } from 'vitest';
import { applyTransaction, NftError } from './fake.js';
import type { Table } from './ir.js';
import { intervalKeyContains, intervalKeysOverlap, partRange } from './interval.js';
import { fullLoad } from './ops.js';
import { formatRule, formatTransaction } from './text.js';
import { tracePacket } from './tracer.js';
import { r } from './test-tables.test-util.js';

describe('interval keys', () => {
  it.each([
    { type: 'ipv4_addr' as const, v: '10.0.0.0/8', want: { lo: 0x0a000000, hi: 0x0affffff } },
    { type: 'ipv4_addr' as const, v: '10.0.0.4-10.0.0.7', want: { lo: 0x0a000004, hi: 0x0a000007 } },
    { type: 'ipv4_addr' as const, v: '0.0.0.0/0', want: { lo: 0, hi: 0xffffffff } },
    { type: 'inet_service' as const, v: '1000-2000', want: { lo: 1000, hi: 2000 } },
    { type: 'inet_service' as const, v: 80, want: { lo: 80, hi: 80 } },
    { type: 'inet_proto' as const, v: 'tcp', want: { symbol: 'tcp' } },
  ])('$type $v', ({ type, v, want }) => expect(partRange(type, v)).toEqual(want));

  it('rejects malformed parts', () => {
    expect(() => partRange('ipv4_addr', '10.0.0.0/33')).toThrow();
    expect(() => partRange('inet_service', '90-80')).toThrow();
  });

  it('matches and overlaps concatenations part by part', () => {
    const t = ['inet_proto', 'inet_service'] as const;
    expect(intervalKeyContains([...t], ['tcp', '1000-2000'], ['tcp', 1500])).toBe(true);
    expect(intervalKeyContains([...t], ['tcp', '1000-2000'], ['udp', 1500])).toBe(false);
    expect(intervalKeysOverlap([...t], ['tcp', '1000-2000'], ['tcp', '2000-3000'])).toBe(true);
    expect(intervalKeysOverlap([...t], ['tcp', '1000-2000'], ['udp', '1000-2000'])).toBe(false);
  });
});

const table = (): Table => ({
  family: 'ip',
  name: 'pn-test-policy',
  chains: [
    {
      name: 'filter-forward',
      base: { type: 'filter', hook: 'forward', priority: 0 },
      rules: [
        r({
          matches: [{ kind: 'cmp', left: 'ct state', op: '==', right: 'established,related' }],
          verdict: { kind: 'accept' },
        }),
        r({
          matches: [
            { kind: 'lookup', key: ['ip daddr'], set: 'blocks' },
            { kind: 'lookup', key: ['meta l4proto', 'th dport'], set: 'ports' },
          ],
          statements: [{ kind: 'counter' }, { kind: 'log', group: 5, prefix: 'pn-ae-X' }],
          verdict: { kind: 'accept' },
          comment: 'allow',
        }),
        r({ statements: [{ kind: 'log', group: 5, prefix: 'pn-de-Y' }], verdict: { kind: 'drop' } }),
      ],
    },
  ],
  sets: [
    {
      name: 'blocks',
      type: ['ipv4_addr'],
      flags: ['interval'],
      elements: [{ key: ['10.0.0.0/24'] }, { key: ['10.0.2.0-10.0.2.127'] }],
    },
    {
      name: 'ports',
      type: ['inet_proto', 'inet_service'],
      flags: ['interval'],
      elements: [{ key: ['tcp', 80] }, { key: ['udp', '1000-2000'] }],
    },
  ],
});

describe('interval sets, ct state lists, counter and log', () => {
  it('text is what nft 1.0.6 reads (and lists)', () => {
    expect(formatRule(table().chains[0].rules[1])).toBe(
      'ip daddr @blocks meta l4proto . th dport @ports counter log prefix "pn-ae-X" group 5 queue-threshold 1 accept comment "allow"',
    );
    expect(formatTransaction(fullLoad(table()))).toContain(
      'add set ip pn-test-policy ports { type inet_proto . inet_service ; flags interval ; }',
    );
    expect(formatTransaction(fullLoad(table()))).toContain(
      'add element ip pn-test-policy blocks { 10.0.2.0-10.0.2.127 }',
    );
  });

  it.each([
    { daddr: '10.0.0.9', protocol: 'tcp' as const, dport: 80, verdict: 'accept', log: 'pn-ae-X' },
    { daddr: '10.0.2.127', protocol: 'udp' as const, dport: 1999, verdict: 'accept', log: 'pn-ae-X' },
    { daddr: '10.0.2.128', protocol: 'udp' as const, dport: 1999, verdict: 'drop', log: 'pn-de-Y' },
    { daddr: '10.0.0.9', protocol: 'udp' as const, dport: 80, verdict: 'drop', log: 'pn-de-Y' },
  ])('traces $daddr $protocol/$dport -> $verdict', ({ daddr, protocol, dport, verdict, log }) => {
    const res = tracePacket(
      table(),
      'prerouting',
      { saddr: '10.9.0.1', daddr, protocol, dport },
      { localAddresses: [] },
    );
    expect(res.verdict).toBe(verdict);
    expect(res.logs).toEqual([{ group: 5, prefix: log }]);
  });

  it('ct state lists match any listed state', () => {
    const pkt = { saddr: '10.9.0.1', daddr: '10.0.9.9', protocol: 'tcp' as const, dport: 1 };
    expect(
      tracePacket(table(), 'prerouting', pkt, { localAddresses: [], ctState: 'established' }),
    ).toMatchObject({
      verdict: 'accept',
      logs: [],
    });
  });

  it('the fake takes the table, and refuses overlaps and ranges in plain sets', () => {
    expect(applyTransaction(undefined, fullLoad(table()))).toEqual(table());
    const overlap = table();
    overlap.sets[1].elements.push({ key: ['udp', '2000-2100'] });
    expect(() => applyTransaction(undefined, fullLoad(overlap))).toThrow(
      expect.objectContaining({ code: 'EEXIST' }),
    );
    const plain = table();
    delete plain.sets[0].flags;
    expect(() => applyTransaction(undefined, fullLoad(plain))).toThrow(NftError);
  });
});
