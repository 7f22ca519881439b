import { describe, expect, it } from 'vitest';
import { applyTransaction, NftError } from './fake.js';
import type { Table } from './ir.js';
import { fullLoad, type NftOp } from './ops.js';
import { miniProxy, r } from './test-tables.test-util.js';

const run = (before: Table | undefined, ops: NftOp[]) =>
  applyTransaction(before, { table: { family: 'ip', name: 'pn-test-proxy' }, ops });

describe('applyTransaction', () => {
  it('a full load of a table yields that table, also over an older one', () => {
    expect(applyTransaction(undefined, fullLoad(miniProxy()))).toEqual(miniProxy());
    const other = { ...miniProxy(), chains: [], sets: [] };
    expect(applyTransaction(other, fullLoad(miniProxy()))).toEqual(miniProxy());
  });

  const refused: { name: string; ops: NftOp[]; code: NftError['code'] }[] = [
    {
      name: 'a rule in a missing chain',
      ops: [{ verb: 'add', kind: 'rule', chain: 'nope', rule: r({}) }],
      code: 'ENOENT',
    },
    {
      name: 'a jump to a missing chain',
      ops: [
        { verb: 'add', kind: 'rule', chain: 'svc', rule: r({ verdict: { kind: 'goto', chain: 'nope' } }) },
      ],
      code: 'ENOENT',
    },
    {
      name: 'a lookup in a missing set',
      ops: [
        {
          verb: 'add',
          kind: 'rule',
          chain: 'svc',
          rule: r({ matches: [{ kind: 'lookup', key: ['ip saddr'], set: 'x' }] }),
        },
      ],
      code: 'ENOENT',
    },
    {
      name: 'a key of the wrong length',
      ops: [
        {
          verb: 'add',
          kind: 'element',
          set: 'service-ips',
          element: { key: ['tcp', 80], verdict: { kind: 'drop' } },
        },
      ],
      code: 'EINVAL',
    },
    {
      name: 'an existing key with another verdict',
      ops: [
        {
          verb: 'add',
          kind: 'element',
          set: 'service-ips',
          element: { key: ['10.96.0.1', 'tcp', 80], verdict: { kind: 'drop' } },
        },
      ],
      code: 'EEXIST',
    },
    {
      name: 'deleting a missing element',
      ops: [{ verb: 'delete', kind: 'element', set: 'sticky', element: { key: ['1.2.3.4'] } }],
      code: 'ENOENT',
    },
    {
      name: 'deleting a chain still jumped to',
      ops: [{ verb: 'delete', kind: 'chain', chain: 'ep-a' }],
      code: 'EBUSY',
    },
    {
      name: 'deleting a chain a map element points to',
      ops: [{ verb: 'delete', kind: 'chain', chain: 'svc' }],
      code: 'EBUSY',
    },
    {
      name: 'deleting a set still used',
      ops: [{ verb: 'delete', kind: 'set', set: 'sticky', map: false }],
      code: 'EBUSY',
    },
    {
      name: 'a DNAT with a port but no protocol match',
      ops: [
        {
          verb: 'add',
          kind: 'rule',
          chain: 'svc',
          rule: r({ statements: [{ kind: 'dnat', addr: '10.0.0.1', port: 80 }] }),
        },
      ],
      code: 'EINVAL',
    },
    {
      name: 'updating a set that is not dynamic',
      ops: [
        { verb: 'add', kind: 'set', set: { name: 's', type: ['ipv4_addr'] } },
        {
          verb: 'add',
          kind: 'rule',
          chain: 'svc',
          rule: r({ statements: [{ kind: 'update', set: 's', key: ['ip saddr'] }] }),
        },
      ],
      code: 'EINVAL',
    },
    {
      name: 'changing a base chain in place',
      ops: [
        {
          verb: 'add',
          kind: 'chain',
          chain: 'nat-output',
          base: { type: 'nat', hook: 'output', priority: 0 },
        },
      ],
      code: 'EEXIST',
    },
    {
      name: 'a name over 255 characters',
      ops: [{ verb: 'add', kind: 'chain', chain: 'c'.repeat(256) }],
      code: 'EINVAL',
    },
  ];
  it.each(refused)('refuses $name and changes nothing', ({ ops, code }) => {
    const before = miniProxy();
    expect(() => run(before, ops)).toThrow(expect.objectContaining({ code }));
    expect(before).toEqual(miniProxy());
  });

  it('deletes a chain once nothing refers to it', () => {
    const after = run(miniProxy(), [
      { verb: 'flush', kind: 'chain', chain: 'svc' },
      { verb: 'delete', kind: 'chain', chain: 'ep-a' },
    ]);
    expect(after!.chains.map((c) => c.name)).not.toContain('ep-a');
  });

  it('re-adding an identical element or set is a no-op; ops on a missing table fail', () => {
    const t = miniProxy();
    const same = run(t, [
      { verb: 'add', kind: 'element', set: 'service-ips', element: t.sets[0].elements[0] },
      {
        verb: 'add',
        kind: 'set',
        set: { name: 'sticky', type: ['ipv4_addr'], flags: ['dynamic', 'timeout'], timeout: 60 },
      },
    ]);
    expect(same).toEqual(t);
    expect(() => run(undefined, [{ verb: 'add', kind: 'chain', chain: 'x' }])).toThrow(NftError);
    expect(run(t, [{ verb: 'delete', kind: 'table' }])).toBeUndefined();
  });
});
