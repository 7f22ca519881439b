// Cases from CoreDNS plugin/kubernetes/handler_test.go, handler_case_test.go and
// kubernetes_apex_test.go (objects on our addressing plan, see fixture.test-util.ts) and the
// examples of the Kubernetes DNS specification (kubernetes/dns docs/specification.md).
// Case names cite their source.
import { describe, expect, it } from 'vitest';
import {
  a,
  aaaa,
  handlerCluster,
  handlerIndex as index,
  lines,
  srv,
  txt,
  itAnswers,
  Z,
  type AnswerCase,
} from './fixture.test-util.js';
import { answer, buildDnsIndex } from './records.js';

const cluster = handlerCluster;

const cases: AnswerCase[] = [
  // -- A / AAAA of ClusterIP Services (spec 2.3.1; handler_test.go)
  {
    name: 'handler_test: A service',
    q: `svc1.testns.${Z}`,
    type: 'A',
    rcode: 'NOERROR',
    answers: [a(`svc1.testns.${Z}`, '10.96.0.11')],
  },
  {
    name: 'handler_test: A service without endpoints',
    q: `svcempty.testns.${Z}`,
    type: 'A',
    rcode: 'NOERROR',
    answers: [a(`svcempty.testns.${Z}`, '10.96.0.12')],
  },
  {
    name: 'handler_test: AAAA of an IPv4 service is NODATA',
    q: `svc1.testns.${Z}`,
    type: 'AAAA',
    rcode: 'NOERROR',
  },
  {
    name: 'handler_test: AAAA service',
    q: `svc6.testns.${Z}`,
    type: 'AAAA',
    rcode: 'NOERROR',
    answers: [aaaa(`svc6.testns.${Z}`, 'fd00:10:96::6')],
  },
  {
    name: 'handler_test: dual stack A',
    q: `svc-dual-stack.testns.${Z}`,
    type: 'A',
    rcode: 'NOERROR',
    answers: [a(`svc-dual-stack.testns.${Z}`, '10.96.0.13')],
  },
  {
    name: 'handler_test: dual stack AAAA',
    q: `svc-dual-stack.testns.${Z}`,
    type: 'AAAA',
    rcode: 'NOERROR',
    answers: [aaaa(`svc-dual-stack.testns.${Z}`, 'fd00:10:96::13')],
  },
  { name: 'handler_test: A non-existing service', q: `svc0.testns.${Z}`, type: 'A', rcode: 'NXDOMAIN' },
  { name: 'handler_test: AAAA non-existing service', q: `svc0.testns.${Z}`, type: 'AAAA', rcode: 'NXDOMAIN' },
  { name: 'handler_test: A non-existing namespace', q: `svc0.svc-nons.${Z}`, type: 'A', rcode: 'NXDOMAIN' },
  {
    name: 'namespace without Namespace object is NXDOMAIN',
    q: 'svc1.ghost.svc.cluster.local.',
    type: 'A',
    rcode: 'NXDOMAIN',
  },
  {
    name: 'relative question taken as absolute',
    q: 'svc1.testns.svc.cluster.local',
    type: 'A',
    rcode: 'NOERROR',
    answers: [a('svc1.testns.svc.cluster.local.', '10.96.0.11')],
  },
  // -- TXT (spec 2.2) and structural names
  {
    name: 'spec 2.2: dns-version',
    q: 'dns-version.cluster.local.',
    type: 'TXT',
    rcode: 'NOERROR',
    answers: [txt('dns-version.cluster.local.', '1.1.0')],
  },
  {
    name: 'handler_test: TXT of an existing name is NODATA',
    q: `svc1.testns.${Z}`,
    type: 'TXT',
    rcode: 'NOERROR',
  },
  {
    name: 'handler_test: TXT of a missing name is NXDOMAIN',
    q: `svc0.svc-nons.${Z}`,
    type: 'TXT',
    rcode: 'NXDOMAIN',
  },
  {
    name: 'kubernetes.go: A on dns-version is NXDOMAIN',
    q: 'dns-version.cluster.local.',
    type: 'A',
    rcode: 'NXDOMAIN',
  },
  { name: 'handler_test: svc.zone is NODATA', q: 'svc.cluster.local.', type: 'A', rcode: 'NOERROR' },
  { name: 'handler_test: pod.zone is NODATA', q: 'pod.cluster.local.', type: 'A', rcode: 'NOERROR' },
  {
    name: 'handler_test: namespace name is NODATA',
    q: 'testns.svc.cluster.local.',
    type: 'A',
    rcode: 'NOERROR',
  },
  {
    name: 'handler_test: NS of existing name is NODATA',
    q: 'testns.svc.cluster.local.',
    type: 'NS',
    rcode: 'NOERROR',
  },
  {
    name: 'handler_test: NS of foo.zone is NXDOMAIN',
    q: 'foo.cluster.local.',
    type: 'NS',
    rcode: 'NXDOMAIN',
  },
  {
    name: 'handler_test: NS of foo.svc.zone is NXDOMAIN',
    q: 'foo.svc.cluster.local.',
    type: 'NS',
    rcode: 'NXDOMAIN',
  },
  {
    name: 'handler_test: SOA below the apex is NOERROR',
    q: `svc1.testns.${Z}`,
    type: 'SOA',
    rcode: 'NOERROR',
  },
  { name: 'kubernetes_apex_test: A at apex is NODATA', q: 'cluster.local.', type: 'A', rcode: 'NOERROR' },
  {
    name: 'kubernetes_apex_test: HINFO at apex is NODATA',
    q: 'cluster.local.',
    type: 'HINFO',
    rcode: 'NOERROR',
  },
  { name: 'missing namespace name is NXDOMAIN', q: 'ghost.svc.cluster.local.', type: 'A', rcode: 'NXDOMAIN' },
  // -- outside the zone, other types
  { name: 'no upstream: outside the zone is SERVFAIL', q: 'www.example.com.', type: 'A', rcode: 'SERVFAIL' },
  { name: 'zone transfer is refused', q: 'cluster.local.', type: 'AXFR', rcode: 'REFUSED' },
  {
    name: 'ns.go: ns.dns answers kube-dns',
    q: 'ns.dns.cluster.local.',
    type: 'A',
    rcode: 'NOERROR',
    answers: [a('ns.dns.cluster.local.', '10.96.0.10')],
  },
];

