// Deterministic stand-ins for the random names and hashes that Kubernetes controllers generate
// (pod-template-hash, the 5-character suffix of generateName), so offline results are stable.
import { stableJson } from '../lib/collections/stable-json.js';

// The alphabet of k8s.io/apimachinery/pkg/util/rand.String: no vowels, no confusable digits.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** FNV-1a 32-bit: small and stable, good enough to spread names. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function suffix(seed: string, length = 5): string {
  let h = fnv1a(seed);
  let out = '';
  for (let i = 0; i < length; i++) {
    out += ALPHABET[h % ALPHABET.length];
    h = Math.floor(h / ALPHABET.length) || fnv1a(seed + out);
  }
  return out;
}

/** A stable hash of a JSON value with sorted keys, as a short alphanumeric string. */
export function objectHash(value: unknown, length = 10): string {
  return suffix(stableJson(value), length);
}
