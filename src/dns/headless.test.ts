// Headless services, endpoint names and ExternalName aliases (spec 2.4.1, 2.5); cases from
// CoreDNS plugin/kubernetes/handler_test.go dnsTestCases.
import { describe } from 'vitest';
import { a, aaaa, cname, itAnswers, Z, type AnswerCase } from './fixture.test-util.js';

const cases: AnswerCase[] = [
  // -- headless A/AAAA and endpoint names (spec 2.4.1)
  {
    name: 'handler_test: A headless, not-ready endpoint left out',
    q: `hdls1.testns.${Z}`,
    type: 'A',
    rcode: 'NOERROR',
    answers: ['10.244.0.2', '10.244.0.3', '10.244.0.4', '10.244.0.5'].map((ip) => a(`hdls1.testns.${Z}`, ip)),
  },
  {
    name: 'handler_test: AAAA headless',
    q: `hdls1.testns.${Z}`,
    type: 'AAAA',
    rcode: 'NOERROR',
    answers: ['fd00:10:244::1', 'fd00:10:244::2'].map((ip) => aaaa(`hdls1.testns.${Z}`, ip)),
  },
  {
    name: 'handler_test: A headless and portless',
    q: `hdlsprtls.testns.${Z}`,
    type: 'A',
    rcode: 'NOERROR',
    answers: [a(`hdlsprtls.testns.${Z}`, '10.244.0.20')],
  },
  {
    name: 'spec 2.4.1: headless without ready endpoints is NXDOMAIN',
    q: `hdlsempty.testns.${Z}`,
    type: 'A',
    rcode: 'NXDOMAIN',
  },
  {
    name: 'handler_test: endpoint by dashed IP',
    q: `10-244-0-2.hdls1.testns.${Z}`,
    type: 'A',
    rcode: 'NOERROR',
    answers: [a(`10-244-0-2.hdls1.testns.${Z}`, '10.244.0.2')],
  },
  {
    name: 'handler_test: endpoint by dashed IPv6',
    q: `fd00-10-244--1.hdls1.testns.${Z}`,
    type: 'AAAA',
    rcode: 'NOERROR',
    answers: [aaaa(`fd00-10-244--1.hdls1.testns.${Z}`, 'fd00:10:244::1')],
  },
  {
    name: 'handler_test: endpoint without port',
    q: `10-244-0-20.hdlsprtls.testns.${Z}`,
    type: 'A',
    rcode: 'NOERROR',
    answers: [a(`10-244-0-20.hdlsprtls.testns.${Z}`, '10.244.0.20')],
  },
  {
    name: 'handler_test: endpoint hostname with two addresses',
    q: `dup-name.hdls1.testns.${Z}`,
    type: 'A',
    rcode: 'NOERROR',
    answers: ['10.244.0.4', '10.244.0.5'].map((ip) => a(`dup-name.hdls1.testns.${Z}`, ip)),
  },
  {
    name: 'handler_test: bogus endpoint',
    q: `bogusendpoint.hdls1.testns.${Z}`,
    type: 'A',
    rcode: 'NXDOMAIN',
  },
  {
    name: 'handler_test: endpoint of missing service',
    q: `bogusendpoint.svc0.testns.${Z}`,
    type: 'A',
    rcode: 'NXDOMAIN',
  },
  { name: 'not-ready endpoint has no name', q: `10-244-0-9.hdls1.testns.${Z}`, type: 'A', rcode: 'NXDOMAIN' },
  {
    name: 'CoreDNS: endpoint names of a ClusterIP service',
    q: `ep1a.svc1.testns.${Z}`,
    type: 'A',
    rcode: 'NOERROR',
    answers: [a(`ep1a.svc1.testns.${Z}`, '10.244.0.1')],
  },
  {
    name: 'endpoint with hostname has no dashed name',
    q: `10-244-0-1.svc1.testns.${Z}`,
    type: 'A',
    rcode: 'NXDOMAIN',
  },
  {
    name: 'endpoint name with IPv4 only is NODATA for AAAA',
    q: `ep1a.svc1.testns.${Z}`,
    type: 'AAAA',
    rcode: 'NOERROR',
  },
  {
    name: 'parse.go: names longer than _port._proto are NXDOMAIN',
    q: `a.b.c.svc1.testns.${Z}`,
    type: 'A',
    rcode: 'NXDOMAIN',
  },
  // -- ExternalName (spec 2.5)
  {
    name: 'handler_test: CNAME external',
    q: `external.testns.${Z}`,
    type: 'CNAME',
    rcode: 'NOERROR',
    answers: [cname(`external.testns.${Z}`, 'www.example.com.')],
  },
  {
    name: 'no upstream: A external answers the CNAME only',
    q: `external.testns.${Z}`,
    type: 'A',
    rcode: 'NOERROR',
    answers: [cname(`external.testns.${Z}`, 'www.example.com.')],
  },
  {
    name: 'handler_test: CNAME external to internal service is followed',
    q: `external-to-service.testns.${Z}`,
    type: 'A',
    rcode: 'NOERROR',
    answers: [
      cname(`external-to-service.testns.${Z}`, `svc1.testns.${Z}`),
      a(`svc1.testns.${Z}`, '10.96.0.11'),
    ],
  },
  {
    name: 'handler_test: subdomain of external',
    q: `endpoint.external.testns.${Z}`,
    type: 'CNAME',
    rcode: 'NXDOMAIN',
  },
  {
    name: 'handler_test: sub-subdomain of external',
    q: `subdomain.subdomain.external.testns.${Z}`,
    type: 'CNAME',
    rcode: 'NXDOMAIN',
  },
  {
    name: 'kubernetes.go Services: no SRV for ExternalName',
    q: `external.testns.${Z}`,
    type: 'SRV',
    rcode: 'NOERROR',
  },
  {
    name: 'ExternalName with an IP is not served',
    q: `external-ip.testns.${Z}`,
    type: 'A',
    rcode: 'NXDOMAIN',
  },
  { name: 'CNAME of a ClusterIP service is NODATA', q: `svc1.testns.${Z}`, type: 'CNAME', rcode: 'NOERROR' },
  {
    name: 'backend_lookup.go: CNAME to a missing in-zone name is dropped (NODATA)',
    q: `external-to-missing.testns.${Z}`,
    type: 'A',
    rcode: 'NOERROR',
  },
  {
    name: 'wildcards are not served (CoreDNS removed them)',
    q: `*.testns.${Z}`,
    type: 'A',
    rcode: 'NXDOMAIN',
  },
];

describe('answer: headless, endpoints, ExternalName', () => itAnswers(cases));
