// A table applied to in place, operation by operation: what keeps the Service proxy's shard
// tables (src/dataplane/service-proxy/shards.ts) current in time proportional to a change.
import { keyText, type Chain, type Element, type NftSet, type Table } from './ir.js';
import type { NftOp } from './ops.js';

/**
 * A table kept by name, so that a transaction's operations apply in proportion to their number
 * (ProxyShards keeps one per physical table). Chains and sets it shares with the tables it was
 * given are copied before they change, so those stay as they were. It trusts the operations: the
 * validating model for tests is fake.ts.
 */
export class TableModel {
  private readonly chains = new Map<string, Chain>();
  private readonly sets = new Map<string, { def: NftSet; elements: Map<string, Element> }>();

  constructor(private readonly table: Table) {
    for (const c of table.chains) this.chains.set(c.name, c);
    for (const set of table.sets) this.sets.set(set.name, { def: set, elements: elementMap(set) });
  }

  /** Applies the operations (as the kernel would) and returns the table that results. */
  apply(ops: readonly NftOp[]): Table {
    const copied = new Set<string>();
    const own = (name: string) => {
      const c = this.chains.get(name);
      if (!c) throw new Error(`table model: no chain ${name} in ${this.table.name}`);
      if (copied.has(name)) return c;
      const copy = { ...c, rules: [...c.rules] };
      this.chains.set(name, copy);
      copied.add(name);
      return copy;
    };
    const changedSets = new Set<string>();
    for (const op of ops) {
      switch (op.kind) {
        case 'chain':
          if (op.verb === 'add') {
            if (!this.chains.has(op.chain)) {
              this.chains.set(
                op.chain,
                op.base ? { name: op.chain, base: op.base, rules: [] } : { name: op.chain, rules: [] },
              );
              copied.add(op.chain);
            }
          } else if (op.verb === 'flush') own(op.chain).rules.length = 0;
          else this.chains.delete(op.chain);
          break;
        case 'rule':
          own(op.chain).rules.push(op.rule);
          break;
        case 'set':
          if (op.verb === 'add') {
            if (!this.sets.has(op.set.name))
              this.sets.set(op.set.name, { def: { ...op.set, elements: [] }, elements: new Map() });
          } else this.sets.delete(op.set);
          break;
        case 'element': {
          const set = this.sets.get(op.set);
          if (!set) throw new Error(`table model: no set ${op.set} in ${this.table.name}`);
          if (op.verb === 'add') set.elements.set(keyText(op.element.key), op.element);
          else set.elements.delete(keyText(op.element.key));
          changedSets.add(op.set);
          break;
        }
        case 'table':
          throw new Error('table model: table operations are not applied here');
      }
    }
    for (const name of changedSets) {
      const set = this.sets.get(name);
      if (set) set.def = { ...set.def, elements: [...set.elements.values()] };
    }
    return {
      ...this.table,
      chains: [...this.chains.values()],
      sets: [...this.sets.values()].map((s) => s.def),
    };
  }
}

const elementMap = (set: NftSet) => new Map(set.elements.map((e) => [keyText(e.key), e]));
