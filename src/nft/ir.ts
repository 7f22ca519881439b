// A structured model of one nftables table: what podnet's rulesets are rendered to, before they
// become `nft -f` text (text.ts), a diff (diff.ts) or a packet trace (tracer.ts). It covers the
// subset of nftables our components emit, closed on purpose: the tracer understands every
// construct, so nothing the kernel is told escapes the unit tests. The shape follows knftables
// (kubernetes-sigs/knftables objects.go: Table, Chain, Rule, Set, Map, Element), with rules kept
// structured instead of as text.

export type Family = 'ip' | 'ip6' | 'inet';
export type Hook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';

/** Standard priorities (nft(8) "CHAINS"); `dstnat` is only accepted by name on prerouting in nft 1.0.6. */
export const PRIORITY = { dstnat: -100, filter: 0, srcnat: 100 } as const;

export interface BaseChainSpec {
  type: 'filter' | 'nat';
  hook: Hook;
  priority: number;
  policy?: 'accept' | 'drop';
}

export interface Chain {
  name: string;
  /** Present for base chains (attached to a hook). */
  base?: BaseChainSpec;
  rules: Rule[];
}

/** Packet and state fields a rule can read. */
export type Field =
  'ip saddr' | 'ip daddr' | 'meta l4proto' | 'th dport' | 'ct state' | 'fib saddr type' | 'fib daddr type';

export type Expr = Field | { numgen: 'random'; mod: number } | { field: 'meta mark'; and: number };

/** A literal: an address or prefix, a protocol or ct state name, a fib type, or a number. */
export type Value = string | number;

export type Match =
  /** For `ct state`, `right` may list states: `established,related` matches either. */
  | { kind: 'cmp'; left: Expr; op: '==' | '!='; right: Value }
  /** `key @set` (or `key != @set`): membership of the (concatenated) key in a named set. */
  | { kind: 'lookup'; key: Expr[]; set: string; negate?: boolean };

export type Statement =
  | { kind: 'mark'; op: 'or' | 'xor'; value: number }
  /** `update @set { key }`: adds the key to a dynamic set (or refreshes its timeout). */
  | { kind: 'update'; set: string; key: Expr[] }
  /** Terminal: destination NAT; a port needs a transport protocol match earlier in the rule. */
  | { kind: 'dnat'; addr: string; port?: number }
  /** Terminal: source NAT to a fixed address. */
  | { kind: 'snat'; addr: string; fullyRandom?: boolean }
  /** Counts packets and bytes matching the rule (nft prints them in `list`). */
  | { kind: 'counter' }
  /** `log prefix "P" group N queue-threshold 1`: hands the packet to NFLOG group N at once, tagged with the prefix. */
  | { kind: 'log'; group: number; prefix: string };

export type Verdict =
  | { kind: 'accept' | 'drop' | 'return' }
  | { kind: 'jump' | 'goto'; chain: string }
  /** `reject` answers ICMP port unreachable; `tcp reset` needs `meta l4proto tcp` in the rule. */
  | { kind: 'reject'; with?: 'tcp reset' }
  /** `key vmap @map`: the verdict of the matching element; no element, no match. */
  | { kind: 'vmap'; key: Expr[]; map: string };

/** What a verdict map element can say. */
export type ElementVerdict = Exclude<Verdict, { kind: 'vmap' }>;

export interface Rule {
  matches: Match[];
  statements: Statement[];
  verdict?: Verdict;
  /** Names the Kubernetes object the rule exists for (or what a static rule does). */
  comment?: string;
}

export type KeyType = 'ipv4_addr' | 'inet_proto' | 'inet_service';

/** A named set, or a verdict map when `map` is set. */
export interface NftSet {
  name: string;
  /** Several types make a concatenation, e.g. `ipv4_addr . inet_proto . inet_service`. */
  type: KeyType[];
  map?: 'verdict';
  /**
   * `interval`: elements may be prefixes (`10.0.0.0/8`) and ranges (`10.0.0.0-10.0.0.15`,
   * `1000-2000`), in every part of a concatenated key; elements of one set must not overlap.
   */
  flags?: ('timeout' | 'dynamic' | 'interval')[];
  /** Default element timeout in seconds (needs the `timeout` flag). */
  timeout?: number;
  comment?: string;
  elements: Element[];
}

export interface Element {
  /** One value per key type (a prefix or `lo-hi` range only in interval sets). */
  key: Value[];
  /** For verdict maps. */
  verdict?: ElementVerdict;
  comment?: string;
}

export interface Table {
  family: Family;
  name: string;
  comment?: string;
  chains: Chain[];
  sets: NftSet[];
}

/** `log prefix` is cut at 127 characters by the kernel (NF_LOG_PREFIXLEN 128 with the NUL). */
export const LOG_PREFIX_MAX = 127;

/** nft object names are limited to 255 characters (NFT_NAME_MAXLEN 256 with the NUL). */
export const NAME_MAX = 255;

/** The named sets a rule reads or writes. */
export function setsOfRule(r: Rule): string[] {
  const out: string[] = [];
  for (const m of r.matches) if (m.kind === 'lookup') out.push(m.set);
  for (const s of r.statements) if (s.kind === 'update') out.push(s.set);
  if (r.verdict?.kind === 'vmap') out.push(r.verdict.map);
  return out;
}

/** How a table is addressed in commands: `ip pn-podnet-proxy`. */
export const tableRef = (t: Pick<Table, 'family' | 'name'>) => `${t.family} ${t.name}`;

/** The text of a key, as nft prints it and as elements are compared: `10.96.0.1 . tcp . 80`. */
export const keyText = (key: Value[]) => key.map(String).join(' . ');
