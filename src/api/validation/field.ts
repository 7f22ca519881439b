// Field errors and paths in the format of k8s.io/apimachinery/pkg/util/validation/field
// (errors.go: Error.Error()/ErrorBody(), path.go: Path.String()). Pure; no I/O.

export type FieldErrorType =
  | 'Invalid value'
  | 'Required value'
  | 'Unsupported value'
  | 'Duplicate value'
  | 'Forbidden'
  | 'Too long'
  | 'Too many'
  | 'Not found';

/** One validation failure. `path` is rendered like field.Path.String(); `value` is the bad value. */
export interface FieldError {
  path: string;
  type: FieldErrorType;
  value?: unknown;
  detail?: string;
}

/**
 * A field path, rendered like apimachinery's field.Path: children joined with `.`,
 * list indexes and map keys as `[i]` / `[key]` (keys are not quoted).
 */
export class Path {
  private constructor(
    private readonly parent: Path | undefined,
    private readonly name: string,
    private readonly subscript: string,
  ) {}

  static of(...names: string[]): Path {
    let p = new Path(undefined, names[0] ?? '', '');
    for (const n of names.slice(1)) p = p.child(n);
    return p;
  }

  child(...names: string[]): Path {
    return names.reduce<Path>((p, n) => new Path(p, n, ''), this);
  }

  index(i: number): Path {
    return new Path(this, '', String(i));
  }

  key(k: string): Path {
    return new Path(this, '', k);
  }

  toString(): string {
    const own = this.name.length > 0 ? this.name : `[${this.subscript}]`;
    if (!this.parent) return own;
    return this.parent.toString() + (this.name.length > 0 ? '.' : '') + own;
  }
}

// Constructors mirroring field.Required, field.Invalid, ... (errors.go).

export function required(p: Path, detail = ''): FieldError {
  return { path: p.toString(), type: 'Required value', detail };
}

export function invalid(p: Path, value: unknown, detail: string): FieldError {
  return { path: p.toString(), type: 'Invalid value', value, detail };
}

export function forbidden(p: Path, detail: string): FieldError {
  return { path: p.toString(), type: 'Forbidden', detail };
}

export function duplicate(p: Path, value: unknown): FieldError {
  return { path: p.toString(), type: 'Duplicate value', value };
}

export function notFound(p: Path, value: unknown): FieldError {
  return { path: p.toString(), type: 'Not found', value };
}

/** field.NotSupported: the detail quotes each valid value, in the order given. */
export function notSupported(p: Path, value: unknown, valid: readonly string[]): FieldError {
  const detail = valid.length > 0 ? 'supported values: ' + valid.map(goQuote).join(', ') : '';
  return { path: p.toString(), type: 'Unsupported value', value, detail };
}

/** field.TooLong: the value itself is never printed. */
export function tooLong(p: Path, maxLength: number): FieldError {
  const unit = maxLength === 1 ? 'byte' : 'bytes';
  return { path: p.toString(), type: 'Too long', detail: `may not be more than ${maxLength} ${unit}` };
}

export function tooMany(p: Path, actual: number, max: number): FieldError {
  const unit = max === 1 ? 'item' : 'items';
  return { path: p.toString(), type: 'Too many', value: actual, detail: `must have at most ${max} ${unit}` };
}

/** Error types whose body shows the bad value (ErrorBody: Required/Forbidden/TooLong never do). */
const showsValue: ReadonlySet<FieldErrorType> = new Set([
  'Invalid value',
  'Unsupported value',
  'Duplicate value',
  'Too many',
  'Not found',
]);

/**
 * apimachinery's field.Error.Error(): `<path>: <type>[: <value>][: <detail>]`.
 * Strings are quoted like Go's %q, numbers and booleans bare, anything else as JSON
 * (absent values render as `null`, as Go's nil does).
 */
export function formatFieldError(e: FieldError): string {
  let body: string = e.type;
  if (showsValue.has(e.type)) body += `: ${formatValue(e.value)}`;
  if (e.detail) body += `: ${e.detail}`;
  return `${e.path}: ${body}`;
}

export function formatValue(v: unknown): string {
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === undefined) return 'null';
  return goJSON(v);
}

/** Go's strconv.Quote for the characters that matter in API values. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c >= 0x80 && c < 0xa0) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/** encoding/json output: HTML-sensitive characters escaped as Go does. Object keys keep their order. */
function goJSON(v: unknown): string {
  const s = JSON.stringify(v) ?? 'null';
  return s.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** A copy of a string map with sorted keys: Go marshals maps in key order. */
export function sortedMap(m: Record<string, string> | undefined): Record<string, string> | null {
  if (!m) return null;
  const out: Record<string, string> = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k];
  return out;
}
