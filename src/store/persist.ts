// Durable store: an SQLite file (WAL mode) that mirrors every committed object of an ObjectStore
// and the global revision, and loads them back on start. It subscribes to the store's commits and
// writes them in one transaction per event-loop tick, coalescing repeated writes of one object, so
// a burst of N writes costs one fsync-free WAL append instead of N transactions.
//
// Table `objects`: one row per live object; `seq` is the resourceVersion of its creation, so
// loading ORDER BY seq restores creation order (the order ObjectStore.list returns).
import path from 'node:path';
import Database from 'better-sqlite3';
import type { KubeObject } from '../api/types.js';
import { ObjectStore, storeKey, type StoreOptions, type WatchEvent } from './store.js';

export const DB_FILE = 'store.db';

interface Pending {
  /** undefined: the object was deleted. */
  obj?: KubeObject;
  /** Set when the object was (re)created in this batch: its creation order. */
  seq?: number;
  rv: number;
}

export class SqlitePersister {
  private readonly db: Database.Database;
  private pending = new Map<string, Pending>();
  private revision = 0;
  private scheduled = false;
  private waiters: (() => void)[] = [];
  private unsubscribe?: () => void;

  /** Opens (or creates) `<stateDir>/store.db`. The directory must exist. */
  constructor(stateDir: string) {
    this.db = new Database(path.join(stateDir, DB_FILE));
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a committed transaction survives a process crash; only an OS crash or
    // power loss may lose the last transactions (sqlite.org/wal.html "Performance Considerations").
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS objects (
        key TEXT PRIMARY KEY, seq INTEGER NOT NULL, json TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);`);
  }

  /** Fills an empty store with the saved objects and revision. */
  load(store: ObjectStore): void {
    const rows = this.db.prepare('SELECT json FROM objects ORDER BY seq').all() as { json: string }[];
    const rev = this.db.prepare("SELECT v FROM meta WHERE k = 'revision'").get() as { v: string } | undefined;
    store.restore(
      rows.map((r) => JSON.parse(r.json) as KubeObject),
      Number(rev?.v ?? 0),
    );
  }

  /** Starts mirroring the store's commits. */
  attach(store: ObjectStore): void {
    this.unsubscribe?.();
    this.unsubscribe = store.onCommit((e) => this.record(e));
  }

  /** Resolves once everything committed so far is written (immediately when nothing is pending). */
  flushed(): Promise<void> {
    if (!this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Writes the pending batch now, in one transaction. */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Map();
    if (batch.size > 0) this.writeBatch(batch, this.revision);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Flushes, detaches and closes the database. */
  close(): void {
    this.flush();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.db.close();
  }

  private record(e: WatchEvent): void {
    const md = e.object.metadata!;
    const key = storeKey(e.object.kind!, md.namespace, md.name!);
    const prev = this.pending.get(key);
    if (e.type === 'DELETED') this.pending.set(key, { rv: e.resourceVersion });
    else if (e.type === 'ADDED')
      this.pending.set(key, { obj: e.object, seq: e.resourceVersion, rv: e.resourceVersion });
    else this.pending.set(key, { obj: e.object, seq: prev?.seq, rv: e.resourceVersion });
    this.revision = Math.max(this.revision, e.resourceVersion);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private writeBatch(batch: Map<string, Pending>, revision: number): void {
    const del = this.db.prepare('DELETE FROM objects WHERE key = ?');
    const replace = this.db.prepare('INSERT OR REPLACE INTO objects (key, seq, json) VALUES (?, ?, ?)');
    // An update keeps the row's creation order; the seq given is used only if the row is new.
    const upsert = this.db.prepare(
      'INSERT INTO objects (key, seq, json) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET json = excluded.json',
    );
    const setRev = this.db.prepare("INSERT OR REPLACE INTO meta (k, v) VALUES ('revision', ?)");
    this.db.transaction(() => {
      for (const [key, p] of batch) {
        if (!p.obj) del.run(key);
        else if (p.seq !== undefined) replace.run(key, p.seq, JSON.stringify(p.obj));
        else upsert.run(key, p.rv, JSON.stringify(p.obj));
      }
      setRev.run(String(revision));
    })();
  }
}

/** A store loaded from `<stateDir>/store.db` and mirrored to it from now on. */
export function openPersistentStore(
  stateDir: string,
  opts: StoreOptions = {},
): { store: ObjectStore; persister: SqlitePersister } {
  const persister = new SqlitePersister(stateDir);
  const store = new ObjectStore(opts);
  persister.load(store);
  persister.attach(store);
  return { store, persister };
}
