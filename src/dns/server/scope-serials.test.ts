import { describe, expect, it } from 'vitest';
import { ScopeSerials } from './scope-serials.js';

describe('ScopeSerials', () => {
  it('answers, per namespace, the serial of its last change; a change of everything outranks all', () => {
    const s = new ScopeSerials();
    expect(s.lastChange('a')).toBe(0);
    s.changed(5, ['a', 'b']);
    s.changed(6, ['b']);
    expect([s.lastChange('a'), s.lastChange('b'), s.lastChange('c')]).toEqual([5, 6, 0]);
    s.changedAll(7);
    expect([s.lastChange('a'), s.lastChange('b'), s.lastChange('c')]).toEqual([7, 7, 7]);
    s.changed(8, ['c']);
    expect([s.lastChange('a'), s.lastChange('c')]).toEqual([7, 8]);
  });
});
