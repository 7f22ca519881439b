// A packet tracer over the IR: the first packet of a connection walks the base chains of each
// hook it meets (in priority order), following jumps, gotos and verdict maps, and comes out
// accepted (possibly with DNAT and SNAT), dropped or rejected, with the rules it matched. It is
// kube-proxy's test tracer (pkg/proxy/nftables/helpers_test.go nftablesTracer), promoted to
// production code: analysis and the data plane can run the same packets over the same rules.
// It evaluates the IR, not text, so it understands every construct the renderers can emit.
//
// Netfilter order modelled: prerouting, then input if the (translated) destination is a local
// address or forward otherwise, then postrouting for forwarded packets; locally generated
// packets take output, then postrouting. NAT chains see only new connections (conntrack
// replays the translation for the rest); filter chains see every packet. Several tables may
// share a hook (the Service proxy's shards, shards.ts): their base chains run in priority
// order, a jump stays inside its table, and once a NAT chain has translated the connection the
// later NAT chains of that hook are skipped (nf_nat_inet_fn stops at the first binding).
import { parseIPv4 } from '../lib/netaddr/index.js';
import { intervalKeyContains } from './interval.js';
import { formatRule } from './text.js';
import {
  keyText,
  type ElementVerdict,
  type Expr,
  type Hook,
  type Match,
  type Rule,
  type Table,
  type Value,
  type Verdict,
} from './ir.js';

export interface TracePacket {
  saddr: string;
  daddr: string;
  protocol: 'tcp' | 'udp' | 'sctp';
  dport: number;
}

export interface TraceEnv {
  /** Addresses of the namespace, for `fib ... type local` (127.0.0.0/8 always is local). */
  localAddresses: readonly string[];
  /** Conntrack state of the packet; default `new` (the first packet of a connection). */
  ctState?: 'new' | 'established';
  /** `numgen random mod N`: a value in [0, N); by default always 0. */
  random?: (mod: number) => number;
  /** Entries that the packet path added to dynamic sets (`update @set`), by set; updated. */
  dynamicSets?: Map<string, Set<string>>;
}

export interface TraceStep {
  hook: Hook;
  chain: string;
  /** The rule as nft text. */
  rule: string;
  comment?: string;
}

export interface TraceResult {
  verdict: 'accept' | 'drop' | 'reject';
  rejectWith?: 'tcp reset' | 'icmp port-unreachable';
  dnat?: { addr: string; port: number };
  snat?: string;
  /** The hooks the packet went through, in order. */
  hooks: Hook[];
  /** The rules that matched, in order. */
  steps: TraceStep[];
  /** What `log` statements sent to NFLOG, in order. */
  logs: { group: number; prefix: string }[];
}

/** nft's jump stack holds 16 chains (NFT_JUMP_STACK_SIZE); deeper is a broken ruleset. */
const JUMP_DEPTH = 16;

type ChainResult = { final: 'accept' | 'drop' | 'reject' } | { final?: undefined };

export function tracePacket(
  table: Table | readonly Table[],
  entry: 'prerouting' | 'output',
  packet: TracePacket,
  env: TraceEnv,
): TraceResult {
  return new Run(table, packet, env).trace(entry);
}

/** One way through the rules, with the probability of the numgen draws that lead there. */
export interface TracePath extends TraceResult {
  probability: number;
}

/**
 * Every outcome the numgen choices allow, one result per path, depth-first over each draw.
 * A draw compared with a constant (`numgen random mod N == k`) has two classes of values, k
 * and the rest, so a chain of N such rules gives N paths, not N! value combinations; a draw
 * used as a map key is enumerated value by value.
 */
export function traceAll(
  table: Table | readonly Table[],
  entry: 'prerouting' | 'output',
  packet: TracePacket,
  env: TraceEnv,
): TracePath[] {
  const out: TracePath[] = [];
  const pending: number[][] = [[]];
  while (pending.length) {
    const prefix = pending.pop()!;
    // For each draw of this run: its representative values and their probabilities.
    const draws: { value: number; p: number }[][] = [];
    const draw: Draw = (mod, compared) => {
      const reps =
        compared === undefined
          ? Array.from({ length: mod }, (_, value) => ({ value, p: 1 / mod }))
          : [
              { value: compared, p: 1 / mod },
              ...(mod > 1 ? [{ value: compared === 0 ? 1 : 0, p: (mod - 1) / mod }] : []),
            ];
      const i = draws.length;
      draws.push(reps);
      return reps[i < prefix.length ? prefix[i] : 0].value;
    };
    const dynamicSets = new Map([...(env.dynamicSets ?? [])].map(([k, v]) => [k, new Set(v)]));
    const result = new Run(table, packet, { ...env, dynamicSets }, draw).trace(entry);
    const probability = draws.reduce((p, reps, i) => p * reps[i < prefix.length ? prefix[i] : 0].p, 1);
    out.push({ ...result, probability });
    for (let i = prefix.length; i < draws.length; i++)
      for (let v = 1; v < draws[i].length; v++)
        pending.push([...prefix, ...Array(i - prefix.length).fill(0), v]);
  }
  return out;
}

