// Incremental scripts that spare nft 1.0.6 its chain dump. Before it runs a script with an
// `add rule`, an `add element` or any `delete`, nft 1.0.6 reads every chain of every table in
// the namespace into its cache (src/cache.c, nft_cache_evaluate: NFT_CACHE_CHAIN for those
// commands); `add chain` and `add set`/`add map`, even with a body, and `flush chain` need only
// the list of tables. At 10,000 Services (60,000 chains) the dump cost ~100 ms of every
// incremental sync, whatever its size; the same Service added with the forms below took
// 135-158 ms instead of 292-301 ms (docs/benchmarks.md "Service proxy").
//
// So a transaction that deletes nothing is written with those forms: the rules of one chain as
// `add chain T C { r1 ; r2 ; }` (on an existing chain, `add` appends them), the elements of one
// set as `add set T S { <its definition> ; elements = { e1, e2 } ; }` (the kernel accepts the
// definition again as long as it is unchanged). The operations and their order stay those of
// the transaction, so every reference is still valid when the kernel checks it.
//
// Deleting an element needs the cache too, so a set that loses elements is written whole
// instead: `flush set` and the set again with every element it keeps, in the same transaction
// (so no packet sees it empty). That is only worth it for small sets (RELOAD_MAX); the Service
// proxy keeps the sets whose elements come and go small for that reason (shards.ts).
//
// Not every transaction fits; formatWithoutChainCache returns undefined for those:
//   - deletes of tables, chains and sets, and of elements of sets larger than RELOAD_MAX or
//     filled by the packet path (`dynamic`: a reload would forget what the packets added);
//   - rules that name a set the transaction does not create: without the cache nft does not
//     know the set ("No such file or directory");
//   - rules of base chains (`add chain` on a base chain would have to repeat its hook);
//   - elements of interval sets, whose adjacent ranges nft works out from the cached elements.
import { setsOfRule, tableRef, type NftSet, type Table } from './ir.js';
import type { NftOp, Transaction } from './ops.js';
import { formatElement, formatOp, formatRule, formatSetBody } from './text.js';

/** Sets up to this size are written whole rather than have elements deleted. */
export const RELOAD_MAX = 5000;

export function formatWithoutChainCache(tx: Transaction, table: Table): string | undefined {
  // (A filter, not a Map of every chain: this runs on each sync of a table with 60,000 chains.)
  const baseChains = new Set(table.chains.filter((c) => c.base).map((c) => c.name));
  const sets = new Map(table.sets.map((s) => [s.name, s]));
  const created = new Set<string>();
  // The sets written whole (those losing an element), at the position of the last operation
  // on each.
  const lastElementOp = new Map<string, number>();
  const reload = new Map<string, number>();
  tx.ops.forEach((op, i) => {
    if (op.kind !== 'element') return;
    lastElementOp.set(op.set, i);
    if (op.verb === 'delete') reload.set(op.set, i);
  });
  for (const name of reload.keys()) {
    const set = sets.get(name);
    if (
      !set ||
      set.elements.length > RELOAD_MAX ||
      set.flags?.some((f) => f === 'dynamic' || f === 'interval')
    )
      return undefined;
    reload.set(name, lastElementOp.get(name)!);
  }
  for (const op of tx.ops) {
    if ((op.verb === 'delete' && op.kind !== 'element') || op.kind === 'table') return undefined;
    if (op.kind === 'set') created.add(op.set.name);
    if (op.kind === 'rule') {
      if (baseChains.has(op.chain)) return undefined;
      if (setsOfRule(op.rule).some((s) => !created.has(s))) return undefined;
    }
    if (op.kind === 'element') {
      const set = sets.get(op.set);
      if (!set || set.flags?.includes('interval')) return undefined;
    }
  }

  const t = tableRef(tx.table);
  const lines: string[] = [];
  for (let i = 0; i < tx.ops.length;) {
    const op = tx.ops[i];
    if (op.kind === 'element' && reload.has(op.set)) {
      if (reload.get(op.set) === i) lines.push(...wholeSet(t, sets.get(op.set)!));
      i++;
      continue;
    }
    const run = runOf(tx.ops, i);
    i += run.length;
    if (op.kind === 'rule') {
      const rules = run.map((o) => formatRule((o as Extract<NftOp, { kind: 'rule' }>).rule));
      lines.push(`add chain ${t} ${op.chain} { ${rules.join(' ; ')} ; }`);
    } else if (op.kind === 'element') {
      const set = sets.get(op.set)!;
      const elements = run.map((o) => formatElement((o as Extract<NftOp, { kind: 'element' }>).element));
      lines.push(
        `add ${set.map ? 'map' : 'set'} ${t} ${set.name} { ${formatSetBody(set)} elements = { ${elements.join(', ')} } ; }`,
      );
    } else {
      lines.push(formatOp(t, op));
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** `flush` and the set again with all its elements: the set's content replaced in one step. */
function wholeSet(t: string, set: NftSet): string[] {
  const kind = set.map ? 'map' : 'set';
  const lines = [`flush ${kind} ${t} ${set.name}`];
  if (set.elements.length > 0)
    lines.push(
      `add ${kind} ${t} ${set.name} { ${formatSetBody(set)} elements = { ${set.elements.map(formatElement).join(', ')} } ; }`,
    );
  return lines;
}

/** The operations from `i` on that go into one command: adds of rules to one chain, or of elements to one set. */
function runOf(ops: NftOp[], i: number): NftOp[] {
  const first = ops[i];
  const target = (op: NftOp) =>
    op.verb === 'add' && op.kind === 'rule'
      ? `rule ${op.chain}`
      : op.verb === 'add' && op.kind === 'element'
        ? `element ${op.set}`
        : undefined;
  const key = target(first);
  if (key === undefined) return [first];
  let j = i + 1;
  while (j < ops.length && target(ops[j]) === key) j++;
  return ops.slice(i, j);
}
