import { describe, expect, it } from 'vitest';
import { dashedIP, hostAddress, ipToReverse, matchZone, podLabelToIP, reverseToIP } from './names.js';

describe('dashedIP (CoreDNS kubernetes.go endpointHostname)', () => {
  const cases = [
    { name: 'ipv4', ip: '10.244.1.5', want: '10-244-1-5' },
    { name: 'ipv6 (conformance README)', ip: 'fd00:10:244::5:7', want: 'fd00-10-244--5-7' },
    { name: 'ipv6 ending in :: gets a 0', ip: 'fd00::', want: 'fd00--0' },
  ];
  it.each(cases)('$name', ({ ip, want }) => expect(dashedIP(ip)).toBe(want));
});

describe('podLabelToIP (CoreDNS findPods)', () => {
  const cases = [
    { name: 'ipv4', label: '10-244-1-5', want: '10.244.1.5' },
    { name: 'ipv6', label: 'fd00-10-244--5', want: 'fd00:10:244::5' },
    { name: 'not an address', label: 'blah', want: null },
    { name: 'leading zero rejected', label: '10-244-01-5', want: null },
  ];
  it.each(cases)('$name', ({ label, want }) => expect(podLabelToIP(label)).toBe(want));
});

describe('hostAddress (CoreDNS msg.HostType: To4() != nil is A)', () => {
  const cases = [
    { name: 'ipv4', host: '10.244.3.17', want: { family: 4, ip: '10.244.3.17' } },
    { name: 'ipv6', host: 'fd00:10:244::5', want: { family: 6, ip: 'fd00:10:244::5' } },
    { name: 'ipv4-mapped ipv6 is A', host: '0:0:0:0:0:ffff:af4:311', want: { family: 4, ip: '10.244.3.17' } },
    { name: 'ipv4-compatible ::a.b.c.d stays AAAA', host: '::af4:311', want: { family: 6, ip: '::af4:311' } },
    { name: 'ipv6 written canonically', host: 'fd00:0:0:0:0:0:0:11', want: { family: 6, ip: 'fd00::11' } },
    { name: 'a name', host: 'db.example.com', want: null },
  ];
  it.each(cases)('$name', ({ host, want }) => expect(hostAddress(host)).toEqual(want));
});

describe('reverse names (spec 2.3.3)', () => {
  const cases = [
    { name: 'ipv4', ip: '10.3.0.1', rev: '1.0.3.10.in-addr.arpa.' },
    {
      name: 'ipv6 spec example',
      ip: '2001:db8::1',
      rev: '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.',
    },
  ];
  it.each(cases)('$name', ({ ip, rev }) => {
    expect(ipToReverse(ip)).toBe(rev);
    expect(reverseToIP(rev)).toBe(ip);
    expect(reverseToIP(rev.toUpperCase())).toBe(ip);
  });
  it('an IPv4-mapped ip6.arpa name is the IPv4 address (CoreDNS reverse6 prints a net.IP)', () => {
    expect(reverseToIP('1.0.0.0.0.6.a.0.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.')).toBe(
      '10.96.0.1',
    );
  });
  it('partial reverse names are no address', () => {
    expect(reverseToIP('0.10.in-addr.arpa.')).toBeNull();
    expect(reverseToIP('1.0.ip6.arpa.')).toBeNull();
  });
});

describe('matchZone', () => {
  const zones = ['cluster.local.', 'in-addr.arpa.', 'ip6.arpa.'];
  it('keeps the question spelling of the zone', () => {
    expect(matchZone('Web.Shop.SVC.Cluster.Local.', zones)).toEqual({
      zone: 'cluster.local.',
      spelled: 'Cluster.Local.',
      rel: ['web', 'shop', 'svc'],
    });
  });
  it('needs a label boundary', () => {
    expect(matchZone('xcluster.local.', zones)).toBeNull();
    expect(matchZone('example.com.', zones)).toBeNull();
  });
});
