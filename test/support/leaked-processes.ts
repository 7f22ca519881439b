// Vitest global setup: after the whole run, no process of podnet's may be left in a network
// namespace that no longer has a name. Every test checks its own namespaces, links and tables,
// but a process in a deleted namespace is invisible to those checks: nothing lists it, and
// nothing will ever stop it (an NFLOG reader of a SIGKILLed agent, the pods of a dead agent at
// `podnet down`, both found this way). podnet's processes are the ones running this checkout's
// dist/ and tcpdump on NFLOG; processes that were already there before the run are not this
// run's, and are only reported.
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isRoot } from '../../src/host/netns.js';

const DIST = join(import.meta.dirname, '..', '..', 'dist') + '/';

const commandLine = (pid: string) =>
  readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();

const isPodnets = (cmd: string) => cmd.includes(DIST) || /^tcpdump .*-i nflog:/.test(cmd);

/** `PID: command line` of podnet's processes in network namespaces without a name. */
function orphans(): string[] {
  const named = new Set<string>([readlinkSync('/proc/self/ns/net')]);
  for (const name of existsSync('/run/netns') ? readdirSync('/run/netns') : [])
    named.add(`net:[${statSync(join('/run/netns', name)).ino}]`);
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      if (named.has(readlinkSync(`/proc/${pid}/ns/net`))) continue;
      const cmd = commandLine(pid);
      if (isPodnets(cmd)) out.push(`${pid}: ${cmd}`);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export default function setup(): (() => void) | undefined {
  if (!isRoot()) return undefined; // only root tests start processes in namespaces
  const before = new Set(orphans());
  if (before.size)
    process.stderr.write(
      `\n*** processes left by an earlier run (not this one's):\n${[...before].join('\n')}\n`,
    );
  return () => {
    const left = orphans().filter((p) => !before.has(p));
    if (!left.length) return;
    // A throw here is only printed (vitest 4 keeps the exit code), so the code is set too.
    process.stderr.write(
      `\n*** FAIL: this run left processes in deleted network namespaces:\n${left.join('\n')}\n`,
    );
    process.exitCode = 1;
  };
}
