// The prober's schedule: every task at once, at most `concurrency` connections open, a task's
// attempts in waves until every expected pod has answered. The connecting itself is injected
// (./dial.ts in the prober, fakes in tests), so this holds no sockets.
import { parseIP } from '../lib/netaddr/index.js';
import type { AttemptResult, ProberReply, ProberRequest, ProberTask, TaskResult } from './protocol.js';

export interface Dialer {
  /** One connection to an address; never rejects (failures are results). */
  attempt(
    address: string,
    port: number,
    protocol: ProberTask['protocol'],
    timeoutMs: number,
  ): Promise<AttemptResult>;
  /** A name resolved as the pod's resolver would; rejects with an errno-style `code` on failure. */
  resolve(name: string, timeoutMs: number): Promise<string>;
}

/** A counting semaphore: the function it returns runs `f` once one of `slots` is free. */
function limiter(slots: number): <T>(f: () => Promise<T>) => Promise<T> {
  let free = slots;
  const waiting: (() => void)[] = [];
  return async (f) => {
    if (free === 0) await new Promise<void>((r) => waiting.push(r));
    else free--;
    try {
      return await f();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}

export async function runProberRequest(req: ProberRequest, dialer: Dialer): Promise<ProberReply> {
  const slot = limiter(req.concurrency);
  // One lookup per name: every task through the same Service name shares it.
  const lookups = new Map<string, Promise<string>>();
  const lookup = (name: string) => {
    let p = lookups.get(name);
    if (!p) lookups.set(name, (p = slot(() => dialer.resolve(name, req.timeoutMs))));
    return p;
  };

  const runTask = async (task: ProberTask): Promise<TaskResult> => {
    let address = task.host;
    if (parseIP(task.host) === null) {
      try {
        address = await lookup(task.host);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
        return { id: task.id, attempts: [{ ok: false, error: `dns ${code}` }] };
      }
    }
    const attempts: AttemptResult[] = [];
    const heard = new Set<string>();
    while (attempts.length < task.attempts) {
      const n = Math.min(task.wave, task.attempts - attempts.length);
      const wave = await Promise.all(
        Array.from({ length: n }, () =>
          slot(() => dialer.attempt(address, task.port, task.protocol, req.timeoutMs)),
        ),
      );
      for (const a of wave) if (a.answeredBy !== undefined) heard.add(a.answeredBy);
      attempts.push(...wave);
      if (task.expect.every((name) => heard.has(name))) break;
    }
    return address === task.host ? { id: task.id, attempts } : { id: task.id, address, attempts };
  };

  return { results: await Promise.all(req.tasks.map(runTask)) };
}
