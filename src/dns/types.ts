// The DNS module's public shapes (re-exported by records.ts, the contract of DESIGN.md §3).

/** CoreDNS kubernetes plugin `pods` option (README.md "pods POD-MODE"). */
export type PodsMode = 'disabled' | 'insecure' | 'verified';

export type Rcode = 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' | 'NOTIMP';

/**
 * One resource record, class IN. `data`: A/AAAA the address; CNAME/PTR/NS the target with a
 * trailing dot; SRV `"priority weight port target."`; TXT the string; SOA
 * `"mname. rname. serial refresh retry expire minimum"`.
 */
export interface DnsRecord {
  name: string;
  type: string;
  ttl: number;
  data: string | string[];
}

export interface DnsResponse {
  rcode: Rcode;
  answers: DnsRecord[];
  authority: DnsRecord[];
  additional: DnsRecord[];
  /** One sentence: why this answer. */
  reason: string;
}

export interface DnsOptions {
  /** The cluster domain, e.g. `cluster.local` (with or without trailing dot). */
  zone: string;
  pods: PodsMode;
  /** TTL of every record but dns-version (28800, as CoreDNS). Default 5 (CoreDNS defaultTTL). */
  ttl?: number;
  /**
   * SOA serial of negative answers; CoreDNS uses the last-modified time of its caches, and so does
   * the server (index-source.ts). Default 1.
   */
  serial?: number;
}
