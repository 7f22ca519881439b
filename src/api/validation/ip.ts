// IP and CIDR checks of k8s.io/apimachinery/pkg/util/validation/ip.go (KEP-4858 "IP/CIDR
// validation improvements") and ValidateNonSpecialIP of pkg/apis/core/validation.
//
// Why a hand-written parser: this folder is pure (no node:net), and we need Go's exact
// semantics anyway: k8s.io/utils/net.ParseIPSloppy (Go 1.16's parser, which accepts IPv4
// octets with leading zeros), then netip's stricter view (no leading zeros, no IPv4-mapped
// IPv6), then net.IP.String() for the canonical form. node:net's isIP agrees with none of these.
//
// Strictness decision: upstream validates "legacy" fields (NetworkPolicy ipBlock, Service
// externalIPs, Pod IPs are in IsValidIP) with IsValidIPForLegacyField/IsValidCIDRForLegacyField,
// whose `strictValidation` argument is the StrictIPCIDRValidation feature gate (alpha since
// 1.33, off by default; without it the API only warns: `CIDR value "10.0.0.1/24" is ambiguous`).
// podnet does what a default API server does with host bits: it accepts `10.0.0.1/24` (meaning
// 10.0.0.0/24, as every data plane reads it) and warns (cidrWarnings). The upstream e2e tests
// rely on that: older network_policy.go builds `<pod IP>/4`. Leading zeros and IPv4-mapped IPv6
// stay errors: their meaning differs between parsers (octal or decimal), so podnet refuses to guess.
// See docs/design-notes.md.

import { type FieldError, type Path, invalid } from './field.js';

export interface ParsedIP {
  /** 16 bytes; IPv4 addresses are stored IPv4-mapped, as Go's net.IP does. */
  bytes: Uint8Array;
  /** Go's To4() != nil: dotted IPv4, or an IPv4-mapped IPv6 address. */
  is4: boolean;
  /** Written in IPv6 syntax (contains a colon). */
  v6Syntax: boolean;
  /** An IPv4 octet was written with a leading zero (accepted by ParseIPSloppy only). */
  leadingZeros: boolean;
}

function parseIPv4(s: string, into: Uint8Array, at: number): { ok: boolean; leadingZeros: boolean } {
  const parts = s.split('.');
  if (parts.length !== 4) return { ok: false, leadingZeros: false };
  let leadingZeros = false;
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (!/^[0-9]+$/.test(p)) return { ok: false, leadingZeros };
    const n = Number(p);
    if (n > 255) return { ok: false, leadingZeros };
    if (p.length > 1 && p[0] === '0') leadingZeros = true;
    into[at + i] = n;
  }
  return { ok: true, leadingZeros };
}

function parseIPv6(s: string): { bytes: Uint8Array; leadingZeros: boolean } | undefined {
  const ip = new Uint8Array(16);
  let leadingZeros = false;
  let ellipsis = -1;
  let i = 0;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return { bytes: ip, leadingZeros };
  }
  while (i < 16) {
    const m = /^[0-9a-fA-F]{1,4}/.exec(s);
    if (!m) return undefined;
    const c = m[0].length;
    if (c < s.length && s[c] === '.') {
      if (ellipsis < 0 && i !== 12) return undefined;
      if (i + 4 > 16) return undefined;
      const r = parseIPv4(s, ip, i);
      if (!r.ok) return undefined;
      leadingZeros = r.leadingZeros;
      i += 4;
      s = '';
      break;
    }
    if (/[0-9a-fA-F]/.test(s[c] ?? '')) return undefined; // more than 4 hex digits
    const n = parseInt(m[0], 16);
    ip[i] = n >> 8;
    ip[i + 1] = n & 0xff;
    i += 2;
    s = s.slice(c);
    if (s.length === 0) break;
    if (s[0] !== ':' || s.length === 1) return undefined;
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return undefined;
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) return undefined;
  if (i < 16) {
    if (ellipsis < 0) return undefined;
    const n = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) ip[j + n] = ip[j];
    for (let j = ellipsis + n - 1; j >= ellipsis; j--) ip[j] = 0;
  } else if (ellipsis >= 0) {
    return undefined;
  }
  return { bytes: ip, leadingZeros };
}

