// The one place that runs other programs (STYLE: node:child_process only here and in the pod
// process supervisor). Every call names what it was doing, so a failure reads as a sentence.
import { spawn } from 'node:child_process';

export interface ExecOptions {
  /** Text for the program's standard input. */
  input?: string;
  /** Run inside this network namespace (`ip netns exec NS ...`). */
  netns?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
}

export class ExecError extends Error {
  constructor(
    readonly command: string[],
    readonly result: ExecResult,
  ) {
    super(`${command.join(' ')}: exit ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
}

/** Runs a program and resolves with its output, whatever its exit code. */
export function execCapture(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const full = opts.netns ? ['ip', 'netns', 'exec', opts.netns, ...argv] : argv;
  return new Promise((resolve, reject) => {
    const child = spawn(full[0], full.slice(1), {
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(new Error(`${full[0]}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ stdout, stderr: signal ? `${stderr}killed by ${signal}` : stderr, code: code ?? 128 });
    });
    // A program that exits without reading its input closes the pipe first: that EPIPE is not
    // an error of ours (its exit code tells what happened), and unhandled it would crash us.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs a program; rejects with ExecError unless it exits 0. */
export async function exec(argv: string[], opts: ExecOptions = {}): Promise<string> {
  const r = await execCapture(argv, opts);
  if (r.code !== 0) throw new ExecError(opts.netns ? ['ip', 'netns', 'exec', opts.netns, ...argv] : argv, r);
  return r.stdout;
}