/** Picks a numgen value; `compared` is the constant the value is compared with, if it is. */
type Draw = (mod: number, compared?: number) => number;

type Chain = Table['chains'][number];
type NftSet = Table['sets'][number];

class Run {
  private readonly tables: readonly Table[];
  /** Per table, by name. */
  private readonly chains: Map<string, Chain>[];
  private readonly sets: Map<string, NftSet>[];
  private readonly elementKeys = new Map<NftSet, Map<string, NftSet['elements'][number]>>();
  private readonly pkt: TracePacket & { mark: number };
  private readonly result: TraceResult = { verdict: 'accept', hooks: [], steps: [], logs: [] };
  private hook: Hook = 'prerouting';
  /** The table of the chain being run: jumps and set names resolve in it. */
  private table = 0;
  /** A NAT statement ran at this hook: the hook's later NAT chains are skipped. */
  private translated = false;

  constructor(
    table: Table | readonly Table[],
    packet: TracePacket,
    private readonly env: TraceEnv,
    private readonly draw: Draw = (mod) => (env.random ?? (() => 0))(mod),
  ) {
    this.tables = 'chains' in table ? [table] : table;
    this.chains = this.tables.map((t) => new Map(t.chains.map((c) => [c.name, c])));
    this.sets = this.tables.map((t) => new Map(t.sets.map((s) => [s.name, s])));
    this.pkt = { ...packet, mark: 0 };
  }

  trace(entry: 'prerouting' | 'output'): TraceResult {
    const path: Hook[] = entry === 'output' ? ['output', 'postrouting'] : ['prerouting'];
    for (let i = 0; i < path.length; i++) {
      if (!this.runHook(path[i])) break;
      // Routing happens after prerouting, on the destination as DNAT left it.
      if (path[i] === 'prerouting')
        path.push(
          ...(this.isLocal(this.pkt.daddr) ? (['input'] as const) : (['forward', 'postrouting'] as const)),
        );
    }
    return this.result;
  }

  /** Runs the hook's base chains; false when the packet was dropped or rejected. */
  private runHook(hook: Hook): boolean {
    this.hook = hook;
    this.translated = false;
    this.result.hooks.push(hook);
    const base = this.tables
      .flatMap((t, table) => t.chains.map((chain) => ({ table, chain })))
      .filter(
        ({ chain: c }) =>
          c.base?.hook === hook && (c.base.type !== 'nat' || (this.env.ctState ?? 'new') === 'new'),
      )
      .sort((a, b) => a.chain.base!.priority - b.chain.base!.priority);
    for (const { table, chain: c } of base) {
      if (c.base!.type === 'nat' && this.translated) continue;
      this.table = table;
      const r = this.runChain(c.name, 0);
      const verdict = r.final ?? c.base!.policy ?? 'accept';
      if (verdict !== 'accept') {
        this.result.verdict = verdict;
        return false;
      }
    }
    return true;
  }

  private runChain(name: string, depth: number): ChainResult {
    if (depth > JUMP_DEPTH) throw new Error(`trace: jump stack exhausted at chain ${name}`);
    const chain = this.chains[this.table].get(name);
    if (!chain) throw new Error(`trace: no chain ${name} in table ${this.tables[this.table].name}`);
    for (const rule of chain.rules) {
      if (!rule.matches.every((m) => this.matches(m))) continue;
      const verdict = this.resolve(rule.verdict);
      if (verdict === null) continue; // verdict map without a matching element: no match
      this.result.steps.push({ hook: this.hook, chain: name, rule: formatRule(rule), comment: rule.comment });
      const stop = this.execute(rule);
      if (stop) return stop;
      if (!verdict) continue;
      switch (verdict.kind) {
        case 'accept':
        case 'drop':
          return { final: verdict.kind };
        case 'reject':
          this.result.rejectWith = verdict.with ?? 'icmp port-unreachable';
          return { final: 'reject' };
        case 'return':
          return {};
        case 'goto':
          return this.runChain(verdict.chain, depth + 1);
        case 'jump': {
          const r = this.runChain(verdict.chain, depth + 1);
          if (r.final) return r;
        }
      }
    }
    return {};
  }

