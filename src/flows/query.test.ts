import { describe, expect, it } from 'vitest';
import { flowRow, parseDuration } from './query.js';

describe('--since durations (Go time.ParseDuration units, as kubectl logs --since)', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['', '5', 'five minutes', '5m x', '-5m', '5d'])('rejects %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
});

describe('flow rows', () => {
  it('names pods when the addresses are pods, else the address', () => {
    expect(
      flowRow({
        time: Date.UTC(2026, 10, 22, 8, 0, 0, 123),
        node: 'node-1',
        direction: 'ingress',
        src: '172.18.0.100',
        dst: '10.244.0.5',
        dstPod: 'default/web',
        protocol: 'TCP',
        port: 8080,
        verdict: 'denied',
        policies: ['default/deny-all'],
        rule: 'default deny (isolated by default/deny-all)',
      }),
    ).toEqual([
      '2026-11-22 08:00:00Z',
      'node-1',
      'ingress',
      '172.18.0.100',
      'default/web',
      '8080/TCP',
      'denied',
      'default deny (isolated by default/deny-all)',
    ]);
  });
});
