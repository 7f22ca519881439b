// SRV answers: CoreDNS plugin/backend_lookup.go SRV over the items of lookup.ts.
// The spec fixes port and target only (§2.3.2, §2.4.2: priority and weight "are not prescribed");
// the values are CoreDNS's: priority 0 and weight floor(100/N) (at least 1), where N counts the
// items before records with the same target and port are merged.
import type { DnsIndex } from './dns-index.js';
import { services } from './lookup.js';
import { familyOf, type ZoneMatch } from './names.js';
import { negative } from './response.js';
import type { DnsRecord, DnsResponse } from './types.js';

/** backend_lookup.go: every item weighs 100, so each gets 100/(100 N) * 100 (computed the same way). */
export function srvWeight(n: number): number {
  return Math.max(1, Math.floor((100 / (100 * n)) * 100));
}

export function srvAnswer(index: DnsIndex, qname: string, m: ZoneMatch): DnsResponse {
  const f = services(index, m, 'SRV');
  if (f.nx) return negative(index, m, f, 'SRV');
  const weight = srvWeight(f.items.length);
  const answers: DnsRecord[] = [];
  const additional: DnsRecord[] = [];
  const seen = new Set<string>();
  for (const item of f.items) {
    // "Don't add the entry if the port is -1 (invalid)" - objects without declared ports
    if (item.port === -1) continue;
    const target = item.target.toLowerCase();
    if (!seen.has(`${target} ${item.port}`)) {
      seen.add(`${target} ${item.port}`);
      answers.push({
        name: qname,
        type: 'SRV',
        ttl: index.ttl,
        data: `0 ${weight} ${item.port} ${item.target}`,
      });
    }
    if (!seen.has(`${target} @${item.host}`)) {
      seen.add(`${target} @${item.host}`);
      const type = familyOf(item.host) === 6 ? 'AAAA' : 'A';
      additional.push({ name: item.target, type, ttl: index.ttl, data: item.host });
    }
  }
  if (answers.length === 0) return negative(index, m, f, 'SRV');
  return { rcode: 'NOERROR', answers, authority: [], additional, reason: f.why };
}
