// Element keys of interval sets (`flags interval`): each part of a key is a single value, a
// prefix (`10.0.0.0/8`) or a range (`10.0.0.0-10.0.0.15`, `1000-2000`), and a concatenated key
// matches when every part does (nft(8) "SETS": interval flag; concatenated ranges need the
// pipapo set type, kernel >= 5.6). The tracer matches packets with these helpers and the fake
// uses them to refuse overlapping elements, which the kernel refuses with EEXIST.
import { parseIPv4 } from '../lib/netaddr/index.js';
import type { KeyType, Value } from './ir.js';

/** A part as a closed range of numbers, or an exact symbol (protocol names). */
export type PartRange = { lo: number; hi: number } | { symbol: string };

/** Whether a key part is written as a prefix or a range (only valid in interval sets). */
export const isIntervalPart = (v: Value) => typeof v === 'string' && /^[0-9.]+(\/\d+|-[0-9.]+)$/.test(v);

export function partRange(type: KeyType, v: Value): PartRange {
  if (type === 'inet_proto') return { symbol: String(v) };
  const num = type === 'ipv4_addr' ? (s: string) => parseIPv4(s) : (s: string) => Number(s);
  const text = String(v);
  const slash = text.indexOf('/');
  if (type === 'ipv4_addr' && slash > 0) {
    const net = parseIPv4(text.slice(0, slash));
    const bits = Number(text.slice(slash + 1));
    if (net === null || !(bits >= 0 && bits <= 32)) throw new Error(`bad prefix ${text}`);
    const size = 2 ** (32 - bits);
    const lo = net - (net % size);
    return { lo, hi: lo + size - 1 };
  }
  const dash = text.indexOf('-');
  const lo = num(dash > 0 ? text.slice(0, dash) : text);
  const hi = num(dash > 0 ? text.slice(dash + 1) : text);
  if (lo === null || hi === null || Number.isNaN(lo) || Number.isNaN(hi) || lo > hi)
    throw new Error(`bad ${type} value ${text}`);
  return { lo, hi };
}

const partContains = (r: PartRange, type: KeyType, v: Value): boolean => {
  if ('symbol' in r) return r.symbol === String(v);
  const x = partRange(type, v);
  return 'lo' in x && x.lo >= r.lo && x.hi <= r.hi;
};

const partsOverlap = (a: PartRange, b: PartRange): boolean =>
  'symbol' in a || 'symbol' in b
    ? 'symbol' in a && 'symbol' in b && a.symbol === b.symbol
    : a.lo <= b.hi && b.lo <= a.hi;

/** Whether an element key of an interval set covers a packet's key (single values). */
export function intervalKeyContains(types: KeyType[], element: Value[], key: Value[]): boolean {
  return types.every((t, i) => partContains(partRange(t, element[i]), t, key[i]));
}

export function intervalKeysOverlap(types: KeyType[], a: Value[], b: Value[]): boolean {
  return types.every((t, i) => partsOverlap(partRange(t, a[i]), partRange(t, b[i])));
}
