import { describe, expect, it } from 'vitest';
import { formatIP } from '../../lib/netaddr/index.js';
import { CniError } from '../types.js';
import {
  allocate,
  allocateMany,
  collectGarbage,
  pickAddress,
  releaseAttachment,
  releaseAttachments,
} from './allocator.js';
import { parseRangeSets, resolveRange, type RangeConfig } from './config.js';
import { FakeStore } from './fake-store.js';

const set = (...ranges: RangeConfig[]) => ranges.map(resolveRange);
const pick = (ranges: RangeConfig[], last: string | null, taken: string[] = []) => {
  const ip = pickAddress(set(...ranges), last, new Set(taken));
  return ip && formatIP(ip);
};

describe('pickAddress', () => {
  const r24 = { subnet: '10.244.0.0/24' };
  const small = { subnet: '10.244.1.0/24', rangeStart: '10.244.1.10', rangeEnd: '10.244.1.12' };
  const cases = [
    { name: 'first address after the gateway', ranges: [r24], last: null, taken: [], want: '10.244.0.2' },
    { name: 'after the last reserved', ranges: [r24], last: '10.244.0.7', taken: [], want: '10.244.0.8' },
    {
      name: 'skips taken ones',
      ranges: [r24],
      last: '10.244.0.7',
      taken: ['10.244.0.8', '10.244.0.9'],
      want: '10.244.0.10',
    },
    {
      name: 'a released lower address is not reused before wrapping',
      ranges: [r24],
      last: '10.244.0.5',
      taken: ['10.244.0.2'],
      want: '10.244.0.6',
    },
    {
      name: 'wraps around past the end (no broadcast)',
      ranges: [r24],
      last: '10.244.0.254',
      taken: [],
      want: '10.244.0.2',
    },
    { name: 'rangeStart/rangeEnd bound it', ranges: [small], last: null, taken: [], want: '10.244.1.10' },
    {
      name: 'wrap inside a bounded range',
      ranges: [small],
      last: '10.244.1.12',
      taken: ['10.244.1.10'],
      want: '10.244.1.11',
    },
    {
      name: 'full range',
      ranges: [small],
      last: null,
      taken: ['10.244.1.10', '10.244.1.11', '10.244.1.12'],
      want: null,
    },
    {
      name: 'last outside the range restarts at its start',
      ranges: [small],
      last: '10.9.9.9',
      taken: [],
      want: '10.244.1.10',
    },
    {
      name: 'moves on to the next range of the set',
      ranges: [small, r24],
      last: '10.244.1.12',
      taken: [],
      want: '10.244.0.2',
    },
    {
      name: 'gateway inside the range is skipped',
      ranges: [{ subnet: '10.0.0.0/29', gateway: '10.0.0.3' }],
      last: '10.0.0.2',
      taken: [],
      want: '10.0.0.4',
    },
    {
      name: 'IPv6',
      ranges: [{ subnet: 'fd00:10:244::/120' }],
      last: null,
      taken: [],
      want: 'fd00:10:244::2',
    },
  ];
  it.each(cases)('$name', ({ ranges, last, taken, want }) => expect(pick(ranges, last, taken)).toBe(want));
});

describe('parseRangeSets', () => {
  const cases = [
    { name: 'no ranges', ipam: { type: 'h' } },
    { name: 'bad subnet', ipam: { type: 'h', ranges: [[{ subnet: '10.0.0.0/33' }]] } },
    {
      name: 'start outside',
      ipam: { type: 'h', ranges: [[{ subnet: '10.0.0.0/24', rangeStart: '10.0.1.1' }]] },
    },
    {
      name: 'start after end',
      ipam: {
        type: 'h',
        ranges: [[{ subnet: '10.0.0.0/24', rangeStart: '10.0.0.9', rangeEnd: '10.0.0.3' }]],
      },
    },
    { name: 'empty set', ipam: { type: 'h', ranges: [[]] } },
  ];
  it.each(cases)('rejects $name with code 7', ({ ipam }) => {
    expect(() => parseRangeSets(ipam)).toThrow(expect.objectContaining({ code: 7 }));
  });
  it('accepts the legacy single-subnet form', () => {
    expect(parseRangeSets({ type: 'h', subnet: '10.0.0.0/24' })).toHaveLength(1);
  });
});

