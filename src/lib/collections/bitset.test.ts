import { describe, expect, it } from 'vitest';
import { BitSet } from './bitset.js';

describe('BitSet', () => {
  it('full sets only the first size bits', () => {
    const b = BitSet.full(33);
    expect([...b].length).toBe(33);
    expect(b.has(32)).toBe(true);
    expect(b.isFull()).toBe(true);
  });
  it('or, and, iterate in order across words', () => {
    const a = new BitSet(70).add(1).add(40).add(69);
    const b = new BitSet(70).add(40).add(2);
    expect([...a.clone().or(b)]).toEqual([1, 2, 40, 69]);
    expect([...a.clone().and(b)]).toEqual([40]);
    expect(a.key()).not.toBe(b.key());
    expect(a.equals(a.clone())).toBe(true);
  });
  it('handles bit 31 (sign bit) correctly', () => {
    const a = new BitSet(64).add(31).add(63);
    expect([...a]).toEqual([31, 63]);
  });
});