describe('answer: ClusterIP A/AAAA, TXT, structural names, outside the zone', () => itAnswers(cases));

describe('answer details', () => {
  const caseCases = [
    {
      name: 'handler_case_test: A echoes the question spelling',
      q: 'SvC1.TeStNs.SvC.cLuStEr.LoCaL.',
      type: 'A',
      want: [a('SvC1.TeStNs.SvC.cLuStEr.LoCaL.', '10.96.0.11')],
    },
    {
      name: 'handler_case_test: SRV target keeps the question zone spelling',
      q: '_HtTp._TcP.sVc1.TeStNs.SvC.cLuStEr.LoCaL.',
      type: 'SRV',
      want: [srv('_HtTp._TcP.sVc1.TeStNs.SvC.cLuStEr.LoCaL.', '0 100 80 svc1.testns.svc.cLuStEr.LoCaL.')],
    },
  ];
  it.each(caseCases)('$name', ({ q, type, want }) => {
    expect(lines(answer(index, q, type).answers)).toEqual(lines(want));
  });

  it('handler_case_test: negative answers are case-insensitive too', () => {
    expect(answer(index, 'not-a-service.testns.svc.ClUsTeR.lOcAl.', 'A').rcode).toBe('NXDOMAIN');
  });

  it('negative answers carry the SOA of the zone (backend_lookup.go SOA)', () => {
    const got = answer(index, `svc0.testns.${Z}`, 'A');
    expect(got.authority).toEqual([
      {
        name: 'cluster.local.',
        type: 'SOA',
        ttl: 5,
        data: 'ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5',
      },
    ]);
  });

  it('SRV answers carry the target addresses in the additional section', () => {
    const got = answer(index, `svc-dual-stack.testns.${Z}`, 'SRV');
    expect(lines(got.additional)).toEqual(
      lines([
        a(`svc-dual-stack.testns.${Z}`, '10.96.0.13'),
        aaaa(`svc-dual-stack.testns.${Z}`, 'fd00:10:96::13'),
      ]),
    );
  });

  it('reasons name the object', () => {
    expect(answer(index, `svc1.testns.${Z}`, 'A').reason).toBe(
      'service testns/svc1 has ClusterIP 10.96.0.11',
    );
    expect(answer(index, 'x.ghost.svc.cluster.local.', 'A').reason).toBe('namespace ghost does not exist');
    expect(answer(index, 'www.example.com', 'A').reason).toMatch(/^no upstream configured/);
  });

  it('ttl option applies to every record but dns-version', () => {
    const idx = buildDnsIndex(cluster, { zone: 'cluster.local.', pods: 'disabled', ttl: 30 });
    expect(answer(idx, `svc1.testns.${Z}`, 'A').answers[0].ttl).toBe(30);
    expect(answer(idx, 'dns-version.cluster.local', 'TXT').answers[0].ttl).toBe(28800);
  });

  it('kubernetes_apex_test: SOA and NS at the apex', () => {
    expect(answer(index, 'cluster.local.', 'SOA').answers.map((r) => r.type)).toEqual(['SOA']);
    expect(answer(index, 'cluster.local.', 'NS').answers).toEqual([
      { name: 'cluster.local.', type: 'NS', ttl: 5, data: 'ns.dns.cluster.local.' },
    ]);
  });
});
