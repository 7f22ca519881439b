import { describe, expect, it } from 'vitest';
import { deepEqual } from './equal.js';

describe('deepEqual', () => {
  const cases: { name: string; a: unknown; b: unknown; want: boolean }[] = [
    { name: 'same scalars', a: 1, b: 1, want: true },
    { name: 'number vs string', a: 1, b: '1', want: false },
    { name: 'nested equal', a: { x: [1, { y: 'z' }] }, b: { x: [1, { y: 'z' }] }, want: true },
    { name: 'key order does not matter', a: { x: 1, y: 2 }, b: { y: 2, x: 1 }, want: true },
    { name: 'missing key', a: { x: 1 }, b: { x: 1, y: undefined }, want: false },
    { name: 'array length', a: [1], b: [1, 2], want: false },
    { name: 'array vs object', a: [], b: {}, want: false },
    { name: 'null vs object', a: null, b: {}, want: false },
  ];
  it.each(cases)('$name', ({ a, b, want }) => expect(deepEqual(a, b)).toBe(want));
});
