// The DnsIndex kept current from the API: one reflector per kind the index reads (the kinds of
// CoreDNS's ClusterRole system:coredns: Services, EndpointSlices, Namespaces, and Pods only with
// `pods verified`, the one mode that reads them: CoreDNS kubernetes.go sets initPodCache only
// for podModeVerified; pods are most of a cluster's objects and of their bytes), and a
// rebuild with buildDnsIndex — the pure function `podnet dns` uses — a short while after the last
// change (debounced, 50 ms by default, but at most 500 ms after the first pending change, so a
// steady stream of changes still shows). Queries never wait for a rebuild: they are answered from
// the previous index until the new one replaces it. A build does block the event loop while it
// runs (80-300 ms for 10,000 Services here, depending on the heap limit), so builds are also
// paced: the next one starts no sooner than 2 build-times after the last ended, which caps
// rebuilding at a third of the CPU under any rate of change while a change still shows within 3
// build-times (the idea of kube-proxy's --min-sync-period, derived from the measured build time
// instead of configured). The first index is built as soon as every kind has been
// listed; until then current() is undefined (the server answers SERVFAIL, /ready says 503).
import { emptyCluster } from '../../api/cluster.js';
import type { EndpointSlice, Namespace, Pod, Service } from '../../api/types.js';
import { buildDnsIndex, type DnsIndex, type DnsOptions } from '../records.js';
import { Reflector, type WatchClient } from '../../client/reflector.js';
import { trimForDns } from './trim.js';

/** The kinds watched: Pods only when the pods mode reads them. */
export function dnsKinds(dns: DnsOptions): string[] {
  return ['Namespace', 'Service', 'EndpointSlice', ...(dns.pods === 'verified' ? ['Pod'] : [])];
}

/** The wait after a build, in build-times, before the next may start. */
const BUILD_PACING = 2;

export interface IndexSourceOptions {
  client: WatchClient;
  dns: DnsOptions;
  debounceMs?: number;
  maxDelayMs?: number;
  log?: (line: string) => void;
  /** Called after every build, with its duration in seconds. */
  onBuilt?: (index: DnsIndex, seconds: number) => void;
  backoff?: { minMs: number; maxMs: number };
}

export class ApiIndexSource {
  private readonly reflectors = new Map<string, Reflector>();
  private index: DnsIndex | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pendingSince: number | undefined;
  /** When the last build ended and how long it took (ms, Date.now() clock). */
  private lastBuild = { end: 0, ms: 0 };

  constructor(private readonly opts: IndexSourceOptions) {
    for (const kind of dnsKinds(opts.dns)) {
      const onChange = () => this.schedule();
      const r = new Reflector({
        kind,
        client: opts.client,
        normalize: trimForDns,
        onChange,
        log: opts.log,
        backoff: opts.backoff,
      });
      this.reflectors.set(kind, r);
    }
  }

  start(): void {
    for (const r of this.reflectors.values()) r.start();
  }

  close(): void {
    for (const r of this.reflectors.values()) r.stop();
    clearTimeout(this.timer);
  }

  /** The index built last; undefined until every kind has been listed once. */
  current(): DnsIndex | undefined {
    return this.index;
  }

  private schedule(): void {
    if (![...this.reflectors.values()].every((r) => r.hasSynced)) return;
    const now = Date.now();
    this.pendingSince ??= now;
    const debounce = this.index ? (this.opts.debounceMs ?? 50) : 0;
    const latest = this.pendingSince + (this.opts.maxDelayMs ?? 500) - now;
    const paced = this.lastBuild.end + BUILD_PACING * this.lastBuild.ms - now;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.build(), Math.max(0, Math.min(debounce, latest), paced));
  }

  private build(): void {
    this.timer = undefined;
    this.pendingSince = undefined;
    const start = performance.now();
    const items = (kind: string) => this.reflectors.get(kind)?.items() ?? [];
    const cluster = {
      ...emptyCluster(),
      namespaces: items('Namespace') as Namespace[],
      services: items('Service') as Service[],
      endpointSlices: items('EndpointSlice') as EndpointSlice[],
      pods: items('Pod') as Pod[],
    };
    // Let the old index go before the new one is made: the build runs to its end before any
    // query can, and two indexes at once would double the peak (about 19 MB each at 10,000
    // Services: more than the runtime's 64 MB heap allows beside the objects).
    this.index = undefined;
    this.index = buildDnsIndex(cluster, this.opts.dns);
    const ms = performance.now() - start;
    this.lastBuild = { end: Date.now(), ms };
    this.opts.onBuilt?.(this.index, ms / 1000);
  }
}
