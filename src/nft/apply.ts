// The part of src/nft that touches the machine (with libnftables.ts): it runs `nft -f -`
// inside a network namespace and keeps one table, or a group of tables (the Service proxy's
// shards), in step with what a renderer produced; a group's changes go to the kernel in one
// transaction. The first sync loads the whole table in one transaction; later syncs send only
// the diff; a diff that fails (someone changed the table behind our back, or our idea of it was
// wrong) is followed at once by a full resync, which deletes the table and loads it again
// (kube-proxy's needFullSync after a failed partial sync, pkg/proxy/nftables/proxier.go). A
// renderer that knows what changed can hand over the diff itself
// (src/dataplane/service-proxy/partial.ts), which spares comparing two whole tables.
import { exec } from '../host/exec.js';
import { assertOwned } from '../host/netns.js';
import { diffTables } from './diff.js';
import type { Table } from './ir.js';
import { formatWithoutChainCache } from './light.js';
import { fullLoad, splitTransaction, type NftOp, type Transaction } from './ops.js';
import { formatTransaction } from './text.js';

/** Runs one nft script (one transaction) in a namespace; rejects with nft's error. */
export interface NftRunner {
  run(netns: string, script: string): Promise<void>;
}

/**
 * nft 1.0.6 spends much of its time in page faults on this kind of VM: every table in the
 * namespace gets four 128 KiB hash tables, each its own mmap, filled at once (~3 ms per table
 * on every run), and a full load grows the heap page by page. Asking glibc for large heap steps
 * with transparent huge pages (tunables since glibc 2.35; others ignore them) measured 78-83 ms
 * -> 36-43 ms for one chain added beside 17 tables, and 5.2-5.6 s -> 3.6 s for a 10,000-Service
 * load (docs/benchmarks.md "Service proxy").
 */
const NFT_ENV = {
  ...process.env,
  GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.top_pad=67108864',
};

/**
 * `nsenter --net=/run/netns/NS nft -f -`: nsenter only switches the network namespace, where
 * `ip netns exec` also remounts /sys, which costs time on every sync.
 */
export const execNftRunner: NftRunner = {
  async run(netns, script) {
    assertOwned(netns);
    await exec(['nsenter', `--net=/run/netns/${netns}`, 'nft', '-f', '-'], { input: script, env: NFT_ENV });
  },
};

export interface SyncResult {
  /** full: first load; incremental: a diff; unchanged: nothing to send; resync: a diff failed. */
  mode: 'full' | 'incremental' | 'unchanged' | 'resync';
  /** Operations sent to the kernel (all tables of a group). */
  ops: number;
  /** Why the diff failed, for mode resync. */
  error?: string;
}

export interface SyncOptions {
  /**
   * Cut full loads into transactions of at most this many operations (see splitTransaction);
   * unset: one atomic transaction per table.
   */
  maxOpsPerTransaction?: number;
  /**
   * kube-proxy's stale chains (pkg/proxy/nftables/proxier.go: a chain no longer needed is
   * flushed at once and deleted in a later sync): a diff whose only deletes are of chains is
   * sent without them when that spares nft its chain dump (light.ts), and the chains, empty
   * and unreferenced, are deleted with the next diff that needs the dump anyway, or once
   * STALE_MAX of them wait. Until then the kernel's table holds them besides `table`. At
   * 10,000 Services a replaced endpoint took ~0.3 s of `nft` with the delete and ~0.13 s
   * without.
   */
  deferChainDeletes?: boolean;
  /** Full loads of a group run this many transactions at once (default 1). */
  loadConcurrency?: number;
  /**
   * Runs full loads instead of the syncer's runner: `nft -f` processes, which can run side by
   * side, where an in-process runner (libnftables.ts) runs one transaction at a time.
   */
  loadRunner?: NftRunner;
}

