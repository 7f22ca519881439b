// The smallest transaction that turns the old table into the new one, applied as one atomic
// `nft -f` script: elements are added and deleted one by one, a chain whose rules changed is
// flushed and written again (knftables README: "if in doubt, flush the chain and rewrite it";
// kube-proxy's partial sync does the same per Service, pkg/proxy/nftables/proxier.go), new
// chains and sets are created, stale ones deleted once nothing refers to them.
//
// Order inside the transaction, so that every reference is valid when the kernel checks it:
//   1. add new chains and sets;
//   2. write rules: new chains, and flush + refill changed chains;
//   3. delete removed or changed elements, add new or changed ones (a verdict or comment
//      cannot be changed in place);
//   4. flush every removed chain, then delete them (they may refer to each other);
//   5. delete removed sets (no rule refers to them any more after 2 and 4).
// A change nftables cannot express in place (the table's identity or comment, a base chain's
// hook or priority, a set's type or flags) returns undefined: the caller loads the table anew.
import { deepEqual } from './equal.js';
import { keyText, type Chain, type Element, type NftSet, type Table } from './ir.js';
import {
  addChain,
  addElements,
  addRules,
  addSet,
  setDefinition,
  type NftOp,
  type Transaction,
} from './ops.js';

export function diffTables(old: Table, next: Table): Transaction | undefined {
  if (old.family !== next.family || old.name !== next.name || old.comment !== next.comment) return undefined;
  const oldChains = new Map(old.chains.map((c) => [c.name, c]));
  const oldSets = new Map(old.sets.map((s) => [s.name, s]));
  const newChains = new Set(next.chains.map((c) => c.name));
  const newSets = new Set(next.sets.map((s) => s.name));
  for (const c of next.chains) {
    const o = oldChains.get(c.name);
    if (o && !same(o.base, c.base)) return undefined;
  }
  for (const s of next.sets) {
    const o = oldSets.get(s.name);
    if (o && !same(setDefinition(o), setDefinition(s))) return undefined;
  }

  const create: NftOp[] = [];
  const rules: NftOp[] = [];
  const elements: NftOp[] = [];
  for (const c of next.chains) {
    const o = oldChains.get(c.name);
    if (!o) {
      create.push(addChain(c));
      rules.push(...addRules(c.name, c.rules));
    } else if (!sameRules(o, c)) {
      rules.push({ verb: 'flush', kind: 'chain', chain: c.name }, ...addRules(c.name, c.rules));
    }
  }
  for (const s of next.sets) {
    const o = oldSets.get(s.name);
    if (!o) {
      create.push(addSet(s));
      elements.push(...addElements(s.name, s.elements));
    } else {
      elements.push(...diffElements(o, s));
    }
  }
  const goneChains = old.chains.filter((c) => !newChains.has(c.name));
  const remove: NftOp[] = [
    ...goneChains.map((c): NftOp => ({ verb: 'flush', kind: 'chain', chain: c.name })),
    ...goneChains.map((c): NftOp => ({ verb: 'delete', kind: 'chain', chain: c.name })),
    ...old.sets
      .filter((s) => !newSets.has(s.name))
      .map((s): NftOp => ({ verb: 'delete', kind: 'set', set: s.name, map: s.map !== undefined })),
  ];
  return { table: next, ops: [...create, ...rules, ...elements, ...remove] };
}

function diffElements(old: NftSet, next: NftSet): NftOp[] {
  const before = new Map(old.elements.map((e) => [keyText(e.key), e]));
  const deleted: NftOp[] = [];
  const added: Element[] = [];
  const seen = new Set<string>();
  for (const e of next.elements) {
    const k = keyText(e.key);
    seen.add(k);
    const o = before.get(k);
    if (o && sameElement(o, e)) continue;
    if (o) deleted.push({ verb: 'delete', kind: 'element', set: old.name, element: o });
    added.push(e);
  }
  for (const [k, o] of before)
    if (!seen.has(k)) deleted.push({ verb: 'delete', kind: 'element', set: old.name, element: o });
  return [...deleted, ...addElements(next.name, added)];
}

const same = deepEqual;
const sameRules = (a: Chain, b: Chain) => deepEqual(a.rules, b.rules);
const sameElement = (a: Element, b: Element) => a.comment === b.comment && same(a.verdict, b.verdict);
