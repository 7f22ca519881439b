// A transaction on one table as a list of operations (knftables transaction.go: a pure value of
// (verb, object) pairs). text.ts turns it into one `nft -f` script, which the kernel applies
// atomically; fake.ts applies it to the model, checking what the kernel would refuse.
import type { BaseChainSpec, Element, NftSet, Rule, Table } from './ir.js';

export type NftOp =
  | { verb: 'add' | 'delete'; kind: 'table'; comment?: string }
  | { verb: 'add'; kind: 'chain'; chain: string; base?: BaseChainSpec }
  | { verb: 'flush' | 'delete'; kind: 'chain'; chain: string }
  | { verb: 'add'; kind: 'rule'; chain: string; rule: Rule }
  | { verb: 'add'; kind: 'set'; set: Omit<NftSet, 'elements'> }
  | { verb: 'delete'; kind: 'set'; set: string; map: boolean }
  | { verb: 'add' | 'delete'; kind: 'element'; set: string; element: Element };

export interface Transaction {
  table: Pick<Table, 'family' | 'name'>;
  ops: NftOp[];
}

/**
 * Replaces the table with `table` in one transaction: `add table` + `delete table` (so the
 * delete cannot fail on a missing table, the idiom of kube-proxy's CleanupLeftovers), then chains,
 * sets, rules and elements, in that order so every reference points backwards.
 */
export function fullLoad(table: Table): Transaction {
  const comment = table.comment === undefined ? {} : { comment: table.comment };
  const ops: NftOp[] = [
    { verb: 'add', kind: 'table' },
    { verb: 'delete', kind: 'table' },
    { verb: 'add', kind: 'table', ...comment },
  ];
  ops.push(...table.chains.map(addChain));
  ops.push(...table.sets.map(addSet));
  for (const c of table.chains) ops.push(...addRules(c.name, c.rules));
  for (const s of table.sets) ops.push(...addElements(s.name, s.elements));
  return { table, ops };
}

/**
 * A full load cut into transactions of at most `maxOps` operations, for a cold start too large
 * for one. Because fullLoad orders chains, sets, rules and elements, every prefix is a valid
 * table; a Service becomes reachable once its map element lands, after its chains are complete.
 * Atomicity is lost between the parts: the table is briefly incomplete.
 */
export function splitTransaction(tx: Transaction, maxOps: number): Transaction[] {
  const out: Transaction[] = [];
  for (let i = 0; i < tx.ops.length; i += maxOps)
    out.push({ table: tx.table, ops: tx.ops.slice(i, i + maxOps) });
  return out;
}

export const addChain = (c: { name: string; base?: BaseChainSpec }): NftOp =>
  c.base
    ? { verb: 'add', kind: 'chain', chain: c.name, base: c.base }
    : { verb: 'add', kind: 'chain', chain: c.name };

export const addSet = (s: NftSet): NftOp => ({ verb: 'add', kind: 'set', set: setDefinition(s) });

/** A set without its elements: what `add set` creates and what must not change in place. */
export function setDefinition(s: NftSet): Omit<NftSet, 'elements'> {
  const def: Partial<NftSet> = { ...s };
  delete def.elements;
  return def as Omit<NftSet, 'elements'>;
}

export const addRules = (chain: string, rules: Rule[]): NftOp[] =>
  rules.map((rule) => ({ verb: 'add', kind: 'rule', chain, rule }));

export const addElements = (set: string, elements: Element[]): NftOp[] =>
  elements.map((element) => ({ verb: 'add', kind: 'element', set, element }));
