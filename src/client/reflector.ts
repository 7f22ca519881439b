// One kind's objects kept current from the API: list, then watch from the list's
// resourceVersion, as client-go's Reflector does (tools/cache/reflector.go ListAndWatch). A watch
// the server ends normally is resumed from the last version seen (after 100 ms); a 410 Expired, a refused
// request or a dropped connection lists again, after a back-off that doubles from 100 ms to 5 s
// while the API server does not answer. The last good objects stay in use meanwhile.
// Every change is reported with what changed, so that a consumer can redo only that part of its
// work (client-go's ResourceEventHandler). A relist is reported with the objects it found
// changed, added or gone since the last ones kept (by resourceVersion), as client-go's informer
// turns a relist into updates and deletes (tools/cache/delta_fifo.go Replace): after a watch of
// 10,000 objects expires, a consumer redoes the few that changed instead of everything.
import type { KubeObject } from '../api/types.js';
import type { ListResult, WatchEvent, WatchHandle } from './http-client.js';

/** The part of HttpObjectClient a reflector uses (fakes implement it in tests). */
export interface WatchClient {
  listWithVersion<T extends KubeObject>(kind: string): Promise<ListResult<T>>;
  watch<T extends KubeObject>(
    kind: string,
    resourceVersion: string,
    onEvent: (e: WatchEvent<T>) => void,
  ): WatchHandle;
}

export interface ReflectorOptions {
  kind: string;
  client: WatchClient;
  /** What is kept of each object (trim.ts). */
  normalize?: (o: KubeObject) => KubeObject;
  /** Called after every change of the objects, and after every (re)list. */
  onChange: (change: ReflectorChange) => void;
  log?: (line: string) => void;
  backoff?: { minMs: number; maxMs: number };
}

/**
 * One object changed: `old` is what was kept before (absent when it was added), `object` what is
 * kept now (absent when it was deleted).
 */
export interface ReflectorEvent {
  type: 'event';
  key: string;
  old?: KubeObject;
  object?: KubeObject;
}

/**
 * An event, or a (re)list, which replaced every object: the first list has no `changes`; a
 * relist has the events that turn the objects kept before it into those it found.
 */
export type ReflectorChange = { type: 'list'; changes?: ReflectorEvent[] } | ReflectorEvent;

/** `namespace/name` (`/name` for a cluster-scoped object): the key of items() and get(). */
export const keyOf = (o: KubeObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/** Equal versions: the same resourceVersion, or the same content for objects without one. */
const sameVersion = (a: KubeObject, b: KubeObject) =>
  a.metadata?.resourceVersion !== undefined || b.metadata?.resourceVersion !== undefined
    ? a.metadata?.resourceVersion === b.metadata?.resourceVersion
    : JSON.stringify(a) === JSON.stringify(b);

/** The events that turn the objects `before` into `after` (both keyed by keyOf): deletes first. */
export function changesBetween(
  before: ReadonlyMap<string, KubeObject>,
  after: ReadonlyMap<string, KubeObject>,
): ReflectorEvent[] {
  const out: ReflectorEvent[] = [];
  for (const [key, old] of before) if (!after.has(key)) out.push({ type: 'event', key, old });
  for (const [key, object] of after) {
    const old = before.get(key);
    if (!old) out.push({ type: 'event', key, object });
    else if (!sameVersion(old, object)) out.push({ type: 'event', key, old, object });
  }
  return out;
}

export class Reflector {
  private objects = new Map<string, KubeObject>();
  private synced = false;
  private stopped = false;
  private watching: WatchHandle | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly opts: ReflectorOptions) {}

  /** Starts listing and watching; runs until stop(). */
  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.watching?.stop();
    this.wake?.();
  }

  /** True once the first list has arrived. */
  get hasSynced(): boolean {
    return this.synced;
  }

  items(): KubeObject[] {
    return [...this.objects.values()];
  }

  /** The object kept under `namespace/name`. */
  get(key: string): KubeObject | undefined {
    return this.objects.get(key);
  }

  private async run(): Promise<void> {
    const { minMs, maxMs } = this.opts.backoff ?? { minMs: 100, maxMs: 5000 };
    let delay = minMs;
    const log = (line: string) => this.opts.log?.(`${this.opts.kind}: ${line}`);
    while (!this.stopped) {
      let rv: string;
      try {
        rv = await this.list();
        delay = minMs;
      } catch (e) {
        log(`list failed (${(e as Error).message}); trying again in ${delay} ms`);
        await this.sleep(delay);
        delay = Math.min(2 * delay, maxMs);
        continue;
      }
      for (;;) {
        if (this.stopped) return;
        this.watching = this.opts.client.watch(this.opts.kind, rv, (e) => (rv = this.apply(e) ?? rv));
        const end = await this.watching.done;
        if (end.reason === 'stopped') return;
        if (end.reason === 'closed') {
          await this.sleep(minMs); // a server that ends every watch at once must not make us spin
          continue;
        }
        log(`watch ${end.reason}${end.message ? ` (${end.message})` : ''}; listing again`);
        if (end.reason === 'failed') await this.sleep(delay);
        break;
      }
    }
  }

  private async list(): Promise<string> {
    const { items, resourceVersion } = await this.opts.client.listWithVersion(this.opts.kind);
    const normalize = this.opts.normalize ?? ((o) => o);
    const before = this.synced ? this.objects : undefined;
    this.objects = new Map(items.map((o) => [keyOf(o), normalize(o)]));
    this.synced = true;
    this.opts.onChange(
      before ? { type: 'list', changes: changesBetween(before, this.objects) } : { type: 'list' },
    );
    return resourceVersion;
  }

  /** Applies one event; returns the resourceVersion it brings. */
  private apply(e: WatchEvent<KubeObject>): string | undefined {
    if (e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED') {
      const key = keyOf(e.object);
      const old = this.objects.get(key);
      if (e.type === 'DELETED') {
        this.objects.delete(key);
        this.opts.onChange({ type: 'event', key, ...(old ? { old } : {}) });
      } else {
        const object = (this.opts.normalize ?? ((o) => o))(e.object);
        this.objects.set(key, object);
        this.opts.onChange({ type: 'event', key, ...(old ? { old } : {}), object });
      }
    }
    return e.object.metadata?.resourceVersion;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
