// answer(): a question (name, type) and a DnsIndex -> a DNS response, pure. The record-type
// logic is CoreDNS's plugin/backend_lookup.go (A, AAAA, SRV, TXT, CNAME, PTR) and
// plugin/kubernetes/handler.go (rcodes, SOA, NS, other types); what exists is lookup.ts.
import { buildDnsIndex, type DnsIndex } from './dns-index.js';
import { services } from './lookup.js';
import { familyOf, fqdn, hostAddress, matchZone, type ZoneMatch } from './names.js';
import { negative, ok, soaRecord } from './response.js';
import { ptrAnswer } from './reverse.js';
import { srvAnswer } from './srv.js';
import type { DnsRecord, DnsResponse } from './types.js';

export type { DnsOptions, DnsRecord, DnsResponse, PodsMode, Rcode } from './types.js';
export type { DnsIndex } from './dns-index.js';
export { buildDnsIndex };

/** CoreDNS kubernetes.go: the dns-version record's TTL. */
const SCHEMA_TTL = 28800;
/** backend_lookup.go maxCnameChainLength. */
const MAX_CNAME_CHAIN = 10;

/** True when `child` equals `parent` or lies below it (absolute names, any case). */
function within(child: string, parent: string): boolean {
  const c = child.toLowerCase();
  const p = parent.toLowerCase();
  return c === p || p === '.' || c.endsWith(`.${p}`);
}

/**
 * backend_lookup.go A/AAAA: addresses of the family, duplicates dropped; an ExternalName alias
 * adds its CNAME, followed inside the zone ("x CNAME x" loops and repeats skipped). Outside the
 * zone an upstream would resolve the target; none is configured, so the CNAME stands alone.
 */
function addresses(index: DnsIndex, qname: string, m: ZoneMatch, type: 'A' | 'AAAA', chain: string[]) {
  const f = services(index, m, type);
  const out: DnsRecord[] = [];
  const seen = new Set<string>();
  let why = f.why;
  for (const item of f.items) {
    const address = hostAddress(item.host);
    if (address !== null) {
      if ((address.family === 4 ? 'A' : 'AAAA') === type && !seen.has(address.ip)) {
        seen.add(address.ip);
        out.push({ name: qname, type, ttl: index.ttl, data: address.ip });
      }
      continue;
    }
    const target = fqdn(item.host);
    // chain holds the question and the CNAMEs already answered; CoreDNS counts only the latter
    // (len(previousRecords) > maxCnameChainLength), so an 11th hop still resolves.
    const cnames = chain.length - 1;
    if (within(target, qname) || cnames > MAX_CNAME_CHAIN || chain.includes(target.toLowerCase())) continue;
    const cname: DnsRecord = { name: qname, type: 'CNAME', ttl: index.ttl, data: target };
    const tm = matchZone(target, [m.zone]);
    if (!tm) {
      out.push(cname);
      why = `${f.why}; no upstream is configured to resolve ${target}, so only the CNAME is answered`;
      continue;
    }
    const next = addresses(index, target, tm, type, [...chain, target.toLowerCase()]);
    if (!next.f.nx && next.records.length > 0) {
      out.push(cname, ...next.records);
      why = `${f.why}; ${next.why}`;
    }
  }
  return { f, records: out, why };
}

function addressAnswer(index: DnsIndex, qname: string, m: ZoneMatch, type: 'A' | 'AAAA'): DnsResponse {
  const { f, records, why } = addresses(index, qname, m, type, [qname.toLowerCase()]);
  if (f.nx || records.length === 0) return negative(index, m, f, type);
  return ok(records, why);
}

function txtAnswer(index: DnsIndex, qname: string, m: ZoneMatch): DnsResponse {
  const f = services(index, m, 'TXT');
  const texts = [...new Set(f.items.flatMap((i) => (i.text === undefined ? [] : [i.text])))];
  if (f.nx || texts.length === 0) return negative(index, m, f, 'TXT');
  return ok(
    texts.map((data) => ({ name: qname, type: 'TXT', ttl: SCHEMA_TTL, data })),
    `${f.why} (Kubernetes DNS specification §2.2)`,
  );
}

/** backend_lookup.go CNAME: the first item, when it is a name rather than an address. */
function cnameAnswer(index: DnsIndex, qname: string, m: ZoneMatch): DnsResponse {
  const f = services(index, m, 'CNAME');
  const first = f.items[0];
  if (f.nx || !first || familyOf(first.host) !== null) return negative(index, m, f, 'CNAME');
  return ok([{ name: qname, type: 'CNAME', ttl: index.ttl, data: fqdn(first.host) }], f.why);
}

function nsAnswer(index: DnsIndex, qname: string, m: ZoneMatch): DnsResponse {
  const ns = `ns.dns.${m.spelled}`;
  const glue = m.zone === index.zone ? index.nameserverIPs : [];
  const type = (ip: string) => (familyOf(ip) === 6 ? 'AAAA' : 'A');
  const additional = glue.map((ip) => ({ name: ns, type: type(ip), ttl: index.ttl, data: ip }));
  return ok(
    [{ name: qname, type: 'NS', ttl: index.ttl, data: ns }],
    'the zone names its server ns.dns',
    additional,
  );
}

/**
 * Answers one question. `name` may lack its trailing dot (it is taken as absolute); owner names
 * echo its spelling (CoreDNS handler_case_test.go). Names outside the cluster zone and the
 * reverse zones get SERVFAIL: there is no upstream (CoreDNS plugin.NextOrFailure).
 */
export function answer(index: DnsIndex, name: string, type: string): DnsResponse {
  const qname = fqdn(name);
  const qtype = type.toUpperCase();
  const m = matchZone(qname, index.zones);
  if (!m) {
    const reason = `no upstream configured: ${qname} is outside ${index.zones.join(', ')}`;
    return { rcode: 'SERVFAIL', answers: [], authority: [], additional: [], reason };
  }
  const apex = m.rel.length === 0;
  switch (qtype) {
    case 'A':
    case 'AAAA':
      return addressAnswer(index, qname, m, qtype);
    case 'SRV':
      return srvAnswer(index, qname, m);
    case 'TXT':
      return txtAnswer(index, qname, m);
    case 'CNAME':
      return cnameAnswer(index, qname, m);
    case 'PTR':
      return ptrAnswer(index, qname, m);
    case 'SOA': // handler.go: a SOA only at the apex; elsewhere NOERROR without records
      if (apex) return ok([soaRecord(index, m)], `${m.spelled} is the apex of a served zone`);
      return negative(index, m, { items: [], nx: false, why: `SOA exists only at ${m.spelled}` }, 'SOA');
    case 'AXFR':
    case 'IXFR':
      return {
        rcode: 'REFUSED',
        answers: [],
        authority: [],
        additional: [],
        reason: 'zone transfers are refused',
      };
    case 'NS': // handler.go: NS records at the apex; elsewhere the fake A lookup below
      if (apex) return nsAnswer(index, qname, m);
      return negative(index, m, services(index, m, 'A'), qtype);
    default: // "Do a fake A lookup, so we can distinguish between NODATA and NXDOMAIN"
      return negative(index, m, services(index, m, 'A'), qtype);
  }
}
