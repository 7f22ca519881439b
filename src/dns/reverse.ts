// PTR answers: CoreDNS plugin/kubernetes/reverse.go (serviceRecordForIP) and backend_lookup.go PTR.
// A ClusterIP names its Service (spec §2.3.3); otherwise every ready endpoint with that address
// names `<hostname>.<service>.<ns>.svc.<zone>` (spec §2.4.3; CoreDNS also for ClusterIP Services'
// endpoints and with the dashed IP as hostname). Pod IPs outside endpoints have no PTR.
import type { DnsIndex } from './dns-index.js';
import { records } from './lookup.js';
import { reverseToIP, type ZoneMatch } from './names.js';
import { negative } from './response.js';
import type { DnsRecord, DnsResponse } from './types.js';

export function ptrAnswer(index: DnsIndex, qname: string, m: ZoneMatch): DnsResponse {
  const ip = reverseToIP(qname);
  // Not a full reverse name: NODATA or NXDOMAIN by whether the name exists (reverse.go Reverse).
  if (!ip) return negative(index, m, records(index, m), 'PTR');
  const ptr = (target: string): DnsRecord => ({ name: qname, type: 'PTR', ttl: index.ttl, data: target });

  // "First check services with cluster ips": only the first Service is answered.
  const svc = index.serviceByIP.get(ip)?.[0];
  if (svc) {
    const target = `${svc.name}.${svc.namespace}.svc.${index.zone}`;
    const reason = `${ip} is the ClusterIP of service ${svc.namespace}/${svc.name}`;
    return { rcode: 'NOERROR', answers: [ptr(target)], authority: [], additional: [], reason };
  }
  // "If no cluster ips match, search endpoints": one PTR per Service, duplicates merged.
  const refs = index.endpointByIP.get(ip) ?? [];
  const targets = [
    ...new Set(refs.map((r) => `${r.hostname}.${r.service}.${r.namespace}.svc.${index.zone}`)),
  ];
  if (targets.length === 0) {
    return negative(
      index,
      m,
      { items: [], nx: true, why: `${ip} is no ClusterIP nor ready endpoint address` },
      'PTR',
    );
  }
  const owners = [...new Set(refs.map((r) => `${r.namespace}/${r.service}`))].join(', ');
  const reason = `${ip} is a ready endpoint address of service ${owners}`;
  return { rcode: 'NOERROR', answers: targets.map(ptr), authority: [], additional: [], reason };
}
