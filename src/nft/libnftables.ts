// nft without a process per sync: libnftables, the library the `nft` command is a front end of,
// called in this process through koffi (a C FFI; the library's API is five functions, so no
// binding package is needed). Why: at 10,000 Services an incremental sync spent 35-51 ms in
// `nft -f`, most of it the process, its dynamic linking and the page faults of a cache that nft
// 1.0.6 builds afresh on every run (four 128 KiB hash tables per table of the namespace); the
// same script through the library in a long-lived process took 12-19 ms (docs/benchmarks.md
// "Service proxy"). The library keeps its cache between calls and reads it again only when the
// ruleset's generation changed.
//
// libnftables acts on the network namespace of the calling thread, and this process cannot
// switch namespaces, so a runner serves only the namespace the process was started in (the node
// agent runs inside its node's, src/main/agent.ts). It checks that before every call, so it can
// never touch another namespace's rules, the machine's own included.
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { assertOwned } from '../host/netns.js';
import { execNftRunner, type NftRunner } from './apply.js';

/** glibc mallopt parameters. */
const M_TRIM_THRESHOLD = -1;
const M_MMAP_THRESHOLD = -3;

interface Library {
  /** Runs one script as one transaction; resolves with nft's error text, empty on success. */
  run(script: string): Promise<string>;
}

let library: Library | undefined;

function loadLibrary(): Library {
  // koffi is a native module: loaded on first use, so that processes that never program nft
  // (the CLI, the API server) do not load it.
  const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
  const libc = koffi.load('libc.so.6');
  const mallopt = libc.func('int mallopt(int param, int value)');
  // nft's per-table cache buffers (4 x 128 KiB per table) come from malloc; above the default
  // threshold each is a fresh mmap, faulted in page by page on every run. On the heap, and not
  // given back to the system below 16 MiB free, they are reused: one change at 10,000 Services
  // in 16 shards took 5-12 ms instead of 10-12 ms (64 MiB kept) and 38-40 ms (defaults).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 16 << 20);
  const nft = koffi.load('libnftables.so.1');
  const ctxNew = nft.func('void *nft_ctx_new(uint32_t flags)');
  const bufferOutput = nft.func('int nft_ctx_buffer_output(void *ctx)');
  const bufferError = nft.func('int nft_ctx_buffer_error(void *ctx)');
  const errorBuffer = nft.func('const char *nft_ctx_get_error_buffer(void *ctx)');
  const outputBuffer = nft.func('const char *nft_ctx_get_output_buffer(void *ctx)');
  const runCmd = nft.func('int nft_run_cmd_from_buffer(void *ctx, const char *buf)');
  const ctx = ctxNew(0);
  if (!ctx) throw new Error('libnftables: nft_ctx_new failed');
  // Errors and output go to buffers, read after each run, not to this process's stdio.
  bufferOutput(ctx);
  bufferError(ctx);
  // One call at a time: the context (and its cache) is not shared between threads.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    run(script) {
      const call = queue.then(
        () =>
          new Promise<string>((resolve, reject) =>
            runCmd.async(ctx, script, (err: unknown, rc: number) => {
              if (err) return reject(err instanceof Error ? err : new Error(String(err)));
              outputBuffer(ctx);
              const errors = String(errorBuffer(ctx) ?? '').trim();
              resolve(rc === 0 ? '' : errors || `nft exited ${rc}`);
            }),
          ),
      );
      queue = call.catch(() => undefined);
      return call;
    },
  };
}

const sameFile = (a: string, b: string) => {
  const x = statSync(a);
  const y = statSync(b);
  return x.ino === y.ino && x.dev === y.dev;
};

/** Runs nft scripts through libnftables in this process, for the namespace it runs in. */
export class LibnftablesRunner implements NftRunner {
  constructor(private readonly netns: string) {
    assertOwned(netns);
    if (!LibnftablesRunner.runsIn(netns))
      throw new Error(`libnftables: this process does not run in ${netns}`);
  }

  /** True when this process runs in the named namespace (the only one its calls can reach). */
  static runsIn(netns: string): boolean {
    try {
      return sameFile('/proc/self/ns/net', `/run/netns/${netns}`);
    } catch {
      return false;
    }
  }

  async run(netns: string, script: string): Promise<void> {
    if (netns !== this.netns || !LibnftablesRunner.runsIn(netns))
      throw new Error(`libnftables: asked for ${netns}, but this process runs in ${this.netns}`);
    library ??= loadLibrary();
    const error = await library.run(script);
    if (error) throw new Error(`nft: ${error}`);
  }
}

/**
 * The runner for a component that keeps tables in `netns`: libnftables when this process runs
 * there and the library loads, `nft -f` in a process otherwise (with the reason logged).
 */
export function nftRunnerFor(netns: string, log: (line: string) => void): NftRunner {
  if (!LibnftablesRunner.runsIn(netns)) return execNftRunner;
  try {
    library ??= loadLibrary();
    return new LibnftablesRunner(netns);
  } catch (e) {
    log(`libnftables unavailable, running nft per sync: ${e instanceof Error ? e.message : e}`);
    return execNftRunner;
  }
}
