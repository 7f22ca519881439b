// The Service proxy's tables as the kernel holds them: the one logical table render.ts
// produces (kube-proxy's layout, what the tests trace and the golden files show), spread over a
// common table and SHARDS shard tables.
//
// Why: a commit that adds a rule or a `goto` element makes the kernel validate every chain
// reachable from the base chains of that table (nf_tables_api.c, nft_table_validate), and only
// of that table. With 10,000 Services x 5 endpoints in one table (60,000 chains) that cost
// ~100 ms per change, whatever its size; the same change into a small table beside it took
// ~20 ms (docs/benchmarks.md "Service proxy"). So each Service port's chains, affinity sets and
// dispatch elements live in the shard table its name hashes to, and a change validates one
// shard. nft itself cannot delete an element without reading every chain of the namespace
// first (nft 1.0.6, light.ts), so the sets whose elements come and go with Services are small:
// the shards' maps, and the common table's sets cut in SHARDS parts by a hash of the key.
//
//   pn-C-proxy-K (each shard):
//     nat-prerouting, nat-output (dstnat)  -> services: vmap @service-ips,
//                                            local destination: vmap @service-nodeports
//     the shard's Service port chains, affinity sets, mark-for-masquerade
//   pn-C-proxy (common):
//     nat-prerouting, nat-output (dstnat-1) -> services: ClusterIP traffic from outside the pod
//                                            network is marked for masquerade, before any shard
//                                            translates it (the first NAT binding ends the hook)
//     filter-*, the no-endpoint and cluster-ips checks, reject-chain, nat-postrouting,
//     masquerading; cluster-ips, no-endpoint-services and no-endpoint-nodeports as -0..-K parts,
//     every rule that reads one repeated once per part; firewall-check with firewall-ips whole
//     and the Service ports' firewall chains (only LoadBalancer Services with source ranges
//     have them: few elements, so a change rewrites the map whole, light.ts).
//
// A packet to a Service meets the shards' dispatch maps one after the other until one holds
// its destination: SHARDS more map lookups for the first packet of a connection, none for the
// rest (NAT chains see only new connections). The tracer runs the same hooks over these
// tables, and agreement.test.ts checks they do what the logical table does.
import { fnv1a } from '../../controllers/names.js';
import { keyText, setsOfRule, type Chain, type Element, type Rule, type Table } from '../../nft/ir.js';
import type { GroupDiff } from '../../nft/apply.js';
import type { NftOp, Transaction } from '../../nft/ops.js';
import { TableModel } from '../../nft/table-model.js';
import { CHAIN, SET } from './names.js';
import type { ProxyRender } from './partial.js';

/**
 * Shard tables per node. More shards validate fewer chains per change; each costs one more map
 * lookup for the first packet of a connection, and `nft -f` ~1.5-3 ms per run (apply.ts), which
 * the agent's libnftables runner does not pay. One chain and element added at 10,000 Services
 * x 5: with nft -f 150-170 ms in 1 table, 54-63 ms in 4 shards, 34-46 ms in 8, 28-40 ms in 16;
 * through libnftables 18-19 ms in 8 shards, 12 ms in 16. A removed Service rewrites its shard's
 * dispatch map and one part of cluster-ips whole (light.ts): 15-19 ms in 16 shards, 14-16 ms in
 * 32, while 64 shards made every change slower again (17-30 ms: nft keeps a cache per table);
 * the 16 more lookups cost nothing measurable (ClusterIP p50 overhead -0.3 % to 1.1 % at 10 to
 * 30,000 Services, docs/benchmarks.md).
 */
export const SHARDS = 32;

/** Sets whose elements point into a Service port's chains: they go with those chains. */
const SHARD_SETS: ReadonlySet<string> = new Set([SET.serviceIPs, SET.serviceNodePorts]);
/** Sets the common table keeps, in parts. */
const PARTED_SETS: ReadonlySet<string> = new Set([
  SET.clusterIPs,
  SET.noEndpointServices,
  SET.noEndpointNodePorts,
]);
/** Sets the common table keeps whole. */
const COMMON_SETS: ReadonlySet<string> = new Set([SET.firewallIPs]);
/** Static chains every shard needs too; the rest of the skeleton is the common table's. */
const SHARD_CHAINS: ReadonlySet<string> = new Set([
  CHAIN.natPrerouting,
  CHAIN.natOutput,
  CHAIN.services,
  CHAIN.markForMasquerade,
]);
/** The common table's NAT base chains run just before the shards'. */
const COMMON_NAT_BASES: ReadonlySet<string> = new Set([CHAIN.natPrerouting, CHAIN.natOutput]);

