import { describe, expect, it } from 'vitest';
import { ReplyCache } from './reply-cache.js';

describe('ReplyCache', () => {
  it('holds entries of one owner, oldest out first when full', () => {
    const owner = {};
    const c = new ReplyCache<number>(2);
    c.set(owner, 'a', 1);
    c.set(owner, 'b', 2);
    c.set(owner, 'c', 3);
    expect([c.get(owner, 'a'), c.get(owner, 'b'), c.get(owner, 'c'), c.size]).toEqual([undefined, 2, 3, 2]);
  });

  it('replaces an entry stored again, which then counts as the newest', () => {
    const owner = {};
    const c = new ReplyCache<number>(2);
    c.set(owner, 'a', 1);
    c.set(owner, 'b', 2);
    c.set(owner, 'a', 3); // full, but 'a' takes its own place: nothing goes
    expect([c.get(owner, 'a'), c.get(owner, 'b'), c.size]).toEqual([3, 2, 2]);
    c.set(owner, 'c', 4); // 'b' is now the oldest
    expect([c.get(owner, 'a'), c.get(owner, 'b'), c.get(owner, 'c')]).toEqual([3, undefined, 4]);
  });

  it('answers nothing for another owner, and drops everything when one stores', () => {
    const [first, second] = [{}, {}];
    const c = new ReplyCache<number>();
    c.set(first, 'a', 1);
    expect(c.get(second, 'a')).toBeUndefined();
    c.set(second, 'b', 2);
    expect([c.get(first, 'a'), c.get(second, 'b'), c.size]).toEqual([undefined, 2, 1]);
  });
});
