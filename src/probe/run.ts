// Starting the probers (edge): one short-lived `node dist/main/prober.js` per source pod, in
// the pod's network namespace as the pod's user, exactly as the pod's containers run (see
// ../runtime/README.md "Sandbox"; `ip netns exec` also mounts the pod's resolv.conf for
// --via dns). A few run at once: starting Node costs ~50 ms of CPU, while their connections
// mostly wait on the network.
import { execInPod } from '../runtime/process.js';
import { existsSync } from 'node:fs';
import type { ProberReply, ProberRequest, TaskResult } from './protocol.js';

export const PROBER_SCRIPT = new URL('../main/prober.js', import.meta.url).pathname;

/**
 * A prober that did not answer: its pod, and what it printed. Exit 3, bin/podnet's code for an
 * internal failure: the measurement could not be made, which is neither a finding (1) nor a
 * usage error (2).
 */
export class ProberError extends Error {
  readonly exitCode = 3;
}

export interface ProberJob {
  /** `ns/name` of the source pod, for messages. */
  pod: string;
  netns: string;
}

/** An upper bound on one prober's run: every wave timing out, twice for UDP, plus a DNS wait. */
export function proberDeadlineMs(req: ProberRequest): number {
  const attempts = req.tasks.reduce((n, t) => n + t.attempts, 0);
  const waves = Math.max(1, ...req.tasks.map((t) => Math.ceil(t.attempts / t.wave)));
  const rounds = Math.ceil(attempts / req.concurrency) + waves;
  return 10_000 + req.timeoutMs * (2 * rounds + 5);
}

async function runOne(job: ProberJob, req: ProberRequest, input: string): Promise<TaskResult[]> {
  if (!existsSync(`/run/netns/${job.netns}`))
    throw new ProberError(`pod ${job.pod}: its network namespace ${job.netns} does not exist`);
  const argv = [process.execPath, '--max-semi-space-size=1', '--max-old-space-size=64', PROBER_SCRIPT];
  const r = await execInPod(job.netns, argv, { input, timeoutMs: proberDeadlineMs(req) });
  try {
    if (r.code === 0) return (JSON.parse(r.stdout) as ProberReply).results;
  } catch {
    // reported below with what the prober printed
  }
  throw new ProberError(
    `probing from pod ${job.pod} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(0, 500)}`,
  );
}

/**
 * Runs the same request from every source, `parallel` probers at a time; `onDone` is called
 * after each. Results are in the order of `jobs`. Rejects with ProberError if any prober fails.
 */
export async function runProbers(
  jobs: ProberJob[],
  req: ProberRequest,
  parallel: number,
  onDone: (done: number) => void = () => undefined,
): Promise<TaskResult[][]> {
  const input = JSON.stringify(req);
  const results: TaskResult[][] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await runOne(jobs[i], req, input);
      onDone(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, worker));
  return results;
}