export const shardTableName = (logical: string, shard: number) => `${logical}-${shard}`;
export const partSetName = (set: string, part: number) => `${set}-${part}`;

/** The Service port (`ns/name/proto/port`) a per-port chain or set name belongs to. */
export function ownerOf(name: string): string | undefined {
  const m = /^(?:service|local|external|endpoint|affinity|firewall)-[A-Z2-7]{8}-(.*)$/.exec(name);
  return m ? m[1].split('__')[0] : undefined;
}

const shardOfOwner = (owner: string, shards: number) => fnv1a(owner) % shards;
const partOf = (e: Element, shards: number) => fnv1a(keyText(e.key)) % shards;

/**
 * The table index (0 common, 1 + k shard k) of a Service port's chain or set, or undefined.
 * Firewall chains stay in the common table, with the map that points to them.
 */
function ownedIndex(name: string, shards: number): number | undefined {
  const owner = ownerOf(name);
  if (owner === undefined) return undefined;
  return name.startsWith('firewall-') ? 0 : 1 + shardOfOwner(owner, shards);
}

/** Element of a shard map: it goes where its goto target lives. */
function elementIndex(e: Element, shards: number): number | undefined {
  const v = e.verdict;
  return v && (v.kind === 'goto' || v.kind === 'jump') ? ownedIndex(v.chain, shards) : undefined;
}

/** [common, shard 0, ..., shard K-1]: the physical tables of a logical proxy table. */
export function shardProxyTable(logical: Table, shards = SHARDS): Table[] {
  const tables: Table[] = [
    { ...logical, chains: [], sets: [] },
    ...Array.from({ length: shards }, (_, k) => ({
      ...logical,
      name: shardTableName(logical.name, k),
      comment: `${logical.comment ?? 'podnet Service proxy'}, shard ${k} of ${shards}`,
      chains: [],
      sets: [],
    })),
  ];
  const [common, ...shardTables] = tables;
  for (const chain of logical.chains) {
    const owned = ownedIndex(chain.name, shards);
    if (owned !== undefined) tables[owned].chains.push(chain);
    else {
      const { inCommon, inShards } = placeStaticChain(chain, shards);
      common.chains.push(inCommon);
      if (inShards) for (const t of shardTables) t.chains.push(inShards);
    }
  }
  for (const set of logical.sets) {
    const owned = ownedIndex(set.name, shards);
    if (owned !== undefined) tables[owned].sets.push(set);
    else if (SHARD_SETS.has(set.name)) {
      const copies = shardTables.map((t) => {
        const copy = { ...set, elements: [] as Element[] };
        t.sets.push(copy);
        return copy;
      });
      for (const e of set.elements) {
        const i = elementIndex(e, shards);
        if (i === undefined) throw new Error(`shards: element of ${set.name} points outside a Service port`);
        copies[i - 1].elements.push(e);
      }
    } else if (COMMON_SETS.has(set.name)) common.sets.push(set);
    else if (PARTED_SETS.has(set.name)) {
      const parts = Array.from({ length: shards }, (_, p) => ({
        ...set,
        name: partSetName(set.name, p),
        elements: [] as Element[],
      }));
      for (const e of set.elements) parts[partOf(e, shards)].elements.push(e);
      common.sets.push(...parts);
    } else throw new Error(`shards: no place for set ${set.name}`);
  }
  return tables;
}

