// A diff applied to the old table (by the validating fake) must give the new table, and must
// be small: only what changed.
import { describe, expect, it } from 'vitest';
import { diffTables } from './diff.js';
import { applyTransaction } from './fake.js';
import type { Table } from './ir.js';
import { formatTransaction } from './text.js';
import { canonical, miniProxy, r } from './test-tables.test-util.js';

type Edit = (t: Table) => void;
const chain = (t: Table, name: string) => t.chains.find((c) => c.name === name)!;
const set = (t: Table, name: string) => t.sets.find((s) => s.name === name)!;

const cases: { name: string; edit: Edit; want: string[] }[] = [
  {
    name: 'a new Service: chain, rules and element',
    edit: (t) => {
      t.chains.push({ name: 'svc2', rules: [r({ verdict: { kind: 'goto', chain: 'ep-a' } })] });
      set(t, 'service-ips').elements.push({
        key: ['10.96.0.3', 'tcp', 80],
        verdict: { kind: 'goto', chain: 'svc2' },
      });
    },
    want: [
      'add chain ip pn-test-proxy svc2',
      'add rule ip pn-test-proxy svc2 goto ep-a',
      'add element ip pn-test-proxy service-ips { 10.96.0.3 . tcp . 80 : goto svc2 }',
    ],
  },
  {
    name: 'an endpoint gone: chain flushed and refilled, endpoint chain deleted',
    edit: (t) => {
      chain(t, 'svc').rules = [r({ verdict: { kind: 'goto', chain: 'ep-b' } })];
      t.chains = t.chains.filter((c) => c.name !== 'ep-a');
    },
    want: [
      'flush chain ip pn-test-proxy svc',
      'add rule ip pn-test-proxy svc goto ep-b',
      'flush chain ip pn-test-proxy ep-a',
      'delete chain ip pn-test-proxy ep-a',
    ],
  },
  {
    name: 'a Service loses its endpoints: element moves between maps, its chains go',
    edit: (t) => {
      set(t, 'service-ips').elements = [];
      set(t, 'no-endpoints').elements.push({
        key: ['10.96.0.1', 'tcp', 80],
        verdict: { kind: 'goto', chain: 'reject' },
      });
      t.chains = t.chains.filter((c) => !['svc', 'ep-a', 'ep-b'].includes(c.name));
      t.sets = t.sets.filter((s) => s.name !== 'sticky');
    },
    want: [
      'delete element ip pn-test-proxy service-ips { 10.96.0.1 . tcp . 80 }',
      'add element ip pn-test-proxy no-endpoints { 10.96.0.1 . tcp . 80 : goto reject }',
      'flush chain ip pn-test-proxy svc',
      'flush chain ip pn-test-proxy ep-a',
      'flush chain ip pn-test-proxy ep-b',
      'delete chain ip pn-test-proxy svc',
      'delete chain ip pn-test-proxy ep-a',
      'delete chain ip pn-test-proxy ep-b',
      'delete set ip pn-test-proxy sticky',
    ],
  },
  {
    name: 'a changed element verdict or comment is deleted and added again',
    edit: (t) => {
      set(t, 'no-endpoints').elements[0] = {
        ...set(t, 'no-endpoints').elements[0],
        verdict: { kind: 'drop' },
      };
      set(t, 'service-ips').elements[0] = { ...set(t, 'service-ips').elements[0], comment: 'renamed' };
    },
    want: [
      'delete element ip pn-test-proxy service-ips { 10.96.0.1 . tcp . 80 }',
      'add element ip pn-test-proxy service-ips { 10.96.0.1 . tcp . 80 comment "renamed" : goto svc }',
      'delete element ip pn-test-proxy no-endpoints { 10.96.0.2 . tcp . 80 }',
      'add element ip pn-test-proxy no-endpoints { 10.96.0.2 . tcp . 80 comment "ns/empty" : drop }',
    ],
  },
  { name: 'nothing changed', edit: () => undefined, want: [] },
];

describe('diffTables', () => {
  it.each(cases)('$name', ({ edit, want }) => {
    const old = miniProxy();
    const next = miniProxy();
    edit(next);
    const tx = diffTables(old, next)!;
    expect(formatTransaction(tx).split('\n').filter(Boolean)).toEqual(want);
    expect(canonical(applyTransaction(old, tx))).toEqual(canonical(next));
  });

  const full: { name: string; edit: Edit }[] = [
    { name: 'a base chain moves', edit: (t) => void (chain(t, 'nat-output').base!.priority = -99) },
    { name: 'a set changes type', edit: (t) => void (set(t, 'sticky').timeout = 30) },
    { name: 'the table comment changes', edit: (t) => void (t.comment = 'other') },
  ];
  it.each(full)('asks for a full load when $name', ({ edit }) => {
    const next = miniProxy();
    edit(next);
    expect(diffTables(miniProxy(), next)).toBeUndefined();
  });
});
