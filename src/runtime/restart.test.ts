import { describe, expect, it } from 'vitest';
import { backoffDelayMs, KUBELET_BACKOFF, parseRestartPolicy, podPhase, shouldRestart } from './restart.js';

describe('shouldRestart', () => {
  it.each([
    { policy: 'Always', code: 0, want: true },
    { policy: 'Always', code: 1, want: true },
    { policy: 'OnFailure', code: 0, want: false },
    { policy: 'OnFailure', code: 2, want: true },
    { policy: 'OnFailure', code: null, want: true },
    { policy: 'Never', code: 1, want: false },
  ] as const)('$policy exit $code -> $want', ({ policy, code, want }) =>
    expect(shouldRestart(policy, code)).toBe(want),
  );
  it('defaults to Always', () => expect(parseRestartPolicy(undefined)).toBe('Always'));
});

describe('backoffDelayMs', () => {
  it.each([
    { name: 'first crash', crashes: 1, ran: 100, want: 10_000, n: 1 },
    { name: 'doubles', crashes: 3, ran: 100, want: 40_000, n: 3 },
    { name: 'capped', crashes: 10, ran: 100, want: 300_000, n: 10 },
    { name: 'long run resets', crashes: 6, ran: 600_000, want: 10_000, n: 1 },
  ])('$name', ({ crashes, ran, want, n }) =>
    expect(backoffDelayMs(crashes, ran, KUBELET_BACKOFF)).toEqual({ delayMs: want, crashes: n }),
  );
});

describe('podPhase (kubelet getPhase)', () => {
  const run = { running: {} };
  const exit = (exitCode: number) => ({ terminated: { exitCode } });
  it('is Running while a container runs or waits, and always under restartPolicy Always', () => {
    expect(podPhase('Never', [run, exit(0)])).toBe('Running');
    expect(podPhase('Never', [{ waiting: {} }])).toBe('Running');
    expect(podPhase('Always', [exit(0)])).toBe('Running');
  });
  it('is Succeeded when every container exited 0 for good', () => {
    expect(podPhase('Never', [exit(0), exit(0)])).toBe('Succeeded');
    expect(podPhase('OnFailure', [exit(0)])).toBe('Succeeded');
  });
  it('is Failed under Never with a non-zero exit; OnFailure restarts it instead', () => {
    expect(podPhase('Never', [exit(0), exit(1)])).toBe('Failed');
    expect(podPhase('OnFailure', [exit(1)])).toBe('Running');
  });
});
