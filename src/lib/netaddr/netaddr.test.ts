import { describe, expect, it } from 'vitest';
import {
  cidrAddress,
  cidrContains,
  cidrContainsCIDR,
  formatCIDR,
  formatIP,
  parseCIDR,
  parseCIDRWithAddress,
  parseIP,
  subnet,
} from './index.js';

describe('parseIP', () => {
  const cases = [
    { name: 'ipv4', input: '10.244.1.2', want: '10.244.1.2' },
    { name: 'ipv4 leading zero rejected', input: '10.01.1.2', want: null },
    { name: 'ipv4 out of range', input: '256.1.1.1', want: null },
    { name: 'ipv4 three parts', input: '10.1.1', want: null },
    { name: 'ipv6 compressed', input: 'fd00:10:244::5', want: 'fd00:10:244::5' },
    { name: 'ipv6 RFC 5952 longest zero run', input: '2001:db8:0:0:1:0:0:1', want: '2001:db8::1:0:0:1' },
    { name: 'ipv6 loopback', input: '::1', want: '::1' },
    { name: 'ipv6 all zero', input: '::', want: '::' },
    { name: 'ipv6 embedded ipv4', input: '::ffff:10.0.0.1', want: '::ffff:a00:1' },
    { name: 'ipv6 two double colons', input: '1::2::3', want: null },
    { name: 'ipv6 too many groups', input: '1:2:3:4:5:6:7:8:9', want: null },
    { name: 'garbage', input: 'web', want: null },
  ];
  it.each(cases)('$name', ({ input, want }) => {
    const ip = parseIP(input);
    expect(ip ? formatIP(ip) : null).toBe(want);
  });
});

describe('CIDR', () => {
  it('clears host bits and remembers the written address', () => {
    const p = parseCIDRWithAddress('10.0.0.1/24')!;
    expect(formatCIDR(p.cidr)).toBe('10.0.0.0/24');
    expect(formatIP(p.address)).toBe('10.0.0.1');
  });
  const containsCases = [
    { name: '/24 holds its address', cidr: '10.244.3.0/24', ip: '10.244.3.17', want: true },
    { name: '/28 excludes neighbour', cidr: '10.244.3.16/28', ip: '10.244.3.2', want: false },
    { name: '/0 holds everything v4', cidr: '0.0.0.0/0', ip: '203.0.113.9', want: true },
    { name: 'family mismatch', cidr: '::/0', ip: '10.0.0.1', want: false },
    { name: 'v6 /64', cidr: 'fd00:10:244:1::/64', ip: 'fd00:10:244:1::7', want: true },
  ];
  it.each(containsCases)('$name', ({ cidr, ip, want }) => {
    expect(cidrContains(parseCIDR(cidr)!, parseIP(ip)!)).toBe(want);
  });
  it('rejects bad prefixes', () => {
    expect(parseCIDR('10.0.0.0/33')).toBeNull();
    expect(parseCIDR('10.0.0.0/08')).toBeNull();
    expect(parseCIDR('10.0.0.0')).toBeNull();
  });
  it('nests and allocates', () => {
    const pods = parseCIDR('10.244.0.0/16')!;
    expect(cidrContainsCIDR(pods, parseCIDR('10.244.3.0/24')!)).toBe(true);
    expect(cidrContainsCIDR(parseCIDR('10.244.3.0/24')!, pods)).toBe(false);
    expect(formatCIDR(subnet(pods, 24, 2n))).toBe('10.244.2.0/24');
    expect(formatIP(cidrAddress(subnet(pods, 24, 1n), 1n))).toBe('10.244.1.1');
  });
});
