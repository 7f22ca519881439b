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

  it('answers nothing for another owner, and drops everything when one stores', () => {
    const [first, second] = [{}, {}];
    const c = new ReplyCache<number>();
    c.set(first, 'a', 1);
    expect(c.get(second, 'a')).toBeUndefined();
    c.set(second, 'b', 2);
    expect([c.get(first, 'a'), c.get(second, 'b'), c.size]).toEqual([undefined, 2, 1]);
  });
});
