// The table-driven decoder on hand-written messages: Go's explicit zero values, pointer fields,
// maps, lists, inline structs, unknown fields and malformed input.
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { describe, expect, it } from 'vitest';
import { IntOrString, Quantity, Time } from './meta.js';
import { decodeMessage, field, inline, map, pointer, repeated, type Message } from './wire.js';

const Inner: Message = { fields: { 1: field('a', 'string'), 2: pointer('b', 'int32') } };

const Test: Message = {
  fields: {
    1: field('name', 'string'),
    2: field('count', 'int32'),
    3: pointer('replicas', 'int32'),
    4: field('flag', 'bool'),
    5: pointer('immutable', 'bool'),
    6: field('big', 'int64'),
    7: field('data', 'bytes'),
    8: map('labels', 'string'),
    9: map('binary', 'bytes'),
    10: repeated('args', 'string'),
    11: field('inner', Inner),
    12: pointer('ptr', Inner),
    13: repeated('items', Inner),
    14: inline({ fields: { 1: field('http', 'string') } }),
    15: field('port', IntOrString),
    16: field('time', Time),
    17: map('limits', Quantity),
  },
};

const LD = WireType.LengthDelimited;
const V = WireType.Varint;
const entry = (w: BinaryWriter, no: number, key: string, value?: (w: BinaryWriter) => void) => {
  w.tag(no, LD).fork().tag(1, LD).string(key);
  value?.(w);
  w.join();
};

const cases: { name: string; write: (w: BinaryWriter) => void; want: unknown }[] = [
  {
    name: 'zero values Go writes for unset fields are left out',
    write: (w) =>
      w
        .tag(1, LD)
        .string('')
        .tag(2, V)
        .int32(0)
        .tag(4, V)
        .bool(false)
        .tag(6, V)
        .int64(0)
        .tag(7, LD)
        .bytes(new Uint8Array())
        .tag(11, LD)
        .fork()
        .tag(1, LD)
        .string('')
        .join(),
    want: {},
  },
  {
    name: 'pointer fields keep their zero values',
    write: (w) => w.tag(3, V).int32(0).tag(5, V).bool(false).tag(12, LD).fork().join(),
    want: { replicas: 0, immutable: false, ptr: {} },
  },
  {
    name: 'scalars, int64 as a number, bytes as base64',
    write: (w) =>
      w
        .tag(1, LD)
        .string('web')
        .tag(2, V)
        .int32(-3)
        .tag(4, V)
        .bool(true)
        .tag(6, V)
        .int64(1n << 40n)
        .tag(7, LD)
        .bytes(new Uint8Array([0, 255])),
    want: { name: 'web', count: -3, flag: true, big: 2 ** 40, data: 'AP8=' },
  },
  {
    name: 'map entries keep empty values; a __proto__ key is plain data',
    write: (w) => {
      entry(w, 8, 'a', (x) => x.tag(2, LD).string('b'));
      entry(w, 8, 'empty');
      entry(w, 8, '__proto__', (x) => x.tag(2, LD).string('x'));
      entry(w, 9, 'bin', (x) => x.tag(2, LD).bytes(new Uint8Array([1])));
    },
    want: { labels: JSON.parse('{"a":"b","empty":"","__proto__":"x"}'), binary: { bin: 'AQ==' } },
  },
  {
    name: 'repeated fields keep order and empty elements',
    write: (w) =>
      w
        .tag(10, LD)
        .string('sleep')
        .tag(10, LD)
        .string('')
        .tag(13, LD)
        .fork()
        .tag(1, LD)
        .string('x')
        .join()
        .tag(13, LD)
        .fork()
        .join(),
    want: { args: ['sleep', ''], items: [{ a: 'x' }, {}] },
  },
  {
    name: 'an inline struct joins the parent',
    write: (w) => w.tag(1, LD).string('rule').tag(14, LD).fork().tag(1, LD).string('h').join(),
    want: { name: 'rule', http: 'h' },
  },
  {
    name: 'IntOrString, Time and Quantity are JSON scalars',
    write: (w) => {
      w.tag(15, LD).fork().tag(1, V).int64(1).tag(3, LD).string('http').join();
      w.tag(16, LD).fork().tag(1, V).int64(1700000000).tag(2, V).int32(5).join();
      entry(w, 17, 'cpu', (x) => x.tag(2, LD).fork().tag(1, LD).string('500m').join());
    },
    want: { port: 'http', time: '2023-11-14T22:13:20Z', limits: { cpu: '500m' } },
  },
  {
    name: 'IntOrString int 0 and the empty Time are unset',
    write: (w) => w.tag(15, LD).fork().tag(1, V).int64(0).tag(2, V).int32(0).join().tag(16, LD).fork().join(),
    want: {},
  },
  {
    name: 'unknown fields of every wire type are skipped',
    write: (w) =>
      w
        .tag(99, V)
        .int32(7)
        .tag(98, LD)
        .string('x')
        .tag(97, WireType.Bit32)
        .fixed32(1)
        .tag(96, WireType.Bit64)
        .fixed64(1)
        .tag(1, LD)
        .string('kept'),
    want: { name: 'kept' },
  },
  {
    name: 'the last occurrence of a singular field wins',
    write: (w) => w.tag(1, LD).string('a').tag(1, LD).string('b').tag(2, V).int32(4).tag(2, V).int32(0),
    want: { name: 'b' },
  },
];

describe('decodeMessage', () => {
  it.each(cases)('$name', ({ write, want }) => {
    const w = new BinaryWriter();
    write(w);
    expect(decodeMessage(w.finish(), Test)).toEqual(want);
  });

  it('rejects a known field with the wrong wire type', () => {
    const bytes = new BinaryWriter().tag(2, LD).string('x').finish();
    expect(() => decodeMessage(bytes, Test)).toThrow('field 2 (count) has wire type 2');
  });

  it('rejects a truncated message', () => {
    const bytes = new BinaryWriter().tag(1, LD).string('truncated').finish().subarray(0, 5);
    expect(() => decodeMessage(bytes, Test)).toThrow();
  });
});
