// A table-driven protobuf decoder that yields the JSON form of a Kubernetes object. The wire format
// (varints, length-delimited fields, skipping unknown fields) is @bufbuild/protobuf's BinaryReader;
// the tables (meta.ts, core.ts, ...) are written from the field numbers of k8s.io/api's
// generated.proto files and say how each field appears in JSON. Pure.
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

export type Json = string | number | boolean | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type ScalarType = 'string' | 'bytes' | 'int32' | 'int64' | 'bool';

export interface Message {
  /** Field number → field; numbers not listed are skipped. */
  readonly fields: Readonly<Record<number, Field>>;
  /** The JSON form when it is not an object (IntOrString, Quantity and Time are JSON scalars). */
  readonly toJson?: (m: JsonObject) => Json | undefined;
}

export interface Field {
  /** The JSON name (k8s.io/api's proto field names are the JSON names). */
  readonly name: string;
  readonly type: ScalarType | Message;
  /** `repeated` (a JSON array) or `map<string, type>` (a JSON object). */
  readonly list?: 'repeated' | 'map';
  /**
   * A Go pointer field (`*int32`, `*bool`, `*Struct`): Go's marshaller writes it only when set, so
   * a zero value means something (`replicas: 0`). Every other field is written even when zero
   * (`2: ''`, `7: 0`) and a zero there means unset, as `omitempty` does in JSON.
   */
  readonly presence?: boolean;
  /** A Go struct embedded with `json:",inline"`: its fields join the parent object. */
  readonly inline?: boolean;
}

export const field = (name: string, type: ScalarType | Message): Field => ({ name, type });
export const pointer = (name: string, type: ScalarType | Message): Field => ({ name, type, presence: true });
export const repeated = (name: string, type: ScalarType | Message): Field => ({
  name,
  type,
  list: 'repeated',
});
export const map = (name: string, type: ScalarType | Message): Field => ({ name, type, list: 'map' });
export const inline = (type: Message): Field => ({ name: '', type, inline: true });

/** Decodes one message; throws on malformed input or a known field with the wrong wire type. */
export function decodeMessage(bytes: Uint8Array, msg: Message): Json | undefined {
  const out = readFields(new BinaryReader(bytes), msg);
  return msg.toJson ? msg.toJson(out) : out;
}

function readFields(r: BinaryReader, msg: Message): JsonObject {
  const out: JsonObject = {};
  const lists = new Map<string, Json[]>();
  const maps = new Map<string, [string, Json][]>();
  while (r.pos < r.len) {
    const [no, wireType] = r.tag();
    const f = msg.fields[no];
    if (!f) {
      r.skip(wireType, no);
      continue;
    }
    const want = f.list === 'map' ? WireType.LengthDelimited : wireTypeOf(f.type);
    if (wireType !== want) throw new Error(`field ${no} (${f.name}) has wire type ${wireType}`);
    if (f.list === 'map') {
      const entries = maps.get(f.name) ?? [];
      entries.push(readEntry(r.bytes(), f.type));
      maps.set(f.name, entries);
      continue;
    }
    const v = readValue(r, f.type);
    // A singular field seen twice keeps the last value (protobuf would merge two occurrences of a
    // message field; Go's marshaller never writes one twice).
    if (f.list === 'repeated') {
      // Elements are data: an empty string in a list stays.
      const items = lists.get(f.name) ?? [];
      items.push(v ?? zeroOf(f.type));
      lists.set(f.name, items);
    } else if (f.inline) {
      if (v !== undefined) Object.assign(out, v);
    } else if (v === undefined || (!f.presence && isZero(v))) {
      delete out[f.name];
    } else {
      out[f.name] = v;
    }
  }
  for (const [name, items] of lists) out[name] = items;
  // fromEntries defines own properties, so a label key such as `__proto__` stays plain data.
  for (const [name, entries] of maps) out[name] = Object.fromEntries(entries);
  return out;
}

function wireTypeOf(type: ScalarType | Message): WireType {
  return type === 'int32' || type === 'int64' || type === 'bool' ? WireType.Varint : WireType.LengthDelimited;
}

function readValue(r: BinaryReader, type: ScalarType | Message): Json | undefined {
  switch (type) {
    case 'string':
      return r.string();
    case 'bytes':
      // []byte is base64 in JSON (Secret.data, ConfigMap.binaryData).
      return Buffer.from(r.bytes()).toString('base64');
    case 'int32':
      return r.int32();
    case 'int64':
      return Number(r.int64());
    case 'bool':
      return r.bool();
    default:
      return decodeMessage(r.bytes(), type);
  }
}

/** A map entry is a message `{1: key, 2: value}`; a missing value is the type's zero (data, kept). */
function readEntry(bytes: Uint8Array, type: ScalarType | Message): [string, Json] {
  const r = new BinaryReader(bytes);
  let key = '';
  let value: Json | undefined;
  while (r.pos < r.len) {
    const [no, wireType] = r.tag();
    if (no === 1 && wireType === WireType.LengthDelimited) key = r.string();
    else if (no !== 2) r.skip(wireType, no);
    else if (wireType !== wireTypeOf(type)) throw new Error(`map value has wire type ${wireType}`);
    else value = readValue(r, type);
  }
  return [key, value ?? zeroOf(type)];
}

function zeroOf(type: ScalarType | Message): Json {
  if (type === 'string' || type === 'bytes') return '';
  if (type === 'int32' || type === 'int64') return 0;
  if (type === 'bool') return false;
  return decodeMessage(new Uint8Array(), type) ?? {};
}

function isZero(v: Json): boolean {
  if (typeof v === 'object' && !Array.isArray(v)) return Object.keys(v).length === 0;
  return v === '' || v === 0 || v === false;
}
