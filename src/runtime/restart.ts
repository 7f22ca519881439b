// Pure restart decisions, as the kubelet makes them: whether an exited container runs again
// (restartPolicy) and after how long (crash-loop back-off: doubling from `initialMs` up to
// `maxMs`, forgotten once the container ran for `resetAfterMs`).
export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

export interface BackoffConfig {
  initialMs: number;
  maxMs: number;
  resetAfterMs: number;
}

/** The kubelet's values: 10 s, 5 min, reset after 10 min of running. */
export const KUBELET_BACKOFF: BackoffConfig = { initialMs: 10_000, maxMs: 300_000, resetAfterMs: 600_000 };

export function parseRestartPolicy(value: string | undefined): RestartPolicy {
  return value === 'OnFailure' || value === 'Never' ? value : 'Always';
}

/** `exitCode` null means killed by a signal, which counts as a failure. */
export function shouldRestart(policy: RestartPolicy, exitCode: number | null): boolean {
  if (policy === 'Always') return true;
  if (policy === 'OnFailure') return exitCode !== 0;
  return false;
}

/**
 * Delay before the next start. `crashes` counts consecutive short runs including this one
 * (1 after the first exit); a run longer than `resetAfterMs` starts the count again.
 */
export function backoffDelayMs(
  crashes: number,
  ranForMs: number,
  cfg: BackoffConfig,
): { delayMs: number; crashes: number } {
  const n = ranForMs >= cfg.resetAfterMs ? 1 : Math.max(crashes, 1);
  return { delayMs: Math.min(cfg.initialMs * 2 ** (n - 1), cfg.maxMs), crashes: n };
}

/**
 * The pod phase from its containers' states (kubelet getPhase): Running while a container runs,
 * waits or will be restarted; once every container has terminated for good, Succeeded when all
 * exited 0, else Failed. With restartPolicy Always containers always come back: Running.
 */
export function podPhase(
  policy: RestartPolicy,
  states: ({ running: unknown } | { waiting: unknown } | { terminated: { exitCode: number } })[],
): 'Running' | 'Succeeded' | 'Failed' {
  const exits = states.map((s) => ('terminated' in s ? s.terminated.exitCode : undefined));
  if (states.length === 0 || exits.some((e) => e === undefined) || policy === 'Always') return 'Running';
  if (exits.every((e) => e === 0)) return 'Succeeded';
  return policy === 'Never' ? 'Failed' : 'Running';
}
