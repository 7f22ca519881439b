import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../api/cluster.js';
import type { EndpointSlice, Namespace, Pod, Service } from '../../api/types.js';
import { answer, buildDnsIndex } from '../records.js';
import { fixtures, namesOf, TYPES } from './questions.test-util.js';
import { trimForDns } from './trim.js';

function trimmed(c: Cluster): Cluster {
  return {
    ...c,
    namespaces: c.namespaces.map((o) => trimForDns(o) as Namespace),
    services: c.services.map((o) => trimForDns(o) as Service),
    endpointSlices: c.endpointSlices.map((o) => trimForDns(o) as EndpointSlice),
    pods: c.pods.map((o) => trimForDns(o) as Pod),
  };
}

describe.each(fixtures())('$name', ({ cluster, dns }) => {
  // What the index source builds from: trimmed objects, and Pods only with pods verified.
  it('answers the same from trimmed objects, without Pods unless verified', () => {
    const full = buildDnsIndex(cluster, dns);
    const cut = trimmed(cluster);
    const watched = buildDnsIndex(dns.pods === 'verified' ? cut : { ...cut, pods: [] }, dns);
    for (const name of namesOf(cluster, full.zone)) {
      for (const type of TYPES) {
        expect(answer(watched, name, type), `${name} ${type}`).toEqual(answer(full, name, type));
      }
    }
  });
});

describe('trimForDns', () => {
  it('keeps only what the index reads', () => {
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-1',
        namespace: 'shop',
        uid: 'u',
        resourceVersion: '42',
        labels: { app: 'web' },
        annotations: { big: 'x'.repeat(1000) },
        deletionTimestamp: '2026-01-01T00:00:00Z',
      },
      spec: { containers: [{ name: 'web', image: 'nginx' }], nodeName: 'node-1' },
      status: { phase: 'Running', podIP: '10.244.1.5', podIPs: [{ ip: '10.244.1.5' }], hostIP: '172.18.0.2' },
    };
    expect(trimForDns(pod)).toEqual({
      kind: 'Pod',
      metadata: {
        name: 'web-1',
        namespace: 'shop',
        resourceVersion: '42',
        deletionTimestamp: '2026-01-01T00:00:00Z',
      },
      status: { podIP: '10.244.1.5' },
    });
  });

  it('keeps the service-name label of a slice and drops the others', () => {
    const s: EndpointSlice = {
      kind: 'EndpointSlice',
      metadata: {
        name: 'web-abc',
        namespace: 'shop',
        labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'x' },
      },
      addressType: 'IPv4',
      endpoints: [
        {
          addresses: ['10.244.1.5'],
          conditions: { ready: true, serving: true, terminating: false },
          nodeName: 'node-1',
          targetRef: { kind: 'Pod', name: 'web-1' },
        },
      ],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' } as never],
    };
    expect(trimForDns(s)).toEqual({
      kind: 'EndpointSlice',
      metadata: { name: 'web-abc', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.244.1.5'] }], // ready: true is what absent means
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
    const notReady = { ...s, endpoints: [{ addresses: ['10.244.1.6'], conditions: { ready: false } }] };
    expect(trimForDns(notReady)).toMatchObject({
      endpoints: [{ addresses: ['10.244.1.6'], conditions: { ready: false } }],
    });
    expect(JSON.stringify(trimForDns(s))).not.toMatch(/nodeName|targetRef|managed-by|appProtocol|serving/);
  });
});
