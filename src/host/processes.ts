// Long-running processes that podnet starts (the daemon, node agents): detached, logged to a
// file, remembered by PID in the cluster's state directory, and stopped only by that PID.
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

export interface StartedProcess {
  pid: number;
  name: string;
}

/** Starts `argv` detached (own session), stdout and stderr appended to `logFile`; records the PID. */
export function startDetached(
  name: string,
  argv: string[],
  pidDir: string,
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
): StartedProcess {
  mkdirSync(pidDir, { recursive: true });
  const log = openSync(logFile, 'a');
  try {
    const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: ['ignore', log, log], env });
    if (child.pid === undefined) throw new Error(`could not start ${name}: ${argv.join(' ')}`);
    child.unref();
    writeFileSync(join(pidDir, `${name}.pid`), `${child.pid}\n`);
    return { pid: child.pid, name };
  } finally {
    closeSync(log);
  }
}

/** Alive and not a zombie (an orphan killed with -9 stays a zombie until PID 1 reaps it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // /proc/PID/stat: "pid (comm) STATE ..."; comm may contain spaces, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export function recordedProcesses(pidDir: string): StartedProcess[] {
  if (!existsSync(pidDir)) return [];
  return readdirSync(pidDir)
    .filter((f) => f.endsWith('.pid'))
    .map((f) => ({ name: f.slice(0, -4), pid: Number(readFileSync(join(pidDir, f), 'utf8').trim()) }))
    .filter((p) => Number.isInteger(p.pid) && p.pid > 1);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stops a recorded process by its PID: SIGTERM to its process group (it leads one, being
 * detached), then SIGKILL after `graceMs`. Never signals anything podnet did not record.
 */
export async function stopRecorded(pidDir: string, p: StartedProcess, graceMs = 3000): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-p.pid, sig);
    } catch {
      try {
        process.kill(p.pid, sig);
      } catch {
        // already gone
      }
    }
  };
  if (isAlive(p.pid)) {
    signal('SIGTERM');
    for (let waited = 0; waited < graceMs && isAlive(p.pid); waited += 50) await sleep(50);
    if (isAlive(p.pid)) signal('SIGKILL');
    for (let waited = 0; waited < 2000 && isAlive(p.pid); waited += 50) await sleep(50);
  }
  rmSync(join(pidDir, `${p.name}.pid`), { force: true });
}