/**
 * A group's full load up to this many operations is one transaction through the syncer's
 * runner: 17 `nft -f` processes for a small cluster's proxy tables took 0.64 s.
 */
const SMALL_LOAD = 20_000;

/** Chains left waiting (deferChainDeletes) before a sync pays the chain dump to delete them. */
export const STALE_MAX = 1000;

/** The tables a renderer produced before (`from`) and how to get from them to the new ones. */
export interface GroupDiff {
  from: readonly Table[];
  txs: readonly Transaction[];
}

/**
 * Keeps a group of tables (in one namespace) equal to what a renderer produced: a full load
 * first, then diffs, all of a sync in one `nft -f` transaction.
 */
export class TableGroupSyncer {
  /** What the kernel holds, as far as we know; undefined forces a full load. */
  private applied: readonly Table[] | undefined;
  /** Chains flushed and left for a later diff to delete (deferChainDeletes), per table. */
  private stale = new Map<string, Set<string>>();

  constructor(
    readonly netns: string,
    private readonly runner: NftRunner = execNftRunner,
    private readonly options: SyncOptions = {},
  ) {}

  /**
   * Makes the kernel's tables equal to `tables`. Rejects only when a full load fails. A
   * renderer that knows what changed may pass `diff`; it is used when `diff.from` are the
   * tables this syncer last applied, which spares diffing whole tables.
   */
  async sync(tables: readonly Table[], diff?: GroupDiff): Promise<SyncResult> {
    const txs = this.diffs(tables, diff);
    if (!txs) return { mode: 'full', ops: await this.loadFull(tables) };
    const ops = txs.reduce((n, tx) => n + tx.ops.length, 0);
    if (ops === 0) return { mode: 'unchanged', ops: 0 };
    try {
      const { script, stale } = this.script(txs, tables);
      await this.runner.run(this.netns, script);
      this.applied = tables;
      this.stale = stale;
      return { mode: 'incremental', ops };
    } catch (e) {
      const ops = await this.loadFull(tables);
      return { mode: 'resync', ops, error: (e as Error).message };
    }
  }

  /** Deletes the tables (a missing table is not an error). */
  async deleteTables(tables: readonly Pick<Table, 'family' | 'name'>[]): Promise<void> {
    this.applied = undefined;
    this.stale = new Map();
    const drop = (table: Pick<Table, 'family' | 'name'>): Transaction => ({
      table,
      ops: [
        { verb: 'add', kind: 'table' },
        { verb: 'delete', kind: 'table' },
      ],
    });
    await this.runner.run(this.netns, tables.map((t) => formatTransaction(drop(t))).join(''));
  }

  /** Per table, the transaction from the applied tables to `tables`; undefined: load in full. */
  private diffs(tables: readonly Table[], diff?: GroupDiff): readonly Transaction[] | undefined {
    const applied = this.applied;
    if (!applied || applied.length !== tables.length) return undefined;
    if (diff && diff.from.length === applied.length && diff.from.every((t, i) => t === applied[i]))
      return diff.txs;
    const txs: Transaction[] = [];
    for (let i = 0; i < tables.length; i++) {
      const tx = applied[i] === tables[i] ? { table: tables[i], ops: [] } : diffTables(applied[i], tables[i]);
      if (!tx) return undefined;
      txs.push(tx);
    }
    return txs;
  }