const isMapped = (b: Uint8Array): boolean =>
  b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;

/** k8s.io/utils/net.ParseIPSloppy: undefined when unparseable (zones are rejected). */
export function parseIPSloppy(s: string): ParsedIP | undefined {
  if (s.includes(':')) {
    const r = parseIPv6(s);
    if (!r) return undefined;
    return { bytes: r.bytes, is4: isMapped(r.bytes), v6Syntax: true, leadingZeros: r.leadingZeros };
  }
  const bytes = new Uint8Array(16);
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  const r = parseIPv4(s, bytes, 12);
  return r.ok ? { bytes, is4: true, v6Syntax: false, leadingZeros: r.leadingZeros } : undefined;
}

/** Go's net.IP.String(): dotted IPv4 (also for IPv4-mapped), else RFC 5952 IPv6. */
export function formatIP(ip: Pick<ParsedIP, 'bytes' | 'is4'>): string {
  const b = ip.bytes;
  if (ip.is4) return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i] << 8) | b[i + 1]);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (gs: number[]): string => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

function strictIPErrors(p: Path, value: string, ip: ParsedIP): FieldError[] {
  if (ip.leadingZeros) return [invalid(p, value, 'must not have leading 0s')];
  if (ip.v6Syntax && ip.is4) return [invalid(p, value, 'must not be an IPv4-mapped IPv6 address')];
  return [];
}

const invalidIPMessage = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

/** IsValidIPForLegacyField with strict validation on (see the header). */
export function validateIPForLegacyField(p: Path, value: string): FieldError[] {
  const ip = parseIPSloppy(value);
  if (!ip) return [invalid(p, value, invalidIPMessage)];
  return strictIPErrors(p, value, ip);
}

/** IsValidIP: strict, and the value must be in canonical form. */
export function validateIP(p: Path, value: string): FieldError[] {
  const ip = parseIPSloppy(value);
  if (!ip) return [invalid(p, value, invalidIPMessage)];
  const errs = strictIPErrors(p, value, ip);
  if (errs.length > 0) return errs;
  const canonical = formatIP(ip);
  return value === canonical ? [] : [invalid(p, value, `must be in canonical form ("${canonical}")`)];
}

export interface ParsedCIDR {
  ip: ParsedIP;
  /** Prefix length. */
  bits: number;
  /** Address length in bits: 32 for IPv4 syntax, 128 for IPv6 syntax. */
  addrBits: number;
  prefixLeadingZeros: boolean;
}

/** k8s.io/utils/net.ParseCIDRSloppy. */
export function parseCIDRSloppy(s: string): ParsedCIDR | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIPSloppy(s.slice(0, slash));
  const len = s.slice(slash + 1);
  if (!ip || !/^[0-9]+$/.test(len)) return undefined;
  const addrBits = ip.v6Syntax ? 128 : 32;
  const bits = Number(len);
  if (bits > addrBits) return undefined;
  return { ip, bits, addrBits, prefixLeadingZeros: len.length > 1 && len[0] === '0' };
}

/** The network address: the address with host bits cleared. */
export function maskedBytes(c: ParsedCIDR): Uint8Array {
  const out = new Uint8Array(c.ip.bytes);
  const first = 128 - c.addrBits + c.bits;
  for (let bit = first; bit < 128; bit++) out[bit >> 3] &= ~(0x80 >> (bit & 7));
  return out;
}

export function formatCIDR(c: ParsedCIDR): string {
  return `${formatIP({ bytes: maskedBytes(c), is4: c.ip.is4 && !c.ip.v6Syntax })}/${c.bits}`;
}

