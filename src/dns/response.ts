// Response builders shared by the record types: positive answers and negative ones with the SOA.
import type { DnsIndex } from './dns-index.js';
import type { Found } from './lookup.js';
import type { ZoneMatch } from './names.js';
import type { DnsRecord, DnsResponse } from './types.js';

/** The SOA CoreDNS puts in the authority section of negative answers (backend_lookup.go SOA). */
export function soaRecord(index: DnsIndex, m: ZoneMatch): DnsRecord {
  const z = m.spelled;
  const data = `ns.dns.${z} hostmaster.${z} ${index.serial} 7200 1800 86400 ${index.ttl}`;
  return { name: z, type: 'SOA', ttl: Math.min(index.ttl, 300), data };
}

export function negative(index: DnsIndex, m: ZoneMatch, f: Found, qtype: string): DnsResponse {
  const reason = f.nx ? f.why : `${f.why}, but there is no ${qtype} record`;
  const rcode = f.nx ? 'NXDOMAIN' : 'NOERROR';
  return { rcode, answers: [], authority: [soaRecord(index, m)], additional: [], reason };
}

export const ok = (answers: DnsRecord[], reason: string, additional: DnsRecord[] = []): DnsResponse => ({
  rcode: 'NOERROR',
  answers,
  authority: [],
  additional,
  reason,
});
