import { describe, expect, it } from 'vitest';
import { initialProbeState, probeAction, probeSettings, recordProbe, type ProbeKind } from './probe-state.js';

describe('probeSettings', () => {
  it('applies kubelet defaults', () => {
    expect(probeSettings({ tcpSocket: { port: 80 } }, 'readiness')).toEqual({
      initialDelayMs: 0,
      periodMs: 10_000,
      timeoutMs: 1000,
      failureThreshold: 3,
      successThreshold: 1,
    });
  });
  it('forces successThreshold 1 for liveness', () => {
    expect(
      probeSettings({ tcpSocket: { port: 80 }, successThreshold: 3, periodSeconds: 2 }, 'liveness'),
    ).toMatchObject({ successThreshold: 1, periodMs: 2000 });
  });
});

describe('recordProbe', () => {
  const run = (kind: ProbeKind, outcomes: boolean[], probe = {}) => {
    const s = probeSettings({ tcpSocket: { port: 1 }, ...probe }, kind);
    let state = initialProbeState(kind);
    const flips: string[] = [];
    for (const ok of outcomes) {
      const r = recordProbe(state, ok, s);
      state = r.state;
      if (r.changed) flips.push(`${state.result}:${probeAction(kind, state)}`);
    }
    return flips;
  };
  const cases = [
    {
      name: 'readiness starts unready, first success makes ready',
      kind: 'readiness',
      outcomes: [true],
      want: ['Success:set-ready'],
    },
    {
      name: 'readiness needs failureThreshold failures',
      kind: 'readiness',
      outcomes: [true, false, false, true, false, false, false],
      want: ['Success:set-ready', 'Failure:set-unready'],
    },
    {
      name: 'readiness successThreshold 2',
      kind: 'readiness',
      outcomes: [true, false, true, true],
      probe: { successThreshold: 2 },
      want: ['Success:set-ready'],
    },
    { name: 'liveness starts alive', kind: 'liveness', outcomes: [true, true], want: [] },
    {
      name: 'liveness kills after failureThreshold 1',
      kind: 'liveness',
      outcomes: [false],
      probe: { failureThreshold: 1 },
      want: ['Failure:kill-container'],
    },
  ] as const;
  it.each(cases)('$name', ({ kind, outcomes, want, ...rest }) => {
    expect(run(kind, [...outcomes], 'probe' in rest ? rest.probe : {})).toEqual(want);
  });
});
