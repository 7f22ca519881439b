// PTR answers (spec 2.3.3, 2.4.3); cases from CoreDNS plugin/kubernetes/reverse_test.go.
import { describe } from 'vitest';
import { ptr, itAnswers, Z, type AnswerCase } from './fixture.test-util.js';

const cases: AnswerCase[] = [
  // -- PTR (spec 2.3.3, 2.4.3; reverse_test.go)
  {
    name: 'spec 2.3.3: PTR of a ClusterIP',
    q: '11.0.96.10.in-addr.arpa.',
    type: 'PTR',
    rcode: 'NOERROR',
    answers: [ptr('11.0.96.10.in-addr.arpa.', `svc1.testns.${Z}`)],
  },
  {
    name: 'spec 2.3.3: PTR of an IPv6 ClusterIP',
    q: '6.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa.',
    type: 'PTR',
    rcode: 'NOERROR',
    answers: [
      ptr('6.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa.', `svc6.testns.${Z}`),
    ],
  },
  {
    name: 'reverse_test: PTR endpoint, skewed slices merged',
    q: '1.0.244.10.in-addr.arpa.',
    type: 'PTR',
    rcode: 'NOERROR',
    answers: [ptr('1.0.244.10.in-addr.arpa.', `ep1a.svc1.testns.${Z}`)],
  },
  {
    name: 'reverse_test: PTR endpoint of two services',
    q: '99.0.244.10.in-addr.arpa.',
    type: 'PTR',
    rcode: 'NOERROR',
    answers: [
      ptr('99.0.244.10.in-addr.arpa.', `double-ep.svc1.testns.${Z}`),
      ptr('99.0.244.10.in-addr.arpa.', `double-ep.svc2.testns.${Z}`),
    ],
  },
  {
    name: 'CoreDNS: PTR endpoint without hostname uses the dashed IP',
    q: '2.0.244.10.in-addr.arpa.',
    type: 'PTR',
    rcode: 'NOERROR',
    answers: [ptr('2.0.244.10.in-addr.arpa.', `10-244-0-2.hdls1.testns.${Z}`)],
  },
  {
    name: 'reverse_test: unknown address is NXDOMAIN',
    q: '101.0.244.10.in-addr.arpa.',
    type: 'PTR',
    rcode: 'NXDOMAIN',
  },
  { name: 'not-ready endpoint has no PTR', q: '9.0.244.10.in-addr.arpa.', type: 'PTR', rcode: 'NXDOMAIN' },
  {
    name: 'reverse_test: PTR of a forward name that exists is NODATA',
    q: `svc1.testns.${Z}`,
    type: 'PTR',
    rcode: 'NOERROR',
  },
  {
    name: 'reverse_test: PTR of example.org.zone is NXDOMAIN',
    q: 'example.org.cluster.local.',
    type: 'PTR',
    rcode: 'NXDOMAIN',
  },
  {
    name: 'reverse_test: PTR of a dotted IP under the zone is NXDOMAIN',
    q: '100.0.0.10.cluster.local.',
    type: 'PTR',
    rcode: 'NXDOMAIN',
  },
  {
    name: 'reverse_test: A under a reverse zone is NXDOMAIN',
    q: 'svc1.testns.svc.0.10.in-addr.arpa.',
    type: 'A',
    rcode: 'NXDOMAIN',
  },
];

describe('answer: PTR', () => itAnswers(cases));
