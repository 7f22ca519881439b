// The only part of src/nft that touches the machine: it runs `nft -f -` inside a network
// namespace and keeps one table in step with what a renderer produced. The first sync loads the
// whole table in one transaction; later syncs send only the diff; a diff that fails (someone
// changed the table behind our back, or our idea of it was wrong) is followed at once by a full
// resync, which deletes the table and loads it again (kube-proxy's needFullSync after a failed
// partial sync, pkg/proxy/nftables/proxier.go).
import { exec } from '../host/exec.js';
import { assertOwned } from '../host/netns.js';
import { diffTables } from './diff.js';
import type { Table } from './ir.js';
import { fullLoad, splitTransaction, type Transaction } from './ops.js';
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
}

export class TableSyncer {
  /** What the kernel holds, as far as we know; undefined forces a full load. */
  private applied: Table | undefined;

  constructor(
    readonly netns: string,
    private readonly runner: NftRunner = execNftRunner,
    private readonly options: SyncOptions = {},
  ) {}

  /** Makes the kernel's table equal to `table`. Rejects only when a full load fails. */
  async sync(table: Table): Promise<SyncResult> {
    const tx = this.applied && diffTables(this.applied, table);
    if (!tx) return { mode: 'full', ops: await this.loadFull(table) };
    if (tx.ops.length === 0) return { mode: 'unchanged', ops: 0 };
    try {
      await this.send(tx);
      this.applied = table;
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
    await this.send({
      table,
      ops: [
        { verb: 'add', kind: 'table' },
        { verb: 'delete', kind: 'table' },
      ],
    });
  }

  private async loadFull(table: Table): Promise<number> {
    this.applied = undefined;
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
