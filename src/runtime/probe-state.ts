// Pure probe decisions with the kubelet's semantics (k8s.io/kubernetes pkg/kubelet/prober):
// the first probe runs `initialDelaySeconds` after the container starts, then every
// `periodSeconds`; the result flips to Failure after `failureThreshold` consecutive failures and
// to Success after `successThreshold` consecutive successes. Readiness starts as Failure (not
// ready until a probe passes); liveness starts as Success (a container is alive until proven not).
import type { Probe } from '../api/types.js';

/** Probe with the fields the API types do not carry yet (all optional, kubelet defaults apply). */
export type ProbeSpec = Probe & {
  timeoutSeconds?: number;
  failureThreshold?: number;
  successThreshold?: number;
  httpGet?: Probe['httpGet'] & { host?: string; httpHeaders?: { name: string; value: string }[] };
};

export type ProbeKind = 'readiness' | 'liveness';

export interface ProbeSettings {
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  failureThreshold: number;
  successThreshold: number;
}

/** Kubernetes defaults: delay 0, period 10 s, timeout 1 s, failureThreshold 3, successThreshold 1. */
export function probeSettings(probe: ProbeSpec, kind: ProbeKind): ProbeSettings {
  const pos = (v: number | undefined, d: number) => (v !== undefined && v > 0 ? v : d);
  return {
    initialDelayMs: Math.max(probe.initialDelaySeconds ?? 0, 0) * 1000,
    periodMs: pos(probe.periodSeconds, 10) * 1000,
    timeoutMs: pos(probe.timeoutSeconds, 1) * 1000,
    failureThreshold: pos(probe.failureThreshold, 3),
    // "Must be 1 for liveness and startup" (API reference); enforce rather than reject.
    successThreshold: kind === 'liveness' ? 1 : pos(probe.successThreshold, 1),
  };
}

export interface ProbeState {
  result: 'Success' | 'Failure';
  successes: number;
  failures: number;
}

export function initialProbeState(kind: ProbeKind): ProbeState {
  return { result: kind === 'readiness' ? 'Failure' : 'Success', successes: 0, failures: 0 };
}

/** Folds one probe outcome into the state; `changed` says whether the result flipped. */
export function recordProbe(
  state: ProbeState,
  ok: boolean,
  s: ProbeSettings,
): { state: ProbeState; changed: boolean } {
  const successes = ok ? state.successes + 1 : 0;
  const failures = ok ? 0 : state.failures + 1;
  let result = state.result;
  if (ok && successes >= s.successThreshold) result = 'Success';
  if (!ok && failures >= s.failureThreshold) result = 'Failure';
  return { state: { result, successes, failures }, changed: result !== state.result };
}

/** What the kubelet does when a probe's result flips. */
export function probeAction(
  kind: ProbeKind,
  state: ProbeState,
): 'set-ready' | 'set-unready' | 'kill-container' | 'none' {
  if (kind === 'readiness') return state.result === 'Success' ? 'set-ready' : 'set-unready';
  return state.result === 'Failure' ? 'kill-container' : 'none';
}
