// Runs a sync when asked, coalescing requests: the first request since the last run starts one
// `delayMs` later (events that arrive meanwhile, such as a Service and its EndpointSlice, join
// it), one run at a time, and a request during a run starts another after it. A run that fails
// is tried again `retryMs` later, whether or not anything else changes. This is the part of
// kube-proxy's BoundedFrequencyRunner (pkg/util/async/bounded_frequency_runner.go: Run, and
// RetryAfter after a failed syncProxyRules) the node agent needs; it has no periodic resync,
// since the reflectors' (re)lists already bring everything back.
export interface SyncRunnerOptions {
  delayMs: number;
  retryMs: number;
  onError: (e: unknown) => void;
}

export class SyncRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(
    private readonly run: () => Promise<void>,
    private readonly o: SyncRunnerOptions,
  ) {}

  /** Asks for a run: soon, or after the one under way. */
  request(): void {
    if (this.closed) return;
    if (this.running) this.again = true;
    else this.timer ??= setTimeout(() => void this.start(), this.o.delayMs);
  }

  /** No run starts after this; resolves when the one under way (if any) has ended. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async start(): Promise<void> {
    this.timer = undefined;
    this.again = false;
    let failed = false;
    this.running = this.run().catch((e) => {
      failed = true;
      this.o.onError(e);
    });
    await this.running;
    this.running = undefined;
    if (this.closed) return;
    // A retry also covers the requests that came during the failed run.
    if (failed) this.timer = setTimeout(() => void this.start(), this.o.retryMs);
    else if (this.again) this.request();
  }
}