/** A static chain in the common table and, for SHARD_CHAINS, in every shard. */
function placeStaticChain(chain: Chain, shards: number): { inCommon: Chain; inShards?: Chain } {
  const common: Rule[] = [];
  const shard: Rule[] = [];
  const both = SHARD_CHAINS.has(chain.name);
  for (const r of chain.rules) {
    const sets = setsOfRule(r);
    if (sets.some((s) => SHARD_SETS.has(s))) {
      if (!both) throw new Error(`shards: chain ${chain.name} reads a shard map but is not in the shards`);
      shard.push(r);
    } else if (sets.some((s) => PARTED_SETS.has(s)))
      for (let p = 0; p < shards; p++) common.push(inPart(r, p));
    else {
      common.push(r);
      if (both) shard.push(r);
    }
  }
  const base =
    chain.base && both && COMMON_NAT_BASES.has(chain.name)
      ? { ...chain.base, priority: chain.base.priority - 1 }
      : chain.base;
  const inCommon: Chain = { ...chain, ...(base ? { base } : {}), rules: common };
  return both ? { inCommon, inShards: { ...chain, rules: shard } } : { inCommon };
}

/** The rule reading part `p` of the parted sets it reads. */
function inPart(r: Rule, p: number): Rule {
  const name = (s: string) => (PARTED_SETS.has(s) ? partSetName(s, p) : s);
  return {
    ...r,
    matches: r.matches.map((m) => (m.kind === 'lookup' ? { ...m, set: name(m.set) } : m)),
    ...(r.verdict?.kind === 'vmap' ? { verdict: { ...r.verdict, map: name(r.verdict.map) } } : {}),
  };
}

/**
 * A logical transaction that touches only Service ports' objects (what a partial render hands
 * over), as one transaction per physical table, in shardProxyTable's order; undefined when it
 * touches the static part, which only diffing the physical tables can place.
 */
export function shardTransaction(tx: Transaction, physical: readonly Table[]): Transaction[] | undefined {
  const shards = physical.length - 1;
  const out = physical.map((table): Transaction => ({ table, ops: [] }));
  for (const op of tx.ops) {
    const placed = placeOp(op, shards);
    if (!placed) return undefined;
    out[placed.index].ops.push(placed.op);
  }
  return out;
}

function placeOp(op: NftOp, shards: number): { index: number; op: NftOp } | undefined {
  let index: number | undefined;
  switch (op.kind) {
    case 'table':
      return undefined;
    case 'chain':
    case 'rule':
      index = ownedIndex(op.chain, shards);
      break;
    case 'set':
      index = ownedIndex(typeof op.set === 'string' ? op.set : op.set.name, shards);
      break;
    case 'element':
      if (SHARD_SETS.has(op.set)) index = elementIndex(op.element, shards);
      else if (COMMON_SETS.has(op.set)) index = 0;
      else if (PARTED_SETS.has(op.set))
        return { index: 0, op: { ...op, set: partSetName(op.set, partOf(op.element, shards)) } };
      else index = ownedIndex(op.set, shards);
      break;
  }
  return index === undefined ? undefined : { index, op };
}

/**
 * Turns each render of the logical table into the physical tables and, when the render came
 * with a diff from the previous one, that diff placed in them (for TableGroupSyncer). With a
 * diff, only the tables it touches are built again, from the previous ones and the placed
 * operations: splitting the whole logical table took ~45 ms per sync at 10,000 Services.
 */
export class ProxyShards {
  private last: { generation: number; physical: Table[]; models: TableModel[] } | undefined;

  constructor(private readonly shards = SHARDS) {}

  place(r: ProxyRender): { tables: Table[]; diff?: GroupDiff } {
    const last = this.last;
    const txs =
      r.diff && last?.generation === r.diff.fromGeneration
        ? shardTransaction(r.diff.tx, last.physical)
        : undefined;
    if (!last || !txs) {
      const tables = shardProxyTable(r.table, this.shards);
      this.last = {
        generation: r.generation,
        physical: tables,
        models: tables.map((t) => new TableModel(t)),
      };
      return { tables };
    }
    const tables = last.physical.map((t, i) => (txs[i].ops.length ? last.models[i].apply(txs[i].ops) : t));
    const placed = txs.map((tx, i) => ({ table: tables[i], ops: tx.ops }));
    const from = last.physical;
    this.last = { generation: r.generation, physical: tables, models: last.models };
    return { tables, diff: { from, txs: placed } };
  }
}
