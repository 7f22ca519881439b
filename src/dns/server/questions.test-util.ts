// Test-only: the DNS fixtures of src/dns (the CoreDNS handler fixture in three pods modes, the
// pods fixture, a headless Service of 100 endpoints) and the conformance cases
// (test/conformance/dns, ../shared/conformance/dns), and every question worth asking of each:
// for every name the objects make (services, ports, endpoints, pods, reverse names of every
// address, structural names, near misses, case variants, names outside the zones) every type.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { emptyCluster, type Cluster } from '../../api/cluster.js';
import type { EndpointSlice, KubeObject, Namespace, Pod, Service } from '../../api/types.js';
import { clusterOf, handlerCluster, headless, http, ns, pod, slice } from '../fixture.test-util.js';
import { dashedIP, ipToReverse } from '../names.js';
import type { DnsOptions, PodsMode } from '../records.js';

export interface Fixture {
  name: string;
  cluster: Cluster;
  dns: DnsOptions;
}

export const TYPES = ['A', 'AAAA', 'SRV', 'PTR', 'CNAME', 'TXT', 'SOA', 'NS', 'MX', 'ANY'];

const podsCluster = clusterOf([
  ns('podns'),
  pod('podns', 'foo', '10.244.1.7'),
  pod('podns', 'v6', 'fd00:10:244:1::8'),
  pod('podns', 'leaving', '10.244.1.9', true),
]);

const bigCluster = clusterOf([
  ns('big'),
  headless('big', 'many', [http]),
  slice(
    'big',
    'many',
    'many-a',
    Array.from({ length: 100 }, (_, i) => `10.244.${1 + (i >> 8)}.${i & 255}`),
    [http],
  ),
]);

function loadCase(dir: string): Cluster {
  const c = emptyCluster();
  for (const doc of parseAllDocuments(readFileSync(join(dir, 'objects.yaml'), 'utf8'))) {
    const o = doc.toJS() as KubeObject | null;
    if (o?.kind === 'Namespace') c.namespaces.push(o as Namespace);
    else if (o?.kind === 'Service') c.services.push(o as Service);
    else if (o?.kind === 'EndpointSlice') c.endpointSlices.push(o as EndpointSlice);
    else if (o?.kind === 'Pod') c.pods.push(o as Pod);
  }
  return c;
}

function conformanceCases(root: string): Fixture[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'expect.json')))
    .map((d) => {
      const expect = JSON.parse(readFileSync(join(root, d.name, 'expect.json'), 'utf8')) as {
        clusterDomain?: string;
        config?: { pods?: PodsMode };
      };
      return {
        name: `${root.split('/').slice(-3, -1).join('/')}/${d.name}`,
        cluster: loadCase(join(root, d.name)),
        dns: { zone: expect.clusterDomain ?? 'cluster.local', pods: expect.config?.pods ?? 'disabled' },
      };
    });
}

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export function fixtures(): Fixture[] {
  const zone = 'cluster.local';
  return [
    ...(['disabled', 'insecure', 'verified'] as const).map((pods) => ({
      name: `handler fixture, pods ${pods}`,
      cluster: handlerCluster,
      dns: { zone, pods },
    })),
    { name: 'pods fixture, verified', cluster: podsCluster, dns: { zone, pods: 'verified' } },
    { name: 'pods fixture, insecure', cluster: podsCluster, dns: { zone, pods: 'insecure' } },
    { name: '100 endpoints', cluster: bigCluster, dns: { zone, pods: 'disabled' } },
    ...conformanceCases(here('../../../test/conformance/dns/')),
    ...conformanceCases(here('../../../../shared/conformance/dns/')),
  ];
}

/** Every name the objects make, and some that nearly match. */
export function namesOf(c: Cluster, zone: string): string[] {
  const names = new Set<string>([
    zone,
    `svc.${zone}`,
    `pod.${zone}`,
    `dns-version.${zone}`,
    `ns.dns.${zone}`,
  ]);
  names.add('www.example.com').add('in-addr.arpa').add('1.2.3.4.in-addr.arpa').add(`a.b.c.d.e.svc.${zone}`);
  const ips = new Set<string>();
  for (const n of c.namespaces) {
    names
      .add(`${n.metadata.name}.svc.${zone}`)
      .add(`${n.metadata.name}.pod.${zone}`)
      .add(`nope.${n.metadata.name}.svc.${zone}`);
  }
  for (const s of c.services) {
    const base = `${s.metadata.name}.${s.metadata.namespace}.svc.${zone}`;
    names.add(base).add(base.toUpperCase()).add(`x.${base}`).add(`_nope._tcp.${base}`);
    for (const p of s.spec?.ports ?? [])
      names.add(`_${p.name ?? ''}._${(p.protocol ?? 'TCP').toLowerCase()}.${base}`);
    for (const ip of s.spec?.clusterIPs ?? [s.spec?.clusterIP ?? '']) if (ip && ip !== 'None') ips.add(ip);
  }
  for (const sl of c.endpointSlices) {
    const svc = sl.metadata.labels?.['kubernetes.io/service-name'];
    for (const e of sl.endpoints ?? []) {
      for (const ip of e.addresses) {
        ips.add(ip);
        names.add(`${e.hostname ?? dashedIP(ip)}.${svc}.${sl.metadata.namespace}.svc.${zone}`);
      }
    }
  }
  for (const p of c.pods) {
    const ip = p.status?.podIP;
    if (!ip) continue;
    ips.add(ip);
    names.add(`${dashedIP(ip)}.${p.metadata.namespace}.pod.${zone}`);
  }
  for (const ip of ips) {
    try {
      names.add(ipToReverse(ip));
    } catch {
      // not an address (an FQDN slice): no reverse name
    }
  }
  return [...names];
}
