// SRV answers (spec 2.3.2, 2.4.2) with CoreDNS weights (plugin/backend_lookup.go SRV);
// cases from CoreDNS plugin/kubernetes/handler_test.go and coredns/ci srv_test.go.
import { describe } from 'vitest';
import { a, srv, itAnswers, Z, type AnswerCase } from './fixture.test-util.js';

const cases: AnswerCase[] = [
  // -- SRV (spec 2.3.2, 2.4.2; weights from backend_lookup.go SRV)
  {
    name: 'handler_test: SRV port',
    q: `_http._tcp.svc1.testns.${Z}`,
    type: 'SRV',
    rcode: 'NOERROR',
    answers: [srv(`_http._tcp.svc1.testns.${Z}`, `0 100 80 svc1.testns.${Z}`)],
  },
  {
    name: 'handler_test: SRV bare service name',
    q: `svc1.testns.${Z}`,
    type: 'SRV',
    rcode: 'NOERROR',
    answers: [srv(`svc1.testns.${Z}`, `0 100 80 svc1.testns.${Z}`)],
  },
  {
    name: 'handler_test: SRV IPv6 service',
    q: `_http._tcp.svc6.testns.${Z}`,
    type: 'SRV',
    rcode: 'NOERROR',
    answers: [srv(`_http._tcp.svc6.testns.${Z}`, `0 100 80 svc6.testns.${Z}`)],
  },
  {
    name: 'handler_test: SRV dual stack weighs 50 (2 items merged)',
    q: `svc-dual-stack.testns.${Z}`,
    type: 'SRV',
    rcode: 'NOERROR',
    answers: [srv(`svc-dual-stack.testns.${Z}`, `0 50 80 svc-dual-stack.testns.${Z}`)],
  },
  {
    name: 'kubernetes.go matchPortAndProtocol: wrong protocol',
    q: `_http._udp.svc1.testns.${Z}`,
    type: 'SRV',
    rcode: 'NXDOMAIN',
  },
  {
    name: 'spec 2.3.2: unnamed ports have no SRV',
    q: `_http._tcp.unnamed.testns.${Z}`,
    type: 'SRV',
    rcode: 'NXDOMAIN',
  },
  {
    name: 'CoreDNS: bare-name SRV lists unnamed ports too',
    q: `unnamed.testns.${Z}`,
    type: 'SRV',
    rcode: 'NOERROR',
    answers: [srv(`unnamed.testns.${Z}`, `0 100 8080 unnamed.testns.${Z}`)],
  },
  {
    name: 'spec 2.3.2: SRV UDP port',
    q: '_dns._udp.kube-dns.kube-system.svc.cluster.local.',
    type: 'SRV',
    rcode: 'NOERROR',
    answers: [
      srv(
        '_dns._udp.kube-dns.kube-system.svc.cluster.local.',
        '0 100 53 kube-dns.kube-system.svc.cluster.local.',
      ),
    ],
  },
  {
    name: 'CoreDNS: A on an SRV-shaped name answers the ClusterIP',
    q: `_http._tcp.svc1.testns.${Z}`,
    type: 'A',
    rcode: 'NOERROR',
    answers: [a(`_http._tcp.svc1.testns.${Z}`, '10.96.0.11')],
  },
  {
    name: 'handler_test: SRV headless, 6 items weigh 16, dup-name merged',
    q: `_http._tcp.hdls1.testns.${Z}`,
    type: 'SRV',
    rcode: 'NOERROR',
    answers: ['10-244-0-2', '10-244-0-3', 'dup-name', 'fd00-10-244--1', 'fd00-10-244--2'].map((h) =>
      srv(`_http._tcp.hdls1.testns.${Z}`, `0 16 80 ${h}.hdls1.testns.${Z}`),
    ),
  },
  {
    name: 'handler_test: SRV headless without ports is NODATA',
    q: `hdlsprtls.testns.${Z}`,
    type: 'SRV',
    rcode: 'NOERROR',
  },
];

describe('answer: SRV', () => itAnswers(cases));
