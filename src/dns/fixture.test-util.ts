// Test-only builders: API objects for DNS tests and zone-file-like expected records
// (in the style of CoreDNS plugin/test helpers: test.A("name 5 IN A 1.2.3.4")).
import { emptyCluster, type Cluster } from '../api/cluster.js';
import type {
  Endpoint,
  EndpointPort,
  EndpointSlice,
  Namespace,
  Pod,
  Service,
  ServicePort,
} from '../api/types.js';
import { expect, it } from 'vitest';
import { answer, buildDnsIndex, type DnsIndex } from './records.js';
import type { DnsRecord, Rcode } from './types.js';

export const ns = (name: string): Namespace => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

export function clusterIPService(
  namespace: string,
  name: string,
  ips: string[],
  ports: ServicePort[],
): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace, name },
    spec: { clusterIP: ips[0], clusterIPs: ips, ports },
  };
}

export function headless(namespace: string, name: string, ports: ServicePort[] = []): Service {
  return clusterIPService(namespace, name, ['None'], ports);
}

export function externalName(namespace: string, name: string, target: string): Service {
  const spec = {
    type: 'ExternalName',
    externalName: target,
    ports: [{ name: 'http', protocol: 'TCP' as const, port: 80 }],
  };
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec };
}

/** An EndpointSlice of `service`; `endpoints` as `ip`, `ip=hostname`, with `!` suffix for not ready. */
export function slice(
  namespace: string,
  service: string,
  name: string,
  eps: string[],
  ports: EndpointPort[],
): EndpointSlice {
  const endpoints: Endpoint[] = eps.map((e) => {
    const notReady = e.endsWith('!');
    const [ip, hostname] = e.replace(/!$/, '').split('=');
    return {
      addresses: [ip],
      ...(hostname ? { hostname } : {}),
      ...(notReady ? { conditions: { ready: false } } : {}),
    };
  });
  const addressType = eps[0]?.includes(':') ? 'IPv6' : 'IPv4';
  const labels = { 'kubernetes.io/service-name': service };
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace, name, labels },
    addressType,
    endpoints,
    ports,
  };
}

export function pod(namespace: string, name: string, podIP: string, terminating = false): Pod {
  const metadata = { namespace, name, ...(terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) };
  return { apiVersion: 'v1', kind: 'Pod', metadata, status: { podIP, podIPs: [{ ip: podIP }] } };
}

export function clusterOf(objects: (Namespace | Service | EndpointSlice | Pod)[]): Cluster {
  const c = emptyCluster();
  for (const o of objects) {
    if (o.kind === 'Namespace') c.namespaces.push(o);
    else if (o.kind === 'Service') c.services.push(o);
    else if (o.kind === 'EndpointSlice') c.endpointSlices.push(o);
    else c.pods.push(o);
  }
  return c;
}

const rr =
  (type: string) =>
  (name: string, data: string): DnsRecord => ({ name, type, ttl: 5, data });
export const a = rr('A');
export const aaaa = rr('AAAA');
export const cname = rr('CNAME');
export const ptr = rr('PTR');
export const srv = rr('SRV');
export const txt = (name: string, data: string): DnsRecord => ({ name, type: 'TXT', ttl: 28800, data });

/** Records as sortable zone-file lines, for order-insensitive comparison. */
export const lines = (rs: DnsRecord[]) =>
  rs.map((r) => `${r.name} ${r.ttl} IN ${r.type} ${String(r.data)}`).sort();

// ---- the CoreDNS handler_test.go fixture, shared by the answer tables

export const http = { name: 'http', protocol: 'TCP' as const, port: 80 };
export const Z = 'svc.cluster.local.';
/** The objects of CoreDNS handler_test.go (APIConnServeTest) on our addressing plan. */
export const handlerCluster = clusterOf([
  ns('testns'),
  ns('kube-system'),
  clusterIPService('testns', 'svc1', ['10.96.0.11'], [http]),
  slice('testns', 'svc1', 'svc1-a', ['10.244.0.1=ep1a', '10.244.0.99=double-ep'], [http]),
  slice('testns', 'svc1', 'svc1-b', ['10.244.0.1=ep1a'], [http]), // EndpointSlice skew: same address twice
  clusterIPService('testns', 'svc2', ['10.96.0.15'], [http]),
  slice('testns', 'svc2', 'svc2-a', ['10.244.0.99=double-ep'], [http]),
  clusterIPService('testns', 'svcempty', ['10.96.0.12'], [http]),
  slice('testns', 'svcempty', 'svcempty-a', [], [http]),
  clusterIPService('testns', 'svc6', ['fd00:10:96::6'], [http]),
  clusterIPService('testns', 'svc-dual-stack', ['10.96.0.13', 'fd00:10:96::13'], [http]),
  clusterIPService('testns', 'unnamed', ['10.96.0.14'], [{ protocol: 'TCP', port: 8080 }]),
  headless('testns', 'hdls1'),
  slice(
    'testns',
    'hdls1',
    'hdls1-a',
    ['10.244.0.2', '10.244.0.3', '10.244.0.4=dup-name', '10.244.0.5=dup-name', '10.244.0.9!'],
    [http],
  ),
  slice('testns', 'hdls1', 'hdls1-b', ['fd00:10:244::1', 'fd00:10:244::2'], [http]),
  headless('testns', 'hdlsprtls'),
  slice('testns', 'hdlsprtls', 'hdlsprtls-a', ['10.244.0.20'], []),
  headless('testns', 'hdlsempty', [http]),
  externalName('testns', 'external', 'www.example.com'),
  externalName('testns', 'external-to-service', 'svc1.testns.svc.cluster.local.'),
  externalName('testns', 'external-ip', '203.0.113.7'),
  externalName('testns', 'external-to-missing', 'nope.testns.svc.cluster.local'),
  clusterIPService(
    'kube-system',
    'kube-dns',
    ['10.96.0.10'],
    [
      { name: 'dns', protocol: 'UDP', port: 53 },
      { name: 'dns-tcp', protocol: 'TCP', port: 53 },
    ],
  ),
]);
export const handlerIndex = buildDnsIndex(handlerCluster, { zone: 'cluster.local', pods: 'disabled' });

export interface AnswerCase {
  name: string;
  q: string;
  type: string;
  rcode: Rcode;
  answers?: DnsRecord[];
}

/** One `it` per row: rcode and the answer section (order-insensitive) must match, with a reason. */
export function itAnswers(cases: AnswerCase[], index: DnsIndex = handlerIndex): void {
  it.each(cases)('$name', ({ q, type, rcode, answers = [] }) => {
    const got = answer(index, q, type);
    expect({ rcode: got.rcode, answers: lines(got.answers) }).toEqual({ rcode, answers: lines(answers) });
    expect(got.reason).not.toBe('');
  });
}
