// CIDR prefixes: parse, contain, iterate. A CIDR keeps its family, network and prefix length.
import { formatIP, parseIP, type IP } from './ip.js';

export interface CIDR {
  family: 4 | 6;
  network: bigint;
  prefix: number;
}

const bits = (family: 4 | 6) => (family === 4 ? 32 : 128);

function hostMask(family: 4 | 6, prefix: number): bigint {
  return (1n << BigInt(bits(family) - prefix)) - 1n;
}

export interface ParsedCIDR {
  cidr: CIDR;
  /** The address as written, which may have host bits set (`10.0.0.1/24`). */
  address: IP;
}

export function parseCIDRWithAddress(s: string): ParsedCIDR | null {
  const slash = s.indexOf('/');
  if (slash < 0) return null;
  const ip = parseIP(s.slice(0, slash));
  const lenText = s.slice(slash + 1);
  if (!ip || !/^(0|[1-9]\d{0,2})$/.test(lenText)) return null;
  const prefix = Number(lenText);
  if (prefix > bits(ip.family)) return null;
  const network = ip.value & ~hostMask(ip.family, prefix);
  return { cidr: { family: ip.family, network, prefix }, address: ip };
}

/** Parses `a.b.c.d/n`; host bits are cleared (use parseCIDRWithAddress to see them). */
export function parseCIDR(s: string): CIDR | null {
  return parseCIDRWithAddress(s)?.cidr ?? null;
}

export function formatCIDR(c: CIDR): string {
  return `${formatIP({ family: c.family, value: c.network })}/${c.prefix}`;
}

export function cidrContains(c: CIDR, ip: IP): boolean {
  return c.family === ip.family && (ip.value & ~hostMask(c.family, c.prefix)) === c.network;
}

/** True when `inner` lies within `outer` (equal counts). */
export function cidrContainsCIDR(outer: CIDR, inner: CIDR): boolean {
  return (
    outer.family === inner.family &&
    inner.prefix >= outer.prefix &&
    (inner.network & ~hostMask(outer.family, outer.prefix)) === outer.network
  );
}

export function cidrsOverlap(a: CIDR, b: CIDR): boolean {
  return cidrContainsCIDR(a, b) || cidrContainsCIDR(b, a);
}

export function cidrSize(c: CIDR): bigint {
  return hostMask(c.family, c.prefix) + 1n;
}

/** The n-th address of the prefix (0 = the network address). */
export function cidrAddress(c: CIDR, n: bigint): IP {
  if (n < 0n || n >= cidrSize(c)) throw new RangeError(`address ${n} outside ${formatCIDR(c)}`);
  return { family: c.family, value: c.network + n };
}

/** The n-th subnet of length `prefix` inside `c`. */
export function subnet(c: CIDR, prefix: number, n: bigint): CIDR {
  const count = 1n << BigInt(prefix - c.prefix);
  if (prefix < c.prefix || n < 0n || n >= count)
    throw new RangeError(`subnet ${n}/${prefix} outside ${formatCIDR(c)}`);
  return { family: c.family, prefix, network: c.network + (n << BigInt(bits(c.family) - prefix)) };
}
