// Pod records `a-b-c-d.<ns>.pod.<zone>` in the three CoreDNS modes: cases from
// plugin/kubernetes/handler_pod_{insecure,verified,disabled}_test.go on our addressing plan.
import { describe, expect, it } from 'vitest';
import { a, aaaa, clusterOf, lines, ns, pod } from './fixture.test-util.js';
import { answer, buildDnsIndex, type DnsRecord, type PodsMode, type Rcode } from './records.js';

const cluster = clusterOf([
  ns('podns'),
  ns('svcns'),
  pod('podns', 'foo', '10.244.1.7'),
  pod('podns', 'v6', 'fd00:10:244:1::8'),
  pod('podns', 'leaving', '10.244.1.9', true),
]);

interface Case {
  name: string;
  pods: PodsMode;
  q: string;
  type?: string;
  rcode: Rcode;
  answers?: DnsRecord[];
}

const P = 'podns.pod.cluster.local.';
const cases: Case[] = [
  {
    name: 'insecure: existing pod IP',
    pods: 'insecure',
    q: `10-244-1-7.${P}`,
    rcode: 'NOERROR',
    answers: [a(`10-244-1-7.${P}`, '10.244.1.7')],
  },
  {
    name: 'insecure: any IP answers',
    pods: 'insecure',
    q: `172-0-0-2.${P}`,
    rcode: 'NOERROR',
    answers: [a(`172-0-0-2.${P}`, '172.0.0.2')],
  },
  { name: 'insecure: not an IP', pods: 'insecure', q: `blah.${P}`, rcode: 'NXDOMAIN' },
  { name: 'insecure: not an IP, AAAA', pods: 'insecure', q: `blah.${P}`, type: 'AAAA', rcode: 'NXDOMAIN' },
  { name: 'insecure: not an IP, HINFO', pods: 'insecure', q: `blah.${P}`, type: 'HINFO', rcode: 'NXDOMAIN' },
  {
    name: 'insecure: missing namespace',
    pods: 'insecure',
    q: 'blah.pod-nons.pod.cluster.local.',
    rcode: 'NXDOMAIN',
  },
  {
    name: 'insecure: missing namespace, valid IP',
    pods: 'insecure',
    q: '10-244-1-7.pod-nons.pod.cluster.local.',
    rcode: 'NXDOMAIN',
  },
  { name: 'insecure: namespace name is NODATA', pods: 'insecure', q: P, rcode: 'NOERROR' },
  {
    name: 'insecure: IPv6 dashed',
    pods: 'insecure',
    q: `fd00-10-244-1--8.${P}`,
    type: 'AAAA',
    rcode: 'NOERROR',
    answers: [aaaa(`fd00-10-244-1--8.${P}`, 'fd00:10:244:1::8')],
  },
  {
    name: 'insecure: IPv4 name, AAAA is NODATA',
    pods: 'insecure',
    q: `10-244-1-7.${P}`,
    type: 'AAAA',
    rcode: 'NOERROR',
  },
  {
    name: 'verified: existing pod',
    pods: 'verified',
    q: `10-244-1-7.${P}`,
    rcode: 'NOERROR',
    answers: [a(`10-244-1-7.${P}`, '10.244.1.7')],
  },
  { name: 'verified: namespace name is NODATA', pods: 'verified', q: P, rcode: 'NOERROR' },
  {
    name: 'verified: svc namespace name is NODATA',
    pods: 'verified',
    q: 'svcns.svc.cluster.local.',
    rcode: 'NOERROR',
  },
  {
    name: 'verified: missing namespace',
    pods: 'verified',
    q: 'pod-nons.pod.cluster.local.',
    rcode: 'NXDOMAIN',
  },
  { name: 'verified: no such pod', pods: 'verified', q: `172-0-0-2.${P}`, rcode: 'NXDOMAIN' },
  {
    name: 'verified: pod in another namespace',
    pods: 'verified',
    q: '10-244-1-7.svcns.pod.cluster.local.',
    rcode: 'NXDOMAIN',
  },
  {
    name: 'verified: terminating pod is ignored (object.ToPod)',
    pods: 'verified',
    q: `10-244-1-9.${P}`,
    rcode: 'NXDOMAIN',
  },
  {
    name: 'verified: IPv6 pod',
    pods: 'verified',
    q: `fd00-10-244-1--8.${P}`,
    type: 'AAAA',
    rcode: 'NOERROR',
    answers: [aaaa(`fd00-10-244-1--8.${P}`, 'fd00:10:244:1::8')],
  },
  { name: 'disabled: existing pod', pods: 'disabled', q: `10-244-1-7.${P}`, rcode: 'NXDOMAIN' },
  { name: 'disabled: any IP', pods: 'disabled', q: `172-0-0-2.${P}`, rcode: 'NXDOMAIN' },
  { name: 'disabled: namespace name is NXDOMAIN (findPods)', pods: 'disabled', q: P, rcode: 'NXDOMAIN' },
];

describe('pod records', () => {
  const indexes = {
    disabled: buildDnsIndex(cluster, { zone: 'cluster.local', pods: 'disabled' }),
    insecure: buildDnsIndex(cluster, { zone: 'cluster.local', pods: 'insecure' }),
    verified: buildDnsIndex(cluster, { zone: 'cluster.local', pods: 'verified' }),
  };
  it.each(cases)('$name', ({ pods, q, type = 'A', rcode, answers = [] }) => {
    const got = answer(indexes[pods], q, type);
    expect({ rcode: got.rcode, answers: lines(got.answers) }).toEqual({ rcode, answers: lines(answers) });
  });
});
