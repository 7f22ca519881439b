// Network namespaces that podnet owns. Every name starts with `pn-` (DESIGN.md §2) so that
// `podnet down` and the tests' leak checks can find them all; this module refuses other names.
// Node cannot switch namespaces in-process, so the namespace is an explicit argument of every
// host call (`ip -n NS ...`, `ip netns exec NS ...`): containernetworking's netns.Do discipline.
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { exec, execCapture } from './exec.js';

export const OWNED_PREFIX = 'pn-';

export function assertOwned(name: string): void {
  if (!name.startsWith(OWNED_PREFIX) || !/^[a-zA-Z0-9_.-]{1,64}$/.test(name)) {
    throw new Error(
      `refusing to touch network namespace "${name}": podnet only manages names starting with ${OWNED_PREFIX}`,
    );
  }
}

export async function listNetns(prefix = OWNED_PREFIX): Promise<string[]> {
  const out = await exec(['ip', '-j', 'netns', 'list']).catch(() => '[]');
  const list = (out.trim() ? JSON.parse(out) : []) as { name: string }[];
  return list.map((n) => n.name).filter((n) => n.startsWith(prefix));
}

/** Creates the namespace with `lo` up; an existing one is an error (names are owned). */
export async function createNetns(name: string): Promise<void> {
  assertOwned(name);
  await exec(['ip', 'netns', 'add', name]);
  await exec(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
}

/** Deletes the namespace if it exists; links inside it go with it. */
export async function deleteNetns(name: string): Promise<void> {
  assertOwned(name);
  const r = await execCapture(['ip', 'netns', 'del', name]);
  if (r.code !== 0 && !/No such file|Invalid argument|not found/i.test(r.stderr)) {
    throw new Error(`deleting network namespace ${name}: ${r.stderr.trim()}`);
  }
}

/** Runs `ip -batch -` inside a namespace: the whole plan in one process. */
export async function ipBatch(netns: string | undefined, script: string): Promise<void> {
  if (!script.trim()) return;
  if (netns) assertOwned(netns);
  await exec(netns ? ['ip', '-n', netns, '-batch', '-'] : ['ip', '-batch', '-'], { input: script });
}

export async function setSysctl(netns: string, key: string, value: string): Promise<void> {
  assertOwned(netns);
  await exec(['sysctl', '-q', '-w', `${key}=${value}`], { netns });
}

export const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * PIDs of the processes whose network namespace is the named (owned) one: /proc/PID/ns/net
 * points at `net:[INODE]` of /run/netns/NAME. Used to find a pod's processes after the agent
 * that started them died; only ever applied to namespaces podnet owns.
 */
export function pidsInNetns(name: string): number[] {
  assertOwned(name);
  let inode: number;
  try {
    inode = statSync(`/run/netns/${name}`).ino;
  } catch {
    return [];
  }
  const want = `net:[${inode}]`;
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/ns/net`) === want) out.push(Number(entry));
    } catch {
      // the process is gone, or not ours to read
    }
  }
  return out;
}

/**
 * SIGKILLs every process left in a namespace podnet owns: the containers of a pod whose agent
 * died, before the sandbox is adopted or removed. A process left there would live on in a
 * deleted namespace.
 */
export function killProcessesIn(name: string): void {
  for (const pid of pidsInNetns(name)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
