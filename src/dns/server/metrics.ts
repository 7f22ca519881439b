// Prometheus metrics of the server, under CoreDNS's names and labels (plugin/metrics/README.md,
// plugin/metrics/vars/report.go, plugin/forward/README.md), because the workload stands in for
// the coredns image: kube-prometheus dashboards and alerts, and the DNS SLI tooling, read these
// names. What CoreDNS has no metric for is named podnet_dns_*. Labels: `server` is the listen
// address as CoreDNS writes it (`dns://:53`), `view` is always empty (no views), `zone` is the
// served zone the name fell in (`.` for other names, `dropped` for rejected requests) where
// CoreDNS's default Corefile, one server block for `.`, would write `.` for all.
import { collectDefaultMetrics, Counter, exponentialBuckets, Histogram, Registry } from 'prom-client';
import type { Served } from './responder.js';

/** report.go monitorType: query types with their own label value; the rest are "other". */
const MONITORED = new Set(
  'A AAAA CNAME DNSKEY DS MX NSEC3 NSEC NS PTR RRSIG SOA SRV TXT IXFR AXFR ANY HTTPS'.split(' '),
);
/** CoreDNS plugin.TimeBuckets: 0.25 ms to 8 s. */
const TIME_BUCKETS = exponentialBuckets(0.00025, 2, 16);

export class DnsMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter;
  private readonly responses: Counter;
  private readonly duration: Histogram;
  private readonly forwarded: Histogram;
  private readonly cacheHits: Counter;
  private readonly cacheMisses: Counter;
  private readonly builds: Histogram;
  private readonly updates: Histogram;

  constructor(
    private readonly server: string,
    private readonly upstream?: string,
  ) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'coredns_dns_requests_total',
      help: 'Counter of DNS requests made per zone, protocol and family.',
      labelNames: ['server', 'zone', 'view', 'proto', 'family', 'type'],
      registers,
    });
    this.responses = new Counter({
      name: 'coredns_dns_responses_total',
      help: 'Counter of response status codes.',
      labelNames: ['server', 'zone', 'view', 'rcode', 'plugin'],
      registers,
    });
    this.duration = new Histogram({
      name: 'coredns_dns_request_duration_seconds',
      help: 'Histogram of the time (in seconds) each request took per zone.',
      labelNames: ['server', 'zone', 'view', 'type'],
      buckets: TIME_BUCKETS,
      registers,
    });
    this.forwarded = new Histogram({
      name: 'coredns_proxy_request_duration_seconds',
      help: 'Histogram of the time each request took.',
      labelNames: ['proxy_name', 'to', 'rcode'],
      buckets: TIME_BUCKETS,
      registers,
    });
    this.cacheHits = new Counter({
      name: 'podnet_dns_reply_cache_hits_total',
      help: 'Replies copied from the encoded replies of the current index.',
      labelNames: ['server'],
      registers,
    });
    this.cacheMisses = new Counter({
      name: 'podnet_dns_reply_cache_misses_total',
      help: 'Replies computed by answer() and encoded.',
      labelNames: ['server'],
      registers,
    });
    this.builds = new Histogram({
      name: 'podnet_dns_index_build_duration_seconds',
      help: 'Time to build the DNS index from the watched objects (the event loop is blocked meanwhile).',
      buckets: exponentialBuckets(0.001, 2, 13),
      registers,
    });
    this.updates = new Histogram({
      name: 'podnet_dns_index_update_duration_seconds',
      help: 'Time to apply one watched change to the DNS index in place (the event loop is blocked meanwhile).',
      buckets: exponentialBuckets(0.00001, 2, 14),
      registers,
    });
    collectDefaultMetrics({ register: this.registry });
  }

  /** Records one reply (the responder's onServed). */
  served(s: Served): void {
    const type = MONITORED.has(s.type) ? s.type : 'other';
    const server = this.server;
    const family = s.family === 6 ? '2' : '1';
    this.requests.inc({ server, zone: s.zone, view: '', proto: s.proto, family, type });
    this.responses.inc({ server, zone: s.zone, view: '', rcode: s.rcode, plugin: s.plugin });
    this.duration.observe({ server, zone: s.zone, view: '', type }, s.seconds);
    if (s.plugin === 'forward') {
      this.forwarded.observe({ proxy_name: 'forward', to: this.upstream ?? '', rcode: s.rcode }, s.seconds);
    } else if (s.plugin === 'kubernetes') {
      (s.cached ? this.cacheHits : this.cacheMisses).inc({ server });
    }
  }

  indexBuilt(seconds: number): void {
    this.builds.observe(seconds);
  }

  indexUpdated(seconds: number): void {
    this.updates.observe(seconds);
  }

  /** The text exposition format for /metrics. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
