import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SyncRunner } from './sync-runner.js';

describe('SyncRunner', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** A run that takes `ms` and fails while `failing` is set. */
  function setup(ms = 20) {
    const state = { runs: 0, failing: false, errors: 0 };
    const runner = new SyncRunner(
      async () => {
        state.runs++;
        await new Promise((r) => setTimeout(r, ms));
        if (state.failing) throw new Error('nft failed');
      },
      { delayMs: 5, retryMs: 1000, onError: () => state.errors++ },
    );
    return { state, runner };
  }

  it('coalesces the requests before a run starts into one run', async () => {
    const { state, runner } = setup();
    runner.request();
    await vi.advanceTimersByTimeAsync(2);
    runner.request();
    runner.request();
    await vi.advanceTimersByTimeAsync(100);
    expect(state.runs).toBe(1);
  });

  it('runs once more after requests that arrive during a run, never two at once', async () => {
    const { state, runner } = setup();
    runner.request();
    await vi.advanceTimersByTimeAsync(10); // the run is under way
    runner.request();
    runner.request();
    await vi.advanceTimersByTimeAsync(12); // it ended at 25 ms; the next waits until 30
    expect(state.runs).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(state.runs).toBe(2);
  });

  it('retries a failed run after retryMs without any new request', async () => {
    const { state, runner } = setup();
    state.failing = true;
    runner.request();
    await vi.advanceTimersByTimeAsync(100);
    expect(state).toMatchObject({ runs: 1, errors: 1 });
    state.failing = false;
    runner.request(); // waits for the retry
    await vi.advanceTimersByTimeAsync(500);
    expect(state.runs).toBe(1);
    await vi.advanceTimersByTimeAsync(600);
    expect(state).toMatchObject({ runs: 2, errors: 1 });
    await vi.advanceTimersByTimeAsync(5000);
    expect(state.runs).toBe(2);
  });

  it('starts nothing after close, and close waits for the run under way', async () => {
    const { state, runner } = setup();
    runner.request();
    await vi.advanceTimersByTimeAsync(10);
    let closed = false;
    void runner.close().then(() => (closed = true));
    runner.request();
    await vi.advanceTimersByTimeAsync(5);
    expect(closed).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(closed).toBe(true);
    expect(state.runs).toBe(1);
  });
});
