// The only part of src/nft that touches the machine: it runs `nft -f -` inside a network
// namespace and keeps one table in step with what a renderer produced. The first sync loads the
// whole table in one transaction; later syncs send only the diff; a diff that fails (someone
// changed the table behind our back, or our idea of it was wrong) is followed at once by a full
// resync, which deletes the table and loads it again (kube-proxy's needFullSync after a failed
// partial sync, pkg/proxy/nftables/proxier.go). A renderer that knows what changed can hand
// over the diff itself (src/dataplane/service-proxy/partial.ts), which spares comparing two
// whole tables.
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
 * `nsenter --net=/run/netns/NS nft -f -`: nsenter only switches the network namespace, where
 * `ip netns exec` also remounts /sys, which costs time on every sync.
 */
export const execNftRunner: NftRunner = {
  async run(netns, script) {
    assertOwned(netns);
    await exec(['nsenter', `--net=/run/netns/${netns}`, 'nft', '-f', '-'], { input: script });
  },
};

export interface SyncResult {
  /** full: first load; incremental: a diff; unchanged: nothing to send; resync: a diff failed. */
  mode: 'full' | 'incremental' | 'unchanged' | 'resync';
  /** Operations sent to the kernel. */
  ops: number;
  /** Why the diff failed, for mode resync. */
  error?: string;
}

export interface SyncOptions {
  /**
   * Cut full loads into transactions of at most this many operations (see splitTransaction);
   * unset: one atomic transaction.
   */
  maxOpsPerTransaction?: number;
  /**
   * kube-proxy's stale chains (pkg/proxy/nftables/proxier.go: a chain no longer needed is
   * flushed at once and deleted in a later sync): a diff whose only deletes are of chains is
   * sent without them when that spares nft its chain dump (light.ts), and the chains, empty
   * and unreferenced, are deleted with the next diff that needs the dump anyway. Until then the
   * kernel's table holds them besides `table`. At 10,000 Services a replaced endpoint took
   * ~0.3 s of `nft` with the delete and ~0.13 s without.
   */
  deferChainDeletes?: boolean;
}

export class TableSyncer {
  /** What the kernel holds, as far as we know; undefined forces a full load. */
  private applied: Table | undefined;
  /** Chains flushed and left for a later diff to delete (deferChainDeletes). */
  private stale = new Set<string>();

  constructor(
    readonly netns: string,
    private readonly runner: NftRunner = execNftRunner,
    private readonly options: SyncOptions = {},
  ) {}

  /**
   * Makes the kernel's table equal to `table`. Rejects only when a full load fails. A renderer
   * that knows what changed may pass `diff`, the transaction from the table it rendered before
   * (`from`) to `table`; it is used when `from` is what this syncer last applied, which spares
   * diffing two whole tables.
   */
  async sync(table: Table, diff?: { from: Table; tx: Transaction }): Promise<SyncResult> {
    const tx = diff && this.applied === diff.from ? diff.tx : this.applied && diffTables(this.applied, table);
    if (!tx) return { mode: 'full', ops: await this.loadFull(table) };
    if (tx.ops.length === 0) return { mode: 'unchanged', ops: 0 };
    try {
      const { script, stale } = this.script(tx, table);
      await this.runner.run(this.netns, script);
      this.applied = table;
      this.stale = stale;
      return { mode: 'incremental', ops: tx.ops.length };
    } catch (e) {
      this.applied = undefined;
      const ops = await this.loadFull(table);
      return { mode: 'resync', ops, error: (e as Error).message };
    }
  }

  /** Deletes the table (a missing table is not an error). */
  async deleteTable(table: Pick<Table, 'family' | 'name'>): Promise<void> {
    this.applied = undefined;
    this.stale = new Set();
    await this.send({
      table,
      ops: [
        { verb: 'add', kind: 'table' },
        { verb: 'delete', kind: 'table' },
      ],
    });
  }

  /**
   * The text of a diff: without nft's chain dump when it deletes nothing (light.ts), or only
   * chains that can wait (deferChainDeletes); with the dump, it also deletes the waiting ones.
   */
  private script(tx: Transaction, table: Table): { script: string; stale: Set<string> } {
    const stale = new Set(this.stale);
    // A chain that comes back is created again (an `add` of an existing chain is no error).
    for (const op of tx.ops) if (op.verb === 'add' && op.kind === 'chain') stale.delete(op.chain);
    const light = formatWithoutChainCache(tx, table);
    if (light !== undefined) return { script: light, stale };
    const isChainDelete = (op: NftOp) => op.verb === 'delete' && op.kind === 'chain';
    if (this.options.deferChainDeletes) {
      const rest = formatWithoutChainCache(
        { table: tx.table, ops: tx.ops.filter((op) => !isChainDelete(op)) },
        table,
      );
      if (rest !== undefined) {
        for (const op of tx.ops) if (op.kind === 'chain' && op.verb === 'delete') stale.add(op.chain);
        return { script: rest, stale };
      }
    }
    const ops: NftOp[] = [
      ...tx.ops,
      ...[...stale].map((chain): NftOp => ({ verb: 'delete', kind: 'chain', chain })),
    ];
    return { script: formatTransaction({ table: tx.table, ops }), stale: new Set() };
  }

  private async loadFull(table: Table): Promise<number> {
    this.applied = undefined;
    this.stale = new Set();
    const tx = fullLoad(table);
    const max = this.options.maxOpsPerTransaction;
    for (const part of max ? splitTransaction(tx, max) : [tx]) await this.send(part);
    this.applied = table;
    return tx.ops.length;
  }

  private send(tx: Transaction): Promise<void> {
    return this.runner.run(this.netns, formatTransaction(tx));
  }
}
