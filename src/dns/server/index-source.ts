// The DnsIndex kept current from the API: one reflector per kind the index reads (the kinds of
// CoreDNS's ClusterRole system:coredns: Services, EndpointSlices, Namespaces, and Pods only with
// `pods verified`, the one mode that reads them: CoreDNS kubernetes.go sets initPodCache only
// for podModeVerified; pods are most of a cluster's objects and of their bytes).
// Each watched change is applied to the index in place as it arrives (updateDnsIndex, in time
// proportional to the object, some microseconds), between two queries: Node runs one thing at a
// time, so a query sees the index before the change or after it, never half of it. Batching the
// events of one tick would save nothing, as each costs the same either way, and would leave the
// index behind the reflectors' objects meanwhile. A change the index reads raises the SOA serial
// (CoreDNS: the Unix time of the last change; here at least one more than the last serial, so
// that it rises with every change), and is noted, at that serial, for the namespaces of the object
// before and after (scope-serials.ts): the responder's cache then drops only the replies of those
// namespaces and the global ones (../answer-scope.ts). A change that changes nothing the index
// reads is skipped and drops nothing.
// The whole index is built with buildDnsIndex — the pure function `podnet dns` uses — only when
// the objects were listed: at the start, once every kind has been (until then current() is
// undefined: the server answers SERVFAIL, /ready says 503), and after a relist (410 Expired, a
// failure) that found more than RELIST_IN_PLACE changed objects; fewer are applied one by one, as
// events are. Events that come while such a build is due are left to it.
// A build blocks the event loop (80-300 ms for 10,000 Services here, depending on the heap limit),
// so it waits for the other kinds' relists (debounced 50 ms, at most 500 ms after the first), and
// builds are paced: the next starts no sooner than 2 build-times after the last ended, which caps
// rebuilding at a third of the CPU even if relists repeat (the idea of kube-proxy's
// --min-sync-period, derived from the measured build time instead of configured).
import { emptyCluster, type Cluster } from '../../api/cluster.js';
import type { EndpointSlice, KubeObject, Namespace, Pod, Service } from '../../api/types.js';
import { buildDnsIndex, type DnsIndex, type DnsOptions } from '../records.js';
import { changedNamespaces } from '../answer-scope.js';
import { updateDnsIndex, type DnsObjectChange } from '../dns-index-update.js';
import {
  Reflector,
  type ReflectorChange,
  type ReflectorEvent,
  type WatchClient,
} from '../../client/reflector.js';
import { ScopeSerials } from './scope-serials.js';
import { trimForDns } from './trim.js';

/** The kinds watched: Pods only when the pods mode reads them. */
export function dnsKinds(dns: DnsOptions): string[] {
  return ['Namespace', 'Service', 'EndpointSlice', ...(dns.pods === 'verified' ? ['Pod'] : [])];
}

/** What buildDnsIndex reads, from the objects kept per kind. */
export function clusterOfKinds(items: (kind: string) => KubeObject[]): Cluster {
  return {
    ...emptyCluster(),
    namespaces: items('Namespace') as Namespace[],
    services: items('Service') as Service[],
    endpointSlices: items('EndpointSlice') as EndpointSlice[],
    pods: items('Pod') as Pod[],
  };
}

/**
 * A relist with up to this many changed objects is applied in place: at 57-152 µs per change
 * (docs/benchmarks.md), 1,000 block the event loop for less than the build of 10,000 Services
 * (160-280 ms) would; a relist after a long outage, with more, is built anew.
 */
export const RELIST_IN_PLACE = 1000;

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
  /** Called after every change applied to the index in place, with its duration in seconds. */
  onUpdated?: (index: DnsIndex, seconds: number) => void;
  backoff?: { minMs: number; maxMs: number };
}

export class ApiIndexSource {
  private readonly reflectors = new Map<string, Reflector>();
  private index: DnsIndex | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pendingSince: number | undefined;
  /** When the last build ended and how long it took (ms, Date.now() clock). */
  private lastBuild = { end: 0, ms: 0 };
  private serial = 0;
  private readonly scopes = new ScopeSerials();

  constructor(private readonly opts: IndexSourceOptions) {
    for (const kind of dnsKinds(opts.dns)) {
      const onChange = (change: ReflectorChange) => this.changed(kind, change);
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

  /** The serial of the last change of the current index that could alter an answer of `namespace`. */
  lastChange(namespace: string): number {
    return this.scopes.lastChange(namespace);
  }

  private changed(kind: string, change: ReflectorChange): void {
    if (change.type === 'event') return this.update(kind, change);
    if (!this.index || !change.changes || change.changes.length > RELIST_IN_PLACE) return this.schedule();
    for (const event of change.changes) this.update(kind, event);
  }

  private update(kind: string, change: ReflectorEvent): void {
    if (!this.index) return this.schedule();
    if (this.timer !== undefined) return; // a build is due: it will read this change too
    const start = performance.now();
    const update = { kind, old: change.old, object: change.object } as DnsObjectChange;
    try {
      if (!updateDnsIndex(this.index, update)) return;
    } catch (e) {
      // Only a bug gets here (an index that is not what the objects make); a build repairs it.
      this.opts.log?.(`index update failed (${(e as Error).message}); building it anew`);
      this.index.serial = this.nextSerial();
      this.scopes.changedAll(this.index.serial);
      return this.schedule();
    }
    this.index.serial = this.nextSerial();
    this.scopes.changed(this.index.serial, changedNamespaces(update));
    this.opts.onUpdated?.(this.index, (performance.now() - start) / 1000);
  }

  private nextSerial(): number {
    this.serial = Math.max(this.serial + 1, Math.floor(Date.now() / 1000));
    return this.serial;
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
    const cluster = clusterOfKinds((kind) => this.reflectors.get(kind)?.items() ?? []);
    // Let the old index go before the new one is made: the build runs to its end before any
    // query can, and two indexes at once would double the peak (about 19 MB each at 10,000
    // Services: more than the runtime's 64 MB heap allows beside the objects).
    this.index = undefined;
    this.index = buildDnsIndex(cluster, { ...this.opts.dns, serial: this.nextSerial() });
    this.scopes.changedAll(this.index.serial); // a new index: its replies are new too
    const ms = performance.now() - start;
    this.lastBuild = { end: Date.now(), ms };
    this.opts.onBuilt?.(this.index, ms / 1000);
  }
}
