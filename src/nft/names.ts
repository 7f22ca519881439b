// Names for per-object chains and sets: a readable base (`ns/name/tcp/http`) behind a short
// hash of itself, cut to nft's name limit. The scheme is kube-proxy's hashAndTruncate
// (pkg/proxy/nftables/proxier.go): the hash keeps a truncated name unique and makes names that
// differ in one digit look different at a glance. Object names may use [A-Za-z0-9_./-], so
// Kubernetes names (and `/` as separator) go in unchanged; only a prefix decides the first
// character, which must be a letter.
import { createHash } from 'node:crypto';
import { NAME_MAX } from './ir.js';

/** Prefixes are at most this long (with their `-`), so a base of BASE_MAX always fits. */
export const PREFIX_MAX = 16;
const BASE_MAX = NAME_MAX - PREFIX_MAX;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `PREFIX-HASH8-base`, at most NAME_MAX characters. */
export function hashedName(prefix: string, base: string): string {
  return `${checkPrefix(prefix)}-${hashedBase(base)}`;
}

function checkPrefix(prefix: string): string {
  if (prefix.length > PREFIX_MAX - 1 || !/^[a-z][a-z-]*$/.test(prefix))
    throw new Error(`bad name prefix "${prefix}"`);
  return prefix;
}

// A renderer names the same objects on every sync; hashing is the costly part of naming
// (tens of thousands of SHA-256 per render at 10,000 Services), so results are remembered.
// The memo is dropped whole when it grows past a bound, so it cannot grow without limit.
const memo = new Map<string, string>();
const MEMO_MAX = 1 << 20;

function hashedBase(base: string): string {
  let name = memo.get(base);
  if (name !== undefined) return name;
  name = `${base32Head(createHash('sha256').update(base).digest())}-${base}`;
  if (name.length > BASE_MAX) name = `${name.slice(0, BASE_MAX - 3)}...`;
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(base, name);
  return name;
}

/**
 * `PREFIX-HASH8-readable` where the hash is of `meaning`, for objects named by what they mean
 * (a selector, a port list) rather than by one owner: equal meanings share one name whoever
 * uses them. `readable` is only a hint: characters nft names do not take become `_`.
 */
export function meaningName(prefix: string, meaning: string, readable: string): string {
  const name = `${checkPrefix(prefix)}-${hashId(meaning)}-${readable.replace(/[^A-Za-z0-9_./-]/g, '_')}`;
  return name.length > NAME_MAX ? `${name.slice(0, NAME_MAX - 3)}...` : name;
}

/** A short, stable id of a text: the first `chars` base32 characters of its SHA-256 (5 bits each). */
export function hashId(text: string, chars = 8): string {
  return base32Head(createHash('sha256').update(text).digest(), chars);
}

/** The first `chars` characters (at most 51) of the RFC 4648 base32 encoding. */
function base32Head(bytes: Uint8Array, chars = 8): string {
  const n = Math.ceil((chars * 5) / 8);
  let bits = 0n;
  for (let i = 0; i < n; i++) bits = (bits << 8n) | BigInt(bytes[i]);
  bits >>= BigInt(n * 8 - chars * 5);
  let out = '';
  for (let i = chars - 1; i >= 0; i--) out += BASE32[Number((bits >> BigInt(i * 5)) & 31n)];
  return out;
}