  /**
   * The text of a group's diffs: without nft's chain dump when none deletes anything that
   * needs it (light.ts), or only chains that can wait (deferChainDeletes); with the dump, it
   * also deletes the waiting ones.
   */
  private script(
    txs: readonly Transaction[],
    tables: readonly Table[],
  ): { script: string; stale: Map<string, Set<string>> } {
    const stale = new Map([...this.stale].map(([t, chains]) => [t, new Set(chains)]));
    const staleOf = (t: string) => stale.get(t) ?? stale.set(t, new Set()).get(t)!;
    // A chain that comes back is created again (an `add` of an existing chain is no error).
    for (const tx of txs)
      for (const op of tx.ops)
        if (op.verb === 'add' && op.kind === 'chain') staleOf(tx.table.name).delete(op.chain);
    const isChainDelete = (op: NftOp): op is Extract<NftOp, { verb: 'flush' | 'delete'; kind: 'chain' }> =>
      op.verb === 'delete' && op.kind === 'chain';
    const light: string[] = [];
    for (let i = 0; i < txs.length && light.length === i; i++) {
      const tx = txs[i];
      // (Skipped without a look at the table: a shard's table has thousands of chains.)
      if (tx.ops.length === 0) {
        light.push('');
        continue;
      }
      let text = formatWithoutChainCache(tx, tables[i]);
      if (text === undefined && this.options.deferChainDeletes) {
        text = formatWithoutChainCache(
          { table: tx.table, ops: tx.ops.filter((op) => !isChainDelete(op)) },
          tables[i],
        );
        if (text !== undefined)
          for (const op of tx.ops) if (isChainDelete(op)) staleOf(tx.table.name).add(op.chain);
      }
      if (text !== undefined) light.push(text);
    }
    const waiting = [...stale.values()].reduce((n, s) => n + s.size, 0);
    if (light.length === txs.length && waiting < STALE_MAX) return { script: light.join(''), stale };
    const script = txs
      .map((tx) =>
        formatTransaction({
          table: tx.table,
          ops: [
            ...tx.ops,
            ...[...(stale.get(tx.table.name) ?? [])]
              .filter((chain) => !tx.ops.some((op) => isChainDelete(op) && op.chain === chain))
              .map((chain): NftOp => ({ verb: 'delete', kind: 'chain', chain })),
          ],
        }),
      )
      .join('');
    return { script, stale: new Map() };
  }

  private async loadFull(tables: readonly Table[]): Promise<number> {
    this.applied = undefined;
    this.stale = new Map();
    const max = this.options.maxOpsPerTransaction;
    const loads = tables.map(fullLoad);
    const ops = loads.reduce((n, tx) => n + tx.ops.length, 0);
    if (ops <= SMALL_LOAD && !max) {
      // One transaction for the whole group through the syncer's own runner.
      await this.runner.run(this.netns, loads.map(formatTransaction).join(''));
    } else {
      const parts = loads.map((tx) => (max ? splitTransaction(tx, max) : [tx]));
      let next = 0;
      const worker = async () => {
        while (next < parts.length) for (const part of parts[next++]) await this.send(part);
      };
      await Promise.all(
        Array.from({ length: Math.min(this.options.loadConcurrency ?? 1, parts.length) }, worker),
      );
    }
    this.applied = tables;
    return ops;
  }

  private send(tx: Transaction): Promise<void> {
    return (this.options.loadRunner ?? this.runner).run(this.netns, formatTransaction(tx));
  }
}

/** A group of one: keeps one table in step (the NetworkPolicy enforcer, tests, benchmarks). */
export class TableSyncer {
  private readonly group: TableGroupSyncer;

  constructor(netns: string, runner: NftRunner = execNftRunner, options: SyncOptions = {}) {
    this.group = new TableGroupSyncer(netns, runner, options);
  }

  /**
   * Makes the kernel's table equal to `table`. Rejects only when a full load fails. A renderer
   * that knows what changed may pass `diff`, the transaction from the table it rendered before
   * (`from`) to `table`; it is used when `from` is what this syncer last applied, which spares
   * diffing two whole tables.
   */
  sync(table: Table, diff?: { from: Table; tx: Transaction }): Promise<SyncResult> {
    return this.group.sync([table], diff && { from: [diff.from], txs: [diff.tx] });
  }

  /** Deletes the table (a missing table is not an error). */
  deleteTable(table: Pick<Table, 'family' | 'name'>): Promise<void> {
    return this.group.deleteTables([table]);
  }
}
