import { describe, expect, it } from 'vitest';
import type { AttemptResult, ProberTask } from './protocol.js';
import { parseProberRequest } from './protocol.js';
import { runProberRequest, type Dialer } from './schedule.js';

const task = (t: Partial<ProberTask> & { id: number }): ProberTask => ({
  host: '10.244.0.2',
  port: 80,
  protocol: 'TCP',
  attempts: 1,
  wave: 1,
  expect: [],
  ...t,
});

/** Answers from `answers` in turn, after a tick; records the most connections open at once. */
function fakeDialer(answers: (address: string) => AttemptResult, names: Record<string, string> = {}) {
  const stats = { open: 0, maxOpen: 0, attempts: 0, lookups: [] as string[] };
  const dialer: Dialer = {
    async attempt(address) {
      stats.attempts++;
      stats.maxOpen = Math.max(stats.maxOpen, ++stats.open);
      await new Promise((r) => setTimeout(r, 1));
      stats.open--;
      return answers(address);
    },
    async resolve(name) {
      stats.lookups.push(name);
      if (!names[name]) throw Object.assign(new Error('not found'), { code: 'NXDOMAIN' });
      return names[name];
    },
  };
  return { dialer, stats };
}

describe('runProberRequest', () => {
  it('keeps at most `concurrency` connections open', async () => {
    const { dialer, stats } = fakeDialer(() => ({ ok: true }));
    const tasks = Array.from({ length: 20 }, (_, id) => task({ id }));
    const reply = await runProberRequest({ timeoutMs: 100, concurrency: 3, tasks }, dialer);
    expect(reply.results.map((r) => r.id)).toEqual(tasks.map((t) => t.id));
    expect(stats.maxOpen).toBe(3);
  });

  it('stops the waves once every expected pod has answered', async () => {
    let n = 0;
    const { dialer, stats } = fakeDialer(() => ({ ok: true, answeredBy: ['x', 'y', 'z'][n++ % 3] }));
    const reply = await runProberRequest(
      {
        timeoutMs: 100,
        concurrency: 10,
        tasks: [task({ id: 0, attempts: 16, wave: 2, expect: ['x', 'z'] })],
      },
      dialer,
    );
    expect(stats.attempts).toBe(4); // x y | z x
    expect(reply.results[0].attempts).toHaveLength(4);
  });

  it('runs every attempt when an expected pod never answers', async () => {
    const { dialer, stats } = fakeDialer(() => ({ ok: false, error: 'timeout' }));
    await runProberRequest(
      { timeoutMs: 100, concurrency: 10, tasks: [task({ id: 0, attempts: 5, wave: 2, expect: ['x'] })] },
      dialer,
    );
    expect(stats.attempts).toBe(5);
  });

  it('resolves each name once and reports the address; a failed lookup is a result', async () => {
    const { dialer, stats } = fakeDialer((a) => ({ ok: a === '10.96.0.5' }), { 'web.ns': '10.96.0.5' });
    const reply = await runProberRequest(
      {
        timeoutMs: 100,
        concurrency: 10,
        tasks: [
          task({ id: 0, host: 'web.ns' }),
          task({ id: 1, host: 'web.ns', port: 81 }),
          task({ id: 2, host: 'nothing.ns' }),
        ],
      },
      dialer,
    );
    expect(stats.lookups).toEqual(['web.ns', 'nothing.ns']);
    expect(reply.results).toEqual([
      { id: 0, address: '10.96.0.5', attempts: [{ ok: true }] },
      { id: 1, address: '10.96.0.5', attempts: [{ ok: true }] },
      { id: 2, attempts: [{ ok: false, error: 'dns NXDOMAIN' }] },
    ]);
  });
});

describe('parseProberRequest', () => {
  it.each([
    { name: 'not an object', text: '[]' },
    { name: 'no tasks', text: '{"timeoutMs":1,"concurrency":1}' },
    {
      name: 'bad port',
      text: '{"timeoutMs":1,"concurrency":1,"tasks":[{"id":0,"host":"a","port":0,"protocol":"TCP","attempts":1,"wave":1,"expect":[]}]}',
    },
    {
      name: 'SCTP',
      text: '{"timeoutMs":1,"concurrency":1,"tasks":[{"id":0,"host":"a","port":1,"protocol":"SCTP","attempts":1,"wave":1,"expect":[]}]}',
    },
  ])('rejects $name', ({ text }) => {
    expect(() => parseProberRequest(text)).toThrow(/prober request/);
  });

  it('accepts a valid request', () => {
    const req = { timeoutMs: 1000, concurrency: 8, tasks: [task({ id: 0 })] };
    expect(parseProberRequest(JSON.stringify(req))).toEqual(req);
  });
});
