// The IR as `nft -f` text: one command per line, in the order given, so the output of a
// deterministic renderer is deterministic and can be golden-tested (STYLE rule 6). The command
// shapes follow knftables' objects.go (`add rule ip T chain ... comment "..."`, elements as
// `{ key comment "..." : verdict }`); nothing here reorders or normalizes.
import {
  keyText,
  tableRef,
  type Element,
  type Expr,
  type Match,
  type NftSet,
  type Rule,
  type Statement,
  type Verdict,
} from './ir.js';
import type { NftOp, Transaction } from './ops.js';

/** nft refuses comments longer than 128 characters ("comment too long"). */
export const COMMENT_MAX = 128;

/** The script for one transaction: what `nft -f -` reads. */
export function formatTransaction(tx: Transaction): string {
  const t = tableRef(tx.table);
  return tx.ops.map((op) => formatOp(t, op)).join('\n') + (tx.ops.length ? '\n' : '');
}

/** One operation as one command; `t` is the table as commands address it (tableRef). */
export function formatOp(t: string, op: NftOp): string {
  switch (op.kind) {
    case 'table':
      return `${op.verb} table ${t}${op.comment === undefined ? '' : ` { comment ${quote(op.comment)} ; }`}`;
    case 'chain': {
      if (op.verb !== 'add' || !op.base) return `${op.verb} chain ${t} ${op.chain}`;
      const b = op.base;
      // Priorities are numbers: nft 1.0.6 accepts `dstnat` by name only on the prerouting hook.
      return `add chain ${t} ${op.chain} { type ${b.type} hook ${b.hook} priority ${b.priority} ; policy ${b.policy ?? 'accept'} ; }`;
    }
    case 'rule':
      return `add rule ${t} ${op.chain} ${formatRule(op.rule)}`;
    case 'set':
      return op.verb === 'add'
        ? `add ${op.set.map ? 'map' : 'set'} ${t} ${op.set.name} { ${formatSetBody(op.set)} }`
        : `delete ${op.map ? 'map' : 'set'} ${t} ${op.set}`;
    case 'element':
      return op.verb === 'add'
        ? `add element ${t} ${op.set} { ${formatElement(op.element)} }`
        : `delete element ${t} ${op.set} { ${keyText(op.element.key)} }`;
  }
}

/** What goes between the braces of `add set`: `type ... ; flags ... ;` */
export function formatSetBody(s: Omit<NftSet, 'elements'>): string {
  const parts = [`type ${s.type.join(' . ')}${s.map ? ` : ${s.map}` : ''}`];
  if (s.flags?.length) parts.push(`flags ${s.flags.join(',')}`);
  if (s.timeout !== undefined) parts.push(`timeout ${s.timeout}s`);
  if (s.comment !== undefined) parts.push(`comment ${quote(s.comment)}`);
  return parts.map((p) => `${p} ;`).join(' ');
}

export function formatElement(e: Element): string {
  const comment = e.comment === undefined ? '' : ` comment ${quote(e.comment)}`;
  return `${keyText(e.key)}${comment}${e.verdict ? ` : ${formatVerdict(e.verdict)}` : ''}`;
}

export function formatRule(r: Rule): string {
  const parts = [...r.matches.map(formatMatch), ...r.statements.map(formatStatement)];
  if (r.verdict) parts.push(formatVerdict(r.verdict));
  if (r.comment !== undefined) parts.push(`comment ${quote(r.comment)}`);
  return parts.join(' ');
}

export function formatExpr(e: Expr): string {
  if (typeof e === 'string') return e;
  if ('numgen' in e) return `numgen ${e.numgen} mod ${e.mod}`;
  return `${e.field} and ${hex(e.and)}`;
}

const formatKey = (key: Expr[]) => key.map(formatExpr).join(' . ');

function formatMatch(m: Match): string {
  if (m.kind === 'lookup') return `${formatKey(m.key)} ${m.negate ? '!= ' : ''}@${m.set}`;
  // Plain fields use nft's implicit equality (`ip daddr 10.96.0.1`); computed values spell it.
  const op = m.op === '!=' || typeof m.left !== 'string' ? ` ${m.op}` : '';
  return `${formatExpr(m.left)}${op} ${m.right}`;
}

function formatStatement(s: Statement): string {
  switch (s.kind) {
    case 'mark':
      return `meta mark set meta mark ${s.op} ${hex(s.value)}`;
    case 'update':
      return `update @${s.set} { ${formatKey(s.key)} }`;
    case 'dnat':
      return `dnat to ${s.addr}${s.port === undefined ? '' : `:${s.port}`}`;
    case 'snat':
      return `snat to ${s.addr}${s.fullyRandom ? ' fully-random' : ''}`;
    case 'counter':
      return 'counter';
    case 'log':
      // nft's own order when it lists the rule. queue-threshold 1: the kernel sends each packet
      // to NFLOG at once instead of batching up to 100 per message (NFULNL_QTHRESH_DEFAULT) for
      // up to a second; libpcap's NFLOG reader (tcpdump, flows/capture.ts) mis-reads batched
      // messages: measured here, 5 of 10 logged SYNs came out, some with garbage payloads.
      return `log prefix ${quote(s.prefix)} group ${s.group} queue-threshold 1`;
  }
}

export function formatVerdict(v: Verdict): string {
  switch (v.kind) {
    case 'jump':
    case 'goto':
      return `${v.kind} ${v.chain}`;
    case 'reject':
      return v.with ? `reject with ${v.with}` : 'reject';
    case 'vmap':
      return `${formatKey(v.key)} vmap @${v.map}`;
    default:
      return v.kind;
  }
}

const hex = (n: number) => `0x${n.toString(16)}`;

/** A quoted comment, cut to what nft accepts; the IR keeps the full text. */
function quote(s: string): string {
  const clean = s.replace(/["\\\n]/g, '');
  return `"${clean.length > COMMENT_MAX ? `${clean.slice(0, COMMENT_MAX - 3)}...` : clean}"`;
}
