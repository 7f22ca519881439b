import { describe, expect, it } from 'vitest';
import { ReplyCache } from './reply-cache.js';

describe('ReplyCache', () => {
  it('holds entries of one owner, oldest out first when full', () => {
    const owner = {};
    const c = new ReplyCache<number>(2);
    c.set(owner, 1, 'a', 1);
    c.set(owner, 1, 'b', 2);
    c.set(owner, 1, 'c', 3);
    expect([c.get(owner, 1, 'a'), c.get(owner, 1, 'b'), c.get(owner, 1, 'c'), c.size]).toEqual([
      undefined,
      2,
      3,
      2,
    ]);
  });

  it('answers nothing for another owner, and drops everything when one stores', () => {
    const [first, second] = [{}, {}];
    const c = new ReplyCache<number>();
    c.set(first, 1, 'a', 1);
    expect(c.get(second, 1, 'a')).toBeUndefined();
    c.set(second, 1, 'b', 2);
    expect([c.get(first, 1, 'a'), c.get(second, 1, 'b'), c.size]).toEqual([undefined, 2, 1]);
  });

  it('answers nothing for another version of the same owner, and drops everything when one stores', () => {
    const owner = {};
    const c = new ReplyCache<number>();
    c.set(owner, 1, 'a', 1);
    expect(c.get(owner, 2, 'a')).toBeUndefined();
    c.set(owner, 2, 'b', 2);
    expect([c.get(owner, 1, 'a'), c.get(owner, 2, 'a'), c.get(owner, 2, 'b'), c.size]).toEqual([
      undefined,
      undefined,
      2,
      1,
    ]);
  });
});
