// DNS name helpers: absolute names, zone matching, dashed-IP labels and reverse (PTR) names.
// Pure text functions; every comparison is case-insensitive (spec §2.1: "All comparisons between
// query data and data in Kubernetes are case-insensitive").
import { formatIP, parseIP } from '../lib/netaddr/index.js';

/** `name` made absolute: a trailing dot is added when missing; the root is `.`. */
export function fqdn(name: string): string {
  if (name === '' || name === '.') return '.';
  return name.endsWith('.') ? name : `${name}.`;
}

/** Labels of an absolute or relative name, left to right (`a.b.` -> [a, b]; `.` -> []). */
export function splitLabels(name: string): string[] {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  return n === '' ? [] : n.split('.');
}

export interface ZoneMatch {
  /** The served zone, lower case, absolute. */
  zone: string;
  /** The zone as spelled in the question (CoreDNS handler.go: "maintain case of original query"). */
  spelled: string;
  /** Lower-case labels left of the zone. */
  rel: string[];
}

/** The longest of `zones` that contains `qname` (absolute), or null (CoreDNS plugin.Zones.Matches). */
export function matchZone(qname: string, zones: string[]): ZoneMatch | null {
  const labels = splitLabels(qname);
  const lower = labels.map((l) => l.toLowerCase());
  let best: ZoneMatch | null = null;
  for (const zone of zones) {
    const zl = splitLabels(zone);
    if (zl.length > lower.length || (best && zl.length <= splitLabels(best.zone).length)) continue;
    const tail = lower.slice(lower.length - zl.length);
    if (tail.join('.') !== zl.join('.').toLowerCase()) continue;
    const cut = labels.length - zl.length;
    best = {
      zone: fqdn(zone.toLowerCase()),
      spelled: fqdn(labels.slice(cut).join('.')),
      rel: lower.slice(0, cut),
    };
  }
  return best;
}

/** Canonical text of an IP address (RFC 5952 for IPv6), or null when `s` is not one. */
export function canonicalIP(s: string): string | null {
  const ip = parseIP(s);
  return ip ? formatIP(ip) : null;
}

/**
 * The endpoint name CoreDNS derives for an address without a hostname (kubernetes.go
 * endpointHostname): every `.` or `:` becomes `-`, and an IPv6 text ending in `-` gets a `0`.
 */
export function dashedIP(ip: string): string {
  if (ip.includes('.')) return ip.replaceAll('.', '-');
  if (ip.includes(':')) {
    const d = ip.replaceAll(':', '-');
    return d.endsWith('-') ? `${d}0` : d;
  }
  return '';
}

/**
 * The address written in a pod label (`10-244-1-5`, `fd00-10-244--5`), as CoreDNS findPods reads
 * it: exactly three dashes and no `--` is IPv4, anything else is IPv6. The text is returned as
 * converted (verified mode compares it with status.podIP as a string); null when it is no address.
 */
export function podLabelToIP(label: string): string | null {
  const dashes = label.split('-').length - 1;
  const ip = dashes === 3 && !label.includes('--') ? label.replaceAll('-', '.') : label.replaceAll('-', ':');
  return parseIP(ip) ? ip : null;
}

/**
 * The address named by a full reverse name (`4.3.2.1.in-addr.arpa.`, 32 nibbles `.ip6.arpa.`),
 * canonical, or null (CoreDNS dnsutil.ExtractAddressFromReverse).
 */
export function reverseToIP(qname: string): string | null {
  const labels = splitLabels(qname.toLowerCase());
  const n = labels.length;
  if (n > 2 && labels[n - 2] === 'in-addr' && labels[n - 1] === 'arpa') {
    return canonicalIP(labels.slice(0, -2).reverse().join('.'));
  }
  if (n > 2 && labels[n - 2] === 'ip6' && labels[n - 1] === 'arpa') {
    const nibbles = labels.slice(0, -2).reverse();
    if (nibbles.length !== 32 || !nibbles.every((x) => /^[0-9a-f]$/.test(x))) return null;
    const groups: string[] = [];
    for (let i = 0; i < 32; i += 4) groups.push(nibbles.slice(i, i + 4).join(''));
    // reverse6 returns Go's net.IP String(), dotted decimal for an IPv4-mapped address, so the
    // ip6.arpa name of ::ffff:10.96.0.1 finds the IPv4 ClusterIP 10.96.0.1.
    return hostAddress(groups.join(':'))?.ip ?? null;
  }
  return null;
}

/** The reverse name of an address (spec §2.3.3): `d.c.b.a.in-addr.arpa.` or 32 nibbles in `ip6.arpa.`. */
export function ipToReverse(s: string): string {
  const ip = parseIP(s);
  if (!ip) throw new Error(`not an IP address: ${s}`);
  if (ip.family === 4) return `${formatIP(ip).split('.').reverse().join('.')}.in-addr.arpa.`;
  const hex = ip.value.toString(16).padStart(32, '0');
  return `${[...hex].reverse().join('.')}.ip6.arpa.`;
}

/** IP family of a canonical address text. */
export function familyOf(ip: string): 4 | 6 | null {
  return parseIP(ip)?.family ?? null;
}

const V4_MAPPED_PREFIX = 0xffffn; // ::ffff:0:0/96, the 96 bits above an IPv4-mapped address

/**
 * The address record an item's host becomes, typed as CoreDNS types it (plugin/etcd/msg
 * HostType: `ip.To4() != nil` is A): an IPv4-mapped IPv6 address, which a pod name such as
 * `0-0-0-0-0-ffff-af4-311` spells, answers A 10.244.3.17 and no AAAA. The address is written
 * canonically (`fd00::11` for the pod name `fd00-0-0-0-0-0-0-11`), as Go prints a net.IP. Null
 * for a name.
 */
export function hostAddress(host: string): { family: 4 | 6; ip: string } | null {
  const ip = parseIP(host);
  if (!ip) return null;
  if (ip.family === 6 && ip.value >> 32n === V4_MAPPED_PREFIX) {
    return { family: 4, ip: formatIP({ family: 4, value: ip.value & 0xffffffffn }) };
  }
  return { family: ip.family, ip: formatIP(ip) };
}