/** Whether `outer` contains the address `ip` (Go's IPNet.Contains, same address family). */
export function cidrContains(outer: ParsedCIDR, ip: ParsedIP): boolean {
  if (outer.ip.is4 !== ip.is4) return false;
  const net = maskedBytes(outer);
  const probe = maskedBytes({ ...outer, ip });
  return net.every((x, i) => x === probe[i]);
}

const HOST_BITS = 'must not have bits set beyond the prefix length';
const invalidCIDRMessage = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

function strictCIDRErrors(p: Path, value: string, c: ParsedCIDR): FieldError[] {
  if (c.ip.leadingZeros || c.prefixLeadingZeros) {
    return [invalid(p, value, 'must not have leading 0s in IP or prefix length')];
  }
  if (c.ip.v6Syntax && c.ip.is4) return [invalid(p, value, 'must not have an IPv4-mapped IPv6 address')];
  if (!maskedBytes(c).every((x, i) => x === c.ip.bytes[i])) {
    return [invalid(p, value, HOST_BITS)];
  }
  return [];
}

/** IsValidCIDRForLegacyField as a default API server runs it, plus the ambiguity rules above. */
export function validateCIDRForLegacyField(p: Path, value: string): FieldError[] {
  const c = parseCIDRSloppy(value);
  if (!c) return [invalid(p, value, invalidCIDRMessage)];
  return strictCIDRErrors(p, value, c).filter((e) => e.detail !== HOST_BITS);
}

/** GetWarningsForCIDR: a CIDR with host bits set is ambiguous (address or network?). */
export function cidrWarnings(p: Path, value: string): FieldError[] {
  const c = parseCIDRSloppy(value);
  if (!c || maskedBytes(c).every((x, i) => x === c.ip.bytes[i])) return [];
  const single = `${value.slice(0, value.indexOf('/'))}/${c.ip.is4 ? 32 : 128}`;
  return [
    invalid(
      p,
      value,
      `CIDR value is ambiguous in this context (should be "${formatCIDR(c)}" or "${single}"?); podnet reads it as ${formatCIDR(c)}`,
    ),
  ];
}

/** IsValidCIDR: strict, and the value must be in canonical form. */
export function validateCIDR(p: Path, value: string): FieldError[] {
  const c = parseCIDRSloppy(value);
  if (!c) return [invalid(p, value, invalidCIDRMessage)];
  const errs = strictCIDRErrors(p, value, c);
  if (errs.length > 0) return errs;
  const canonical = formatCIDR(c);
  return value === canonical ? [] : [invalid(p, value, `must be in canonical form ("${canonical}")`)];
}

/**
 * ValidateNonSpecialIP (core validation), used for externalIPs and EndpointSlice addresses:
 * unspecified, loopback and link-local addresses make no sense as destinations.
 */
export function validateNonSpecialIP(p: Path, value: string): FieldError[] {
  const ip = parseIPSloppy(value);
  if (!ip) return [invalid(p, value, 'must be a valid IP address')];
  const b = ip.bytes;
  const errs: FieldError[] = [];
  const v4 = ip.is4;
  if (v4 ? b.slice(12).every((x) => x === 0) : b.every((x) => x === 0)) {
    errs.push(invalid(p, value, `may not be unspecified (${value})`));
  }
  if (v4 ? b[12] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1) {
    errs.push(invalid(p, value, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  }
  if (v4 ? b[12] === 169 && b[13] === 254 : b[0] === 0xfe && (b[1] & 0xc0) === 0x80) {
    errs.push(invalid(p, value, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  }
  if (v4 ? b[12] === 224 && b[13] === 0 && b[14] === 0 : b[0] === 0xff && (b[1] & 0x0f) === 0x02) {
    errs.push(invalid(p, value, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  }
  return errs;
}

/** netutils.IsDualStackIPStrings / IsDualStackCIDRStrings: at least one of each family (`is4` flags). */
export function isDualStack(families: boolean[]): boolean {
  return families.includes(true) && families.includes(false);
}