  /** Runs the statements; a NAT statement ends the chain (it is terminal in nftables). */
  private execute(rule: Rule): ChainResult | undefined {
    for (const s of rule.statements) {
      switch (s.kind) {
        case 'mark':
          this.pkt.mark = s.op === 'or' ? this.pkt.mark | s.value : this.pkt.mark ^ s.value;
          break;
        case 'update': {
          const sets = (this.env.dynamicSets ??= new Map());
          if (!sets.has(s.set)) sets.set(s.set, new Set());
          sets.get(s.set)!.add(this.keyOf(s.key));
          break;
        }
        case 'dnat':
          this.pkt.daddr = s.addr;
          this.pkt.dport = s.port ?? this.pkt.dport;
          this.result.dnat = { addr: this.pkt.daddr, port: this.pkt.dport };
          this.translated = true;
          return { final: 'accept' };
        case 'snat':
          this.result.snat = s.addr;
          this.translated = true;
          return { final: 'accept' };
        case 'log':
          this.result.logs.push({ group: s.group, prefix: s.prefix });
          break;
        case 'counter':
          break;
      }
    }
    return undefined;
  }

  /** The rule's verdict, with a verdict map looked up; null when the map has no such key. */
  private resolve(v: Verdict | undefined): ElementVerdict | undefined | null {
    if (v?.kind !== 'vmap') return v;
    return this.element(v.map, this.keyValues(v.key))?.verdict ?? null;
  }

  /** The element holding the key: by its text, or in an interval set the one covering it. */
  private element(set: string, key: Value[]) {
    const s = this.sets[this.table].get(set);
    if (!s) throw new Error(`trace: no set ${set} in table ${this.tables[this.table].name}`);
    if (s.flags?.includes('interval')) return s.elements.find((e) => intervalKeyContains(s.type, e.key, key));
    let index = this.elementKeys.get(s);
    if (!index) {
      index = new Map(s.elements.map((e) => [keyText(e.key), e]));
      this.elementKeys.set(s, index);
    }
    return index.get(keyText(key));
  }

  private matches(m: Match): boolean {
    if (m.kind === 'lookup') {
      const key = this.keyValues(m.key);
      const found =
        this.element(m.set, key) !== undefined ||
        this.env.dynamicSets?.get(m.set)?.has(keyText(key)) === true;
      return found !== (m.negate ?? false);
    }
    const left =
      typeof m.left !== 'string' && 'numgen' in m.left
        ? this.numgen(m.left.mod, Number(m.right))
        : this.value(m.left);
    // `ct state established,related` matches any of the listed states (a bit mask in nft).
    const equal =
      m.left === 'ct state' ? String(m.right).split(',').includes(String(left)) : this.equals(left, m.right);
    return m.op === '==' ? equal : !equal;
  }

  private equals(actual: Value, want: Value): boolean {
    if (typeof want === 'string' && want.includes('/')) return inPrefix(String(actual), want);
    return String(actual) === String(want);
  }

  private keyOf(key: Expr[]): string {
    return keyText(this.keyValues(key));
  }

  private keyValues(key: Expr[]): Value[] {
    return key.map((e) => this.value(e));
  }

  private value(e: Expr): Value {
    if (typeof e !== 'string') {
      if ('numgen' in e) return this.numgen(e.mod);
      return this.pkt.mark & e.and;
    }
    switch (e) {
      case 'ip saddr':
        return this.pkt.saddr;
      case 'ip daddr':
        return this.pkt.daddr;
      case 'meta l4proto':
        return this.pkt.protocol;
      case 'th dport':
        return this.pkt.dport;
      case 'ct state':
        return this.env.ctState ?? 'new';
      case 'fib saddr type':
        return this.isLocal(this.pkt.saddr) ? 'local' : 'unicast';
      case 'fib daddr type':
        return this.isLocal(this.pkt.daddr) ? 'local' : 'unicast';
    }
  }

  private numgen(mod: number, compared?: number): number {
    const v = this.draw(mod, compared);
    if (!Number.isInteger(v) || v < 0 || v >= mod) throw new Error(`trace: numgen mod ${mod} gave ${v}`);
    return v;
  }

  private isLocal(addr: string): boolean {
    return inPrefix(addr, '127.0.0.0/8') || this.env.localAddresses.includes(addr);
  }
}

function inPrefix(addr: string, prefix: string): boolean {
  const [net, bits] = prefix.split('/');
  const a = parseIPv4(addr);
  const n = parseIPv4(net);
  if (a === null || n === null) return false;
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return ((a ^ n) & mask) >>> 0 === 0;
}
