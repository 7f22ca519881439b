// Probe workers: one per container and probe kind, running the probe inside the pod's netns on
// the kubelet's schedule and reporting when the result flips (decisions in probe-state.ts).
import { execInPod } from './process.js';
import type { PodUser } from './argv.js';
import { buildProbeCommand, isProbeSuccess, type ProbeTarget } from './probe-command.js';
import {
  initialProbeState,
  probeSettings,
  recordProbe,
  type ProbeKind,
  type ProbeSpec,
  type ProbeState,
} from './probe-state.js';

export interface ProbeOutcome {
  ok: boolean;
  detail: string;
}

/** Runs one probe now. Never rejects: a probe that cannot run has failed. */
export async function runProbe(
  netns: string,
  probe: ProbeSpec,
  target: ProbeTarget,
  user?: PodUser,
): Promise<ProbeOutcome> {
  const { timeoutMs } = probeSettings(probe, 'readiness');
  const cmd = buildProbeCommand(probe, target, timeoutMs);
  if (cmd.type === 'invalid') return { ok: false, detail: cmd.reason };
  try {
    // Grace beyond the probe's own timeout for `ip netns exec` + setpriv to start.
    const r = await execInPod(netns, cmd.argv, { user, timeoutMs: timeoutMs + 2000 });
    const ok = isProbeSuccess(cmd, r.code, r.stdout);
    return {
      ok,
      detail:
        cmd.type === 'http'
          ? `HTTP ${r.stdout.trim() || r.stderr.trim()}`
          : `exit ${r.code} ${r.stderr.trim()}`.trim(),
    };
  } catch (e) {
    return { ok: false, detail: (e as Error).message };
  }
}

export interface ProbeWorkerOptions {
  netns: string;
  kind: ProbeKind;
  probe: ProbeSpec;
  target: ProbeTarget;
  user?: PodUser;
  /** Called when the result flips, and with each outcome for logging. */
  onChange: (state: ProbeState, last: ProbeOutcome) => void;
}

export class ProbeWorker {
  private state: ProbeState;
  private timer?: NodeJS.Timeout;
  private generation = 0;

  constructor(private readonly opts: ProbeWorkerOptions) {
    this.state = initialProbeState(opts.kind);
  }

  get result(): ProbeState['result'] {
    return this.state.result;
  }

  /** (Re)starts the schedule from a container start: initial delay, then every period. */
  reset(): void {
    this.stop();
    this.state = initialProbeState(this.opts.kind);
    const gen = ++this.generation;
    const s = probeSettings(this.opts.probe, this.opts.kind);
    const tick = async () => {
      const outcome = await runProbe(this.opts.netns, this.opts.probe, this.opts.target, this.opts.user);
      if (gen !== this.generation) return;
      const next = recordProbe(this.state, outcome.ok, s);
      this.state = next.state;
      if (next.changed) this.opts.onChange(this.state, outcome);
      this.timer = setTimeout(() => void tick(), s.periodMs);
    };
    this.timer = setTimeout(() => void tick(), s.initialDelayMs);
  }

  stop(): void {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
