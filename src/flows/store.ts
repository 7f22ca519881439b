// Where flows are kept: an SQLite table (WAL) in the cluster's state directory, written by the
// node agents as NFLOG reports connection attempts and read by `podnet flows`; rows survive
// restarts (not a ring buffer in memory). Old rows are pruned past a row budget, oldest first;
// the counters per node, direction, policy and verdict are kept apart and never pruned, so they
// are monotonic (Prometheus counters).
import Database from 'better-sqlite3';

export type FlowVerdict = 'allowed' | 'denied';

export interface Flow {
  /** ms since the epoch */
  time: number;
  node: string;
  /** `ingress` or `egress`: the direction of the policy check that logged it. */
  direction: 'ingress' | 'egress';
  src: string;
  /** `ns/pod` when the address is a pod's */
  srcPod?: string;
  dst: string;
  dstPod?: string;
  protocol: string;
  port: number;
  verdict: FlowVerdict;
  /** The policies that decided: the allowing policy, or for a default deny the isolating ones (`ns/name`). */
  policies: string[];
  /** Which rule decided, in words (e.g. `ingress rule 1 of default/allow-web`, `default deny`). */
  rule: string;
}

/** One Prometheus counter series: a flow with several deciding policies counts for each. */
export interface FlowCounter {
  node: string;
  direction: Flow['direction'];
  policy: string;
  verdict: FlowVerdict;
  count: number;
}

export interface FlowQuery {
  /** `ns/pod`: flows from or to it */
  pod?: string;
  verdict?: FlowVerdict;
  /** ms since the epoch */
  since?: number;
  /** rows after this id (follow mode) */
  afterId?: number;
  limit?: number;
}

/** Rows kept before the oldest are pruned; about 200 bytes each. */
const DEFAULT_BUDGET = 1_000_000;

/**
 * Creates the store's file (tables, WAL mode) before the agents open it all at once. Switching a
 * new file to WAL while another process opens it fails at once with "database is locked": SQLite
 * does not wait out that lock despite busy_timeout (measured: 6 of 120 processes opening a new file
 * in pairs). That crashed a node agent at start, and its node never became Ready. A file already in
 * WAL mode opens concurrently without error (240 of 240 in threes). `podnet up` calls this once,
 * before it starts the daemon and the agents.
 */
export function createFlowStore(file: string): void {
  new FlowStore(file).close();
}

export class FlowStore {
  private readonly db: Database.Database;
  private readonly insertRow: Database.Statement;
  private readonly countRow: Database.Statement;
  private inserted = 0;

  private readonly budget: number;

  constructor(file: string, opts: { readonly?: boolean; budget?: number } = {}) {
    this.budget = opts.budget ?? DEFAULT_BUDGET;
    const readonly = opts.readonly === true;
    this.db = new Database(file, { readonly, fileMustExist: readonly });
    // Agents on every node write concurrently: wait for the lock rather than fail.
    this.db.pragma('busy_timeout = 5000');
    if (!readonly) {
      // Only a new file is switched to WAL: see createFlowStore for why that must happen once.
      if (this.db.pragma('journal_mode', { simple: true }) !== 'wal') this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(`CREATE TABLE IF NOT EXISTS flows (
          id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, node TEXT NOT NULL,
          direction TEXT NOT NULL, src TEXT NOT NULL, src_pod TEXT, dst TEXT NOT NULL, dst_pod TEXT,
          protocol TEXT NOT NULL, port INTEGER NOT NULL, verdict TEXT NOT NULL,
          policies TEXT NOT NULL, rule TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS flows_time ON flows(time);
        CREATE TABLE IF NOT EXISTS counters (node TEXT NOT NULL, direction TEXT NOT NULL,
          policy TEXT NOT NULL, verdict TEXT NOT NULL, count INTEGER NOT NULL,
          PRIMARY KEY (node, direction, policy, verdict));`);
    }
    this.insertRow = readonly
      ? this.db.prepare('SELECT 1')
      : this.db.prepare(`INSERT INTO flows (time, node, direction, src, src_pod, dst, dst_pod, protocol,
          port, verdict, policies, rule) VALUES (@time, @node, @direction, @src, @srcPod, @dst, @dstPod,
          @protocol, @port, @verdict, @policies, @rule)`);
    this.countRow = readonly
      ? this.db.prepare('SELECT 1')
      : this.db.prepare(`INSERT INTO counters VALUES (@node, @direction, @policy, @verdict, 1)
          ON CONFLICT DO UPDATE SET count = count + 1`);
  }

  /** Appends flows in one transaction. */
  add(flows: Flow[]): void {
    if (flows.length === 0) return;
    this.db.transaction(() => {
      for (const f of flows)
        this.insertRow.run({
          ...f,
          srcPod: f.srcPod ?? null,
          dstPod: f.dstPod ?? null,
          policies: JSON.stringify(f.policies),
        });
      for (const f of flows)
        for (const policy of f.policies)
          this.countRow.run({ node: f.node, direction: f.direction, policy, verdict: f.verdict });
    })();
    this.inserted += flows.length;
    if (this.inserted >= this.budget / 10) this.prune();
  }

  /** Keeps the newest `budget` rows. */
  prune(): void {
    this.inserted = 0;
    this.db.prepare('DELETE FROM flows WHERE id <= (SELECT MAX(id) FROM flows) - ?').run(this.budget);
  }

  query(q: FlowQuery): (Flow & { id: number })[] {
    const where: string[] = [];
    const args: Record<string, unknown> = {};
    if (q.pod) {
      where.push('(src_pod = @pod OR dst_pod = @pod)');
      args.pod = q.pod;
    }
    if (q.verdict) {
      where.push('verdict = @verdict');
      args.verdict = q.verdict;
    }
    if (q.since !== undefined) {
      where.push('time >= @since');
      args.since = q.since;
    }
    if (q.afterId !== undefined) {
      where.push('id > @afterId');
      args.afterId = q.afterId;
    }
    const sql =
      `SELECT * FROM flows ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id` +
      (q.limit ? ` LIMIT ${Math.floor(q.limit)}` : '');
    return (this.db.prepare(sql).all(args) as Record<string, unknown>[]).map((r) => ({
      id: r.id as number,
      time: r.time as number,
      node: r.node as string,
      direction: r.direction as Flow['direction'],
      src: r.src as string,
      srcPod: (r.src_pod as string | null) ?? undefined,
      dst: r.dst as string,
      dstPod: (r.dst_pod as string | null) ?? undefined,
      protocol: r.protocol as string,
      port: r.port as number,
      verdict: r.verdict as FlowVerdict,
      policies: JSON.parse(r.policies as string) as string[],
      rule: r.rule as string,
    }));
  }

  /** Flows counted per node, direction, policy and verdict since the store was created. */
  counters(): FlowCounter[] {
    return this.db
      .prepare(
        'SELECT node, direction, policy, verdict, count FROM counters ORDER BY node, direction, policy, verdict',
      )
      .all() as FlowCounter[];
  }

  close(): void {
    this.db.close();
  }
}
