import { describe, expect, it } from 'vitest';
import { formatSelector, mapSelectorMatches, selectorMatches } from './selector.js';
import type { LabelSelector } from './types.js';

// Cases follow apimachinery pkg/labels selector_test.go semantics.
describe('selectorMatches', () => {
  const cases: { name: string; selector: LabelSelector; labels: Record<string, string>; want: boolean }[] = [
    { name: 'empty selector selects everything', selector: {}, labels: {}, want: true },
    { name: 'matchLabels equal', selector: { matchLabels: { pod: 'a' } }, labels: { pod: 'a' }, want: true },
    {
      name: 'matchLabels differ',
      selector: { matchLabels: { pod: 'a' } },
      labels: { pod: 'b' },
      want: false,
    },
    {
      name: 'In needs the key',
      selector: { matchExpressions: [{ key: 'ns', operator: 'In', values: ['x'] }] },
      labels: {},
      want: false,
    },
    {
      name: 'NotIn matches a missing key',
      selector: { matchExpressions: [{ key: 'ns', operator: 'NotIn', values: ['x'] }] },
      labels: {},
      want: true,
    },
    {
      name: 'NotIn excludes listed value',
      selector: { matchExpressions: [{ key: 'ns', operator: 'NotIn', values: ['x', 'y'] }] },
      labels: { ns: 'y' },
      want: false,
    },
    {
      name: 'Exists',
      selector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
      labels: { tier: '' },
      want: true,
    },
    {
      name: 'DoesNotExist',
      selector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] },
      labels: { tier: 'web' },
      want: false,
    },
    {
      name: 'labels and expressions are ANDed',
      selector: { matchLabels: { a: '1' }, matchExpressions: [{ key: 'b', operator: 'Exists' }] },
      labels: { a: '1' },
      want: false,
    },
  ];
  it.each(cases)('$name', ({ selector, labels, want }) => {
    expect(selectorMatches(selector, labels)).toBe(want);
  });
});

describe('mapSelectorMatches (Service selector)', () => {
  it('selects nothing when empty', () => {
    expect(mapSelectorMatches({}, { a: 'b' })).toBe(false);
    expect(mapSelectorMatches(undefined, { a: 'b' })).toBe(false);
  });
  it('needs every pair', () => {
    expect(mapSelectorMatches({ a: 'b', c: 'd' }, { a: 'b' })).toBe(false);
    expect(mapSelectorMatches({ a: 'b' }, { a: 'b', c: 'd' })).toBe(true);
  });
});

it('formats like kubectl', () => {
  expect(
    formatSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['a', 'b'] },
        { key: 'x', operator: 'DoesNotExist' },
      ],
    }),
  ).toBe('app=web,env in (a,b),!x');
});
