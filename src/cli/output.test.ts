import { describe, expect, it } from 'vitest';
import { formatJson } from './output.js';

describe('formatJson', () => {
  it('parses back to the same value', () => {
    const v = {
      a: [1, 2],
      b: {
        c: [
          [true, false],
          [false, true],
        ],
        d: 'x',
        e: null,
        f: [] as unknown[],
        g: {},
      },
      h: [{ i: 1 }],
    };
    expect(JSON.parse(formatJson(v))).toEqual(v);
  });
  it('keeps arrays of scalars on one line and indents the rest', () => {
    expect(formatJson({ m: [[true, false]], n: 'x' })).toBe(
      '{\n  "m": [\n    [true,false]\n  ],\n  "n": "x"\n}',
    );
  });
  it('drops undefined fields as JSON.stringify does', () => {
    expect(formatJson({ a: undefined, b: 1 })).toBe('{\n  "b": 1\n}');
  });
});
