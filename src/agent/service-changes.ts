// Which Services changed since the last sync, from the reflectors' events: kube-proxy's
// ServiceChangeTracker and EndpointsChangeTracker (pkg/proxy/servicechangetracker.go,
// endpointschangetracker.go), which let its proxier redo only those Services. Also keeps the
// IPv4 EndpointSlices grouped by the Service they name, updated per event, so that a sync reads
// one Service's slices without grouping every slice of the cluster (model.ts slicesByService,
// which the full render still uses, does that on each call).
import type { EndpointSlice, KubeObject, Service } from '../api/types.js';
import { keyOf, type ReflectorChange } from '../client/reflector.js';
import { sliceOwner } from '../dataplane/service-proxy/model.js';
import type { ServiceChange } from '../dataplane/service-proxy/partial.js';

export type ProxyKind = 'Service' | 'EndpointSlice' | 'Node';

/** What a sync must do: everything (render(input)), or the Services of `changes`. */
export type PendingWork = { full: true } | { full: false; changes: ServiceChange[] };

/** The Service a kept EndpointSlice belongs to, as slicesByService groups them (model.ts). */
const ownerOf = (o: KubeObject | undefined) => (o ? sliceOwner(o as EndpointSlice) : undefined);

export class ServiceChangeTracker {
  /** Until the first sync, and after a Node event or relist or a failed sync. */
  private full = true;
  private readonly dirty = new Set<string>();
  /** Service key -> its IPv4 EndpointSlices by their own key. */
  private readonly slices = new Map<string, Map<string, EndpointSlice>>();

  /**
   * Records one reflector change of `kind`. A relist counts as the changes it found; for the
   * first list of EndpointSlices, `items` are the slices now kept (the grouping is built from them).
   */
  record(kind: ProxyKind, change: ReflectorChange, items: () => KubeObject[]): void {
    if (change.type === 'list') {
      if (change.changes && kind !== 'Node') {
        for (const event of change.changes) this.record(kind, event, items);
        return;
      }
      this.full = true;
      if (kind === 'EndpointSlice') this.regroup(items());
      return;
    }
    if (kind === 'Node') this.full = true;
    else if (kind === 'Service') this.dirty.add(change.key);
    else {
      // A slice may be relabelled to another Service: both Services change.
      const from = ownerOf(change.old);
      const to = ownerOf(change.object);
      if (from !== undefined) {
        this.dirty.add(from);
        const group = this.slices.get(from);
        group?.delete(change.key);
        if (group?.size === 0) this.slices.delete(from);
      }
      if (to !== undefined) {
        this.dirty.add(to);
        this.groupOf(to).set(change.key, change.object as EndpointSlice);
      }
    }
  }

  /** True when something changed since the last take(). */
  get pending(): boolean {
    return this.full || this.dirty.size > 0;
  }

  /** The next sync's work, with each changed Service as `get` finds it now; forgets it. */
  take(get: (key: string) => KubeObject | undefined): PendingWork {
    const full = this.full;
    const keys = [...this.dirty];
    this.full = false;
    this.dirty.clear();
    if (full) return { full };
    return {
      full,
      changes: keys.map((key) => ({
        key,
        service: get(key) as Service | undefined,
        slices: this.slicesOf(key),
      })),
    };
  }

  /** After a failed sync: the changes it took are lost, so the next sync redoes everything. */
  forceFull(): void {
    this.full = true;
  }

  /** The IPv4 EndpointSlices of Service `key`. */
  slicesOf(key: string): EndpointSlice[] {
    const group = this.slices.get(key);
    return group ? [...group.values()] : [];
  }

  private regroup(items: KubeObject[]): void {
    this.slices.clear();
    for (const o of items) {
      const owner = ownerOf(o);
      if (owner !== undefined) this.groupOf(owner).set(keyOf(o), o as EndpointSlice);
    }
  }

  private groupOf(key: string): Map<string, EndpointSlice> {
    let group = this.slices.get(key);
    if (!group) this.slices.set(key, (group = new Map()));
    return group;
  }
}
