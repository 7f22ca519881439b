// The pod process supervisor (STYLE allows node:child_process here): starts one container as a
// process inside the pod's netns as an unprivileged user, restarts it per restartPolicy with
// back-off, and stops it by its process group. Each container leads its own process group
// (spawn `detached`), so signalling -PGID reaches whatever it forked and nothing else.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { execCapture, type ExecResult } from '../host/exec.js';
import { assertOwned } from '../host/netns.js';
import { buildSandboxArgv, NOBODY, type PodUser } from './argv.js';
import {
  backoffDelayMs,
  KUBELET_BACKOFF,
  shouldRestart,
  type BackoffConfig,
  type RestartPolicy,
} from './restart.js';

export interface ContainerSpec {
  /** The pod's network namespace (must start with `pn-`). */
  netns: string;
  name: string;
  /** The program inside the sandbox (see buildWorkloadArgv). */
  argv: string[];
  env: Record<string, string>;
  logFile: string;
  user?: PodUser;
  restartPolicy?: RestartPolicy;
  backoff?: BackoffConfig;
}

/** Kubernetes' ContainerState shape. */
export type ContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | {
      terminated: {
        exitCode: number;
        signal?: string;
        reason: string;
        startedAt: string;
        finishedAt: string;
      };
    };

export interface ContainerStatus {
  name: string;
  state: ContainerState;
  lastState?: ContainerState;
  restartCount: number;
  pid?: number;
}

export type ContainerEvent =
  | { type: 'started'; pid: number }
  | { type: 'exited'; exitCode: number | null; signal: string | null; restarting: boolean };

export class ContainerProcess {
  private child?: ChildProcess;
  private state: ContainerState = { waiting: { reason: 'ContainerCreating' } };
  private lastState?: ContainerState;
  private restartCount = 0;
  private crashes = 0;
  private startedAt = 0;
  private restartTimer?: NodeJS.Timeout;
  private stopping = false;
  private exited?: Promise<void>;
  private readonly listeners: ((e: ContainerEvent) => void)[] = [];

  constructor(readonly spec: ContainerSpec) {
    assertOwned(spec.netns);
  }

  onEvent(listener: (e: ContainerEvent) => void): void {
    this.listeners.push(listener);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  status(): ContainerStatus {
    return {
      name: this.spec.name,
      state: this.state,
      lastState: this.lastState,
      restartCount: this.restartCount,
      pid: this.child?.pid,
    };
  }

  /** Spawns the process; resolves once it runs (or has failed to, which schedules a restart). */
  start(): Promise<void> {
    this.stopping = false;
    return this.spawnOnce();
  }

  private async spawnOnce(): Promise<void> {
    const { spec } = this;
    mkdirSync(dirname(spec.logFile), { recursive: true });
    // Append, so that restarts keep the previous runs' output in the same file.
    const fd = openSync(spec.logFile, 'a', 0o640);
    const argv = buildSandboxArgv(spec.netns, spec.user ?? NOBODY, spec.argv);
    let child: ChildProcess;
    try {
      child = spawn(argv[0], argv.slice(1), { detached: true, stdio: ['ignore', fd, fd], env: spec.env });
    } finally {
      closeSync(fd);
    }
    this.child = child;
    this.startedAt = Date.now();
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve(this.onExit(child, code, signal))),
    );
    return new Promise((resolve) => {
      child.once('spawn', () => {
        this.state = { running: { startedAt: new Date(this.startedAt).toISOString() } };
        this.emit({ type: 'started', pid: child.pid! });
        resolve();
      });
      // ENOENT for `ip` itself: no 'exit' follows, so report it as one (127, as a shell would).
      child.on('error', () => {
        if (child.pid === undefined) child.emit('exit', 127, null);
        resolve();
      });
    });
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    // Whatever the container forked dies with it, as in a PID namespace; the group is still ours
    // (a PGID is not reused while any member lives).
    if (child.pid) killGroup(child.pid, 'SIGKILL');
    const exitCode = code ?? 128 + signalNumber(signal);
    this.lastState = undefined;
    this.state = {
      terminated: {
        exitCode,
        signal: signal ?? undefined,
        reason: exitCode === 0 ? 'Completed' : 'Error',
        startedAt: new Date(this.startedAt).toISOString(),
        finishedAt: new Date().toISOString(),
      },
    };
    const restarting = !this.stopping && shouldRestart(this.spec.restartPolicy ?? 'Always', code);
    this.emit({ type: 'exited', exitCode: code, signal, restarting });
    if (!restarting) return;
    const b = backoffDelayMs(
      this.crashes + 1,
      Date.now() - this.startedAt,
      this.spec.backoff ?? KUBELET_BACKOFF,
    );
    this.crashes = b.crashes;
    this.lastState = this.state;
    this.state = {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off ${b.delayMs}ms restarting failed container ${this.spec.name}`,
      },
    };
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      this.restartCount++;
      this.spawnOnce().catch((e: Error) => {
        this.state = { waiting: { reason: 'RunContainerError', message: e.message } };
      });
    }, b.delayMs);
  }

  /** Kills the running process (liveness failure); restartPolicy decides what follows. */
  async kill(graceMs: number): Promise<void> {
    await this.terminate(graceMs);
  }

  /** SIGTERM to the process group, SIGKILL after `graceMs`; no restart follows. */
  async stop(graceMs = 30_000): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    await this.terminate(graceMs);
  }

  private async terminate(graceMs: number): Promise<void> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    const exited = this.exited!;
    killGroup(child.pid, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      exited.then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      killGroup(child.pid, 'SIGKILL');
      await exited;
    }
  }

  private emit(e: ContainerEvent): void {
    for (const l of this.listeners) l(e);
  }
}

/** Signals a process group we created (its PGID is the leader's PID); a vanished group is fine. */
export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new Error(`refusing to signal process group ${pgid}`);
  try {
    process.kill(-pgid, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const table: Record<string, number> = {
    SIGHUP: 1,
    SIGINT: 2,
    SIGQUIT: 3,
    SIGABRT: 6,
    SIGKILL: 9,
    SIGSEGV: 11,
    SIGPIPE: 13,
    SIGTERM: 15,
  };
  return signal ? (table[signal] ?? 0) : 0;
}

/** `podnet exec POD -- CMD` (captured): CMD in the pod's netns as the pod's user. */
export function execInPod(
  netns: string,
  argv: string[],
  opts: { user?: PodUser; input?: string; timeoutMs?: number } = {},
): Promise<ExecResult> {
  assertOwned(netns);
  return execCapture(buildSandboxArgv(netns, opts.user ?? NOBODY, argv), {
    input: opts.input,
    timeoutMs: opts.timeoutMs,
    env: execEnv(),
  });
}

/** Interactive `podnet exec`: the caller's terminal is the command's (stdio inherited). */
export function spawnInPod(
  netns: string,
  argv: string[],
  opts: { user?: PodUser; stdio?: StdioOptions } = {},
): ChildProcess {
  assertOwned(netns);
  const full = buildSandboxArgv(netns, opts.user ?? NOBODY, argv);
  return spawn(full[0], full.slice(1), { stdio: opts.stdio ?? 'inherit', env: execEnv() });
}

function execEnv(): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: '/',
    TERM: process.env.TERM ?? 'dumb',
  };
}
