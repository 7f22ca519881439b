// Narrowing helpers for decoded YAML/JSON. Objects reach validation before any schema check,
// so a field typed `number` in types.ts may hold anything; these never throw.

export type Obj = Record<string, unknown>;

export function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** The value as a list of records (non-records become empty records), or [] when absent. */
export function objList(v: unknown): Obj[] {
  return Array.isArray(v) ? v.map((x) => obj(x) ?? {}) : [];
}

export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** A string map (labels, selectors, data); non-string values are kept as their JSON text. */
export function strMap(v: unknown): Record<string, string> | undefined {
  const o = obj(v);
  if (!o) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(o)) out[k] = typeof x === 'string' ? x : JSON.stringify(x);
  return out;
}

export function has(o: Obj | undefined, key: string): boolean {
  return o !== undefined && o[key] !== undefined && o[key] !== null;
}

/** UTF-8 length, which is what Go's len() measures. */
export function byteLength(s: string): number {
  // UTF-8 length without encoding (TextEncoder allocates per call; this runs for every label).
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++; // a surrogate pair is one 4-byte code point
    } else n += 3;
  }
  return n;
}