describe('allocate / release / GC against the fake store', () => {
  const sets = parseRangeSets({ type: 'h', ranges: [[{ subnet: '10.244.0.0/24' }]] });

  it('hands out addresses round-robin and does not reuse a just-released one', async () => {
    const store = new FakeStore();
    expect(await allocate(store, sets, 'a', 'eth0')).toEqual([
      { address: '10.244.0.2/24', gateway: '10.244.0.1' },
    ]);
    expect((await allocate(store, sets, 'b', 'eth0'))[0].address).toBe('10.244.0.3/24');
    expect(await releaseAttachment(store, 'a', 'eth0')).toEqual([
      { ip: '10.244.0.2', containerID: 'a', ifname: 'eth0' },
    ]);
    expect((await allocate(store, sets, 'c', 'eth0'))[0].address).toBe('10.244.0.4/24');
  });

  it('refuses a duplicate allocation for the same attachment', async () => {
    const store = new FakeStore();
    await allocate(store, sets, 'a', 'eth0');
    await expect(allocate(store, sets, 'a', 'eth0')).rejects.toThrow(/duplicate allocation/);
    expect((await allocate(store, sets, 'a', 'eth1'))[0].address).toBe('10.244.0.3/24');
  });

  it('rolls back earlier range sets when a later one is full', async () => {
    const two = parseRangeSets({
      type: 'h',
      ranges: [[{ subnet: '10.244.0.0/24' }], [{ subnet: '10.9.0.0/30' }]],
    });
    const store = new FakeStore([{ ip: '10.9.0.2', containerID: 'x', ifname: 'eth0' }]);
    const err = await allocate(store, two, 'a', 'eth0').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CniError);
    expect((err as CniError).code).toBe(11);
    expect((await store.list()).map((a) => a.ip)).toEqual(['10.9.0.2']);
  });

  it('release of an unknown attachment is not an error', async () => {
    expect(await releaseAttachment(new FakeStore(), 'nobody', 'eth0')).toEqual([]);
  });

  it('GC frees what is not in the valid list', async () => {
    const store = new FakeStore();
    for (const id of ['a', 'b', 'c']) await allocate(store, sets, id, 'eth0');
    const freed = await collectGarbage(store, [{ containerID: 'b', ifname: 'eth0' }]);
    expect(freed.map((a) => a.containerID)).toEqual(['a', 'c']);
    expect((await store.list()).map((a) => a.containerID)).toEqual(['b']);
  });
});

describe('allocateMany / releaseAttachments', () => {
  const sets = parseRangeSets({
    type: 'h',
    ranges: [[{ subnet: '10.244.0.0/24' }], [{ subnet: 'fd00::/120' }]],
  });
  const atts = ['a', 'b', 'c'].map((containerID) => ({ containerID, ifname: 'eth0' }));

  it('hands out what as many allocate calls would, under one lock', async () => {
    const one = new FakeStore([], { 0: '10.244.0.7' });
    const want = [];
    for (const a of atts) want.push(await allocate(one, sets, a.containerID, a.ifname));
    const many = new FakeStore([], { 0: '10.244.0.7' });
    expect(await allocateMany(many, sets, atts)).toEqual(want);
    expect(await many.list()).toEqual(await one.list());
    expect(want.map((ips) => ips.map((i) => i.address))).toEqual([
      ['10.244.0.8/24', 'fd00::2/120'],
      ['10.244.0.9/24', 'fd00::3/120'],
      ['10.244.0.10/24', 'fd00::4/120'],
    ]);
  });

  it('all or nothing: a duplicate in the batch releases what the batch took', async () => {
    const store = new FakeStore([{ ip: '10.244.0.2', containerID: 'x', ifname: 'eth0' }]);
    await expect(allocateMany(store, sets, [...atts, atts[1]])).rejects.toThrow(/duplicate allocation/);
    expect((await store.list()).map((a) => a.ip)).toEqual(['10.244.0.2']);
  });

  it('releases several attachments at once; unknown ones are not an error', async () => {
    const store = new FakeStore();
    await allocateMany(store, sets, atts);
    const freed = await releaseAttachments(store, [
      atts[0],
      atts[2],
      { containerID: 'nobody', ifname: 'eth0' },
    ]);
    expect(freed.map((a) => a.containerID).sort()).toEqual(['a', 'a', 'c', 'c']);
    expect(new Set((await store.list()).map((a) => a.containerID))).toEqual(new Set(['b']));
  });
});
