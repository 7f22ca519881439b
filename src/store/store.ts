// The versioned object store: every write bumps one cluster-wide resourceVersion and appends
// an event to a bounded history, from which watches resume (kube-apiserver's watch cache model).
// Objects handed to the store belong to it; objects it returns must be treated as read-only.
import type { KubeObject } from '../api/types.js';
import { StoreError } from './errors.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
  resourceVersion: number;
}

export type WatchHandler = (event: WatchEvent) => void;

/** Called synchronously after every committed write of any kind (persistence hooks in here). */
export type CommitListener = (event: WatchEvent) => void;

export interface StoreOptions {
  /** Events kept for watches that resume from an older resourceVersion. */
  historySize?: number;
  /** Clock for creationTimestamp; injected so tests are deterministic. */
  now?: () => Date;
}

interface Watcher {
  kind: string;
  namespace?: string;
  handler: WatchHandler;
}

export function storeKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

export class ObjectStore {
  private revision = 0;
  private uidCounter = 0;
  private readonly objects = new Map<string, KubeObject>();
  private readonly byKind = new Map<string, Set<string>>();
  private readonly kindRevisions = new Map<string, number>();
  private readonly history: WatchEvent[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly commitListeners = new Set<CommitListener>();
  private readonly historySize: number;
  private readonly now: () => Date;

  constructor(opts: StoreOptions = {}) {
    this.historySize = opts.historySize ?? 10000;
    this.now = opts.now ?? (() => new Date());
  }

  get resourceVersion(): number {
    return this.revision;
  }

  /** The revision of the last change to any object of the kind (0: never changed). */
  kindRevision(kind: string): number {
    return this.kindRevisions.get(kind) ?? 0;
  }

  /** Subscribes to every committed write (all kinds, no replay). Returns the unsubscribe. */
  onCommit(listener: CommitListener): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /**
   * Loads objects saved earlier (in creation order, resourceVersions kept) into an empty store and
   * sets the global revision. No events are published; the history starts empty, so watches
   * from before the restore get Expired (410) and relist, as after an apiserver restart.
   */
  restore(objects: Iterable<KubeObject>, revision: number): void {
    if (this.objects.size > 0 || this.revision > 0) throw new Error('restore needs an empty store');
    for (const obj of objects) {
      const { kind, namespace, name } = identity(obj);
      const key = storeKey(kind, namespace, name);
      this.objects.set(key, obj);
      let keys = this.byKind.get(kind);
      if (!keys) this.byKind.set(kind, (keys = new Set()));
      keys.add(key);
      const rv = Number(obj.metadata?.resourceVersion ?? 0);
      if (rv > (this.kindRevisions.get(kind) ?? 0)) this.kindRevisions.set(kind, rv);
      const uid = /^uid-(\d+)$/.exec(obj.metadata?.uid ?? '');
      if (uid) this.uidCounter = Math.max(this.uidCounter, Number(uid[1]));
      this.revision = Math.max(this.revision, rv);
    }
    this.revision = Math.max(this.revision, revision);
  }

  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objects.get(storeKey(kind, namespace, name));
  }

  /** Objects of a kind, in creation order, optionally of one namespace. */
  list(kind: string, namespace?: string): KubeObject[] {
    const keys = this.byKind.get(kind);
    if (!keys) return [];
    const out: KubeObject[] = [];
    for (const k of keys) {
      const o = this.objects.get(k)!;
      if (namespace === undefined || o.metadata?.namespace === namespace) out.push(o);
    }
    return out;
  }

  create(obj: KubeObject): KubeObject {
    const { kind, namespace, name } = identity(obj);
    const key = storeKey(kind, namespace, name);
    if (this.objects.has(key)) throw new StoreError('AlreadyExists', `${kind} "${name}" already exists`);
    const md = obj.metadata!;
    md.uid ??= `uid-${++this.uidCounter}`;
    md.creationTimestamp ??= this.now()
      .toISOString()
      .replace(/\.\d+Z$/, 'Z');
    return this.commit('ADDED', key, obj);
  }

  /** Replaces an object; a resourceVersion in the update must match the stored one. */
  update(obj: KubeObject): KubeObject {
    const { kind, namespace, name } = identity(obj);
    const key = storeKey(kind, namespace, name);
    const current = this.objects.get(key);
    if (!current) throw new StoreError('NotFound', `${kind} "${name}" not found`);
    const rv = obj.metadata!.resourceVersion;
    if (rv && rv !== current.metadata!.resourceVersion) {
      throw new StoreError(
        'Conflict',
        `Operation cannot be fulfilled on ${kind} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    obj.metadata!.uid = current.metadata!.uid;
    obj.metadata!.creationTimestamp = current.metadata!.creationTimestamp;
    return this.commit('MODIFIED', key, obj);
  }

  delete(kind: string, namespace: string | undefined, name: string): KubeObject {
    const key = storeKey(kind, namespace, name);
    const current = this.objects.get(key);
    if (!current) throw new StoreError('NotFound', `${kind} "${name}" not found`);
    this.objects.delete(key);
    this.byKind.get(kind)!.delete(key);
    this.revision++;
    this.kindRevisions.set(kind, this.revision);
    const deleted = { ...current, metadata: { ...current.metadata, resourceVersion: String(this.revision) } };
    this.publish({ type: 'DELETED', object: deleted, resourceVersion: this.revision });
    return deleted;
  }

  /**
   * Streams changes of a kind after `fromRevision` (0 = only future changes). Throws an
   * Expired error when the history no longer reaches back that far. Returns the unsubscribe.
   */
  watch(kind: string, fromRevision: number, handler: WatchHandler, namespace?: string): () => void {
    if (fromRevision > 0 && fromRevision < this.revision) {
      const oldest = this.history[0]?.resourceVersion ?? this.revision + 1;
      if (fromRevision + 1 < oldest) {
        throw new StoreError('Expired', `too old resource version: ${fromRevision} (${oldest - 1})`);
      }
      for (const e of this.history) {
        if (e.resourceVersion > fromRevision && matches(e, kind, namespace)) handler(e);
      }
    }
    const w: Watcher = { kind, namespace, handler };
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }

  private commit(type: WatchEventType, key: string, obj: KubeObject): KubeObject {
    this.revision++;
    obj.metadata!.resourceVersion = String(this.revision);
    this.objects.set(key, obj);
    let keys = this.byKind.get(obj.kind!);
    if (!keys) this.byKind.set(obj.kind!, (keys = new Set()));
    keys.add(key);
    this.kindRevisions.set(obj.kind!, this.revision);
    this.publish({ type, object: obj, resourceVersion: this.revision });
    return obj;
  }

  private publish(event: WatchEvent): void {
    this.history.push(event);
    // Trim in batches so that a burst of writes costs amortised O(1) each.
    if (this.history.length >= 2 * this.historySize)
      this.history.splice(0, this.history.length - this.historySize);
    for (const l of this.commitListeners) l(event);
    for (const w of this.watchers) if (matches(event, w.kind, w.namespace)) w.handler(event);
  }
}

function matches(e: WatchEvent, kind: string, namespace?: string): boolean {
  return e.object.kind === kind && (namespace === undefined || e.object.metadata?.namespace === namespace);
}

function identity(obj: KubeObject): { kind: string; namespace?: string; name: string } {
  const name = obj.metadata?.name;
  if (!obj.kind || !name) throw new StoreError('Invalid', 'object needs kind and metadata.name');
  return { kind: obj.kind, namespace: obj.metadata?.namespace, name };
}
