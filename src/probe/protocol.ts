// What the CLI and a prober (dist/main/prober.js, one per source pod, inside its network
// namespace) say to each other: one JSON request on stdin, one JSON reply on stdout. Pure.

/** Protocols a prober can open: SCTP never reaches a prober (no SCTP sockets here). */
export type ProberProtocol = 'TCP' | 'UDP';

export interface ProberTask {
  id: number;
  /** An IP address, or a DNS name resolved inside the pod (its resolv.conf, search path, ndots). */
  host: string;
  port: number;
  protocol: ProberProtocol;
  /**
   * Connections to make at most, `wave` at a time. A pod address takes one; a Service address
   * takes several, since each new connection is balanced to a random endpoint afresh.
   */
  attempts: number;
  wave: number;
  /** Pod names to hear from: once each has answered, no more waves are started. */
  expect: string[];
}

export interface ProberRequest {
  /** How long one connection (or one datagram's reply) may take. */
  timeoutMs: number;
  /** Connections open at once in this prober. */
  concurrency: number;
  tasks: ProberTask[];
}

/**
 * One connection: `ok` when TCP connected or a UDP reply came back. `error` says why not:
 * `timeout` (dropped somewhere), `refused` (RST or ICMP port unreachable: the packet arrived and
 * nothing listens), `unreachable`, `dns` (the name did not resolve), or the errno.
 */
export interface AttemptResult {
  ok: boolean;
  error?: string;
  /** The pod name the server gave for `/hostname` (TCP) or `hostname` (UDP), when it speaks netexec. */
  answeredBy?: string;
}

export interface TaskResult {
  id: number;
  /** What a DNS name resolved to. */
  address?: string;
  attempts: AttemptResult[];
}

export interface ProberReply {
  results: TaskResult[];
}

/** Checks a request read from stdin; throws with what is wrong. */
export function parseProberRequest(text: string): ProberRequest {
  const r = JSON.parse(text) as ProberRequest;
  const positive = (n: unknown) => Number.isInteger(n) && (n as number) > 0;
  if (!positive(r?.timeoutMs) || !positive(r.concurrency) || !Array.isArray(r.tasks))
    throw new Error('prober request: want {timeoutMs, concurrency, tasks: [...]}');
  for (const t of r.tasks) {
    const ok =
      Number.isInteger(t.id) &&
      typeof t.host === 'string' &&
      t.host !== '' &&
      Number.isInteger(t.port) &&
      t.port >= 1 &&
      t.port <= 65535 &&
      (t.protocol === 'TCP' || t.protocol === 'UDP') &&
      positive(t.attempts) &&
      positive(t.wave) &&
      Array.isArray(t.expect);
    if (!ok) throw new Error(`prober request: bad task ${JSON.stringify(t)}`);
  }
  return r;
}
