// glibc res_search behaviour (resolv/res_query.c __res_context_search) with the kubelet's
// ClusterFirst resolv.conf: search <ns>.svc.<zone> svc.<zone> <zone>, ndots:5.
import { describe, expect, it } from 'vitest';
import { clusterIPService, clusterOf, headless, ns, slice } from './fixture.test-util.js';
import { buildDnsIndex } from './records.js';
import { candidateNames, resolve, resolvConfFor } from './resolver.js';

const conf = resolvConfFor('shop', 'cluster.local');

describe('resolvConfFor', () => {
  it('writes the ClusterFirst search path and ndots:5', () => {
    expect(conf).toEqual({
      nameservers: ['10.96.0.10'],
      search: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      ndots: 5,
    });
  });
});

describe('candidateNames', () => {
  const cases = [
    { name: 'trailing dot: only the name', q: 'web.shop.', want: ['web.shop.'] },
    {
      name: 'no dot: search list, then as is',
      q: 'web',
      want: ['web.shop.svc.cluster.local.', 'web.svc.cluster.local.', 'web.cluster.local.', 'web.'],
    },
    {
      name: 'four dots (< ndots 5): search first',
      q: 'web.shop.svc.cluster.local',
      want: [
        'web.shop.svc.cluster.local.shop.svc.cluster.local.',
        'web.shop.svc.cluster.local.svc.cluster.local.',
        'web.shop.svc.cluster.local.cluster.local.',
        'web.shop.svc.cluster.local.',
      ],
    },
    {
      name: 'five dots (>= ndots): as is first',
      q: '_http._tcp.web.shop.svc.cluster.local',
      want: [
        '_http._tcp.web.shop.svc.cluster.local.',
        '_http._tcp.web.shop.svc.cluster.local.shop.svc.cluster.local.',
        '_http._tcp.web.shop.svc.cluster.local.svc.cluster.local.',
        '_http._tcp.web.shop.svc.cluster.local.cluster.local.',
      ],
    },
  ];
  it.each(cases)('$name', ({ q, want }) => expect(candidateNames(q, conf)).toEqual(want));

  it('ndots:1 puts a dotted name first', () => {
    expect(candidateNames('example.com', { ...conf, ndots: 1 })[0]).toBe('example.com.');
  });
});

describe('resolve', () => {
  const index = buildDnsIndex(
    clusterOf([
      ns('shop'),
      ns('data'),
      clusterIPService('shop', 'web', ['10.96.12.7'], [{ name: 'http', protocol: 'TCP', port: 80 }]),
      headless('data', 'db'),
      slice('data', 'db', 'db-1', ['10.244.1.11'], [{ name: 'pg', protocol: 'TCP', port: 5432 }]),
    ]),
    { zone: 'cluster.local', pods: 'disabled' },
  );
  const cases = [
    {
      name: 'short name found on the first search domain',
      q: 'web',
      type: 'A',
      tried: ['web.shop.svc.cluster.local. NOERROR 1'],
      final: 'web.shop.svc.cluster.local.',
    },
    {
      name: 'service.namespace found on the second search domain',
      q: 'db.data',
      type: 'A',
      tried: ['db.data.shop.svc.cluster.local. NXDOMAIN 0', 'db.data.svc.cluster.local. NOERROR 1'],
      final: 'db.data.svc.cluster.local.',
    },
    {
      name: 'NODATA keeps searching (res_query.c: "On a NO_DATA error, keep trying")',
      q: 'web',
      type: 'AAAA',
      tried: [
        'web.shop.svc.cluster.local. NOERROR 0',
        'web.svc.cluster.local. NXDOMAIN 0',
        'web.cluster.local. NXDOMAIN 0',
        'web. SERVFAIL 0',
      ],
      final: 'web.shop.svc.cluster.local.',
    },
    {
      name: 'FQDN without trailing dot walks the whole search list first',
      q: 'web.shop.svc.cluster.local',
      type: 'A',
      tried: [
        'web.shop.svc.cluster.local.shop.svc.cluster.local. NXDOMAIN 0',
        'web.shop.svc.cluster.local.svc.cluster.local. NXDOMAIN 0',
        'web.shop.svc.cluster.local.cluster.local. NXDOMAIN 0',
        'web.shop.svc.cluster.local. NOERROR 1',
      ],
      final: 'web.shop.svc.cluster.local.',
    },
    {
      name: 'SRV name with 5 dots is tried as is first',
      q: '_http._tcp.web.shop.svc.cluster.local',
      type: 'SRV',
      tried: ['_http._tcp.web.shop.svc.cluster.local. NOERROR 1'],
      final: '_http._tcp.web.shop.svc.cluster.local.',
    },
    {
      name: 'trailing dot: one query whatever it returns',
      q: 'nope.shop.svc.cluster.local.',
      type: 'A',
      tried: ['nope.shop.svc.cluster.local. NXDOMAIN 0'],
      final: 'nope.shop.svc.cluster.local.',
    },
    {
      name: 'outside names fall through to the as-is SERVFAIL',
      q: 'example.com',
      type: 'A',
      tried: [
        'example.com.shop.svc.cluster.local. NXDOMAIN 0',
        'example.com.svc.cluster.local. NXDOMAIN 0',
        'example.com.cluster.local. NXDOMAIN 0',
        'example.com. SERVFAIL 0',
      ],
      final: 'example.com.',
    },
  ];
  it.each(cases)('$name', ({ q, type, tried, final }) => {
    const r = resolve(index, q, type, conf);
    expect(r.tried.map((t) => `${t.name} ${t.rcode} ${t.answers}`)).toEqual(tried);
    expect(r.final.name).toBe(final);
  });

  it('without a resolv.conf the name is asked as absolute', () => {
    expect(resolve(index, 'web.shop.svc.cluster.local', 'A').tried).toEqual([
      { name: 'web.shop.svc.cluster.local.', rcode: 'NOERROR', answers: 1 },
    ]);
  });
});
