// Host helpers the topology needs beyond src/host/netns.ts: `bridge -batch` (VXLAN FDB entries
// cannot be written with `ip`), several sysctls in one process, and ethtool. Candidates to move
// into src/host/ (they use only exec.ts and assertOwned).
import { exec, execCapture } from '../host/exec.js';
import { assertOwned } from '../host/netns.js';

/** Runs `bridge -n NETNS -batch -`: the FDB part of a plan in one process. */
export async function bridgeBatch(netns: string, script: string): Promise<void> {
  if (!script.trim()) return;
  assertOwned(netns);
  await exec(['bridge', '-n', netns, '-batch', '-'], { input: script });
}

/** Sets several sysctls inside a namespace with one `sysctl` process. */
export async function setSysctls(netns: string, pairs: [key: string, value: string][]): Promise<void> {
  if (pairs.length === 0) return;
  assertOwned(netns);
  // -e: a kernel without IPv6 has no net.ipv6 keys; skipping them is what we want there.
  await exec(['sysctl', '-q', '-e', '-w', ...pairs.map(([k, v]) => `${k}=${v}`)], { netns });
}

let ethtoolPresent: Promise<boolean> | undefined;

/** True when the ethtool program can be run (checked once per process). */
export function hasEthtool(): Promise<boolean> {
  ethtoolPresent ??= execCapture(['ethtool', '--version']).then(
    (r) => r.code === 0,
    () => false,
  );
  return ethtoolPresent;
}

/** `ethtool -K DEV tx off` inside a namespace. */
export async function disableTxOffload(netns: string, device: string): Promise<void> {
  assertOwned(netns);
  await exec(['ethtool', '-K', device, 'tx', 'off'], { netns });
}
