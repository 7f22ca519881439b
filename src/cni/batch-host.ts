// The real BatchHost: `ip` in the node netns, pod scripts in a private temporary directory.
// The agent runs inside its node's netns, so by default commands take no namespace; given
// `nodeNetns`, they enter it with `nsenter --net=` (only the network namespace: `ip netns
// add` must run in the machine's mount namespace for the new netns to be visible, which
// `ip -n`/`ip netns exec` would not give). Helper for the lead: host code in src/cni/, as
// bridge/host.ts is.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec, execCapture } from '../host/exec.js';
import { assertOwned } from '../host/netns.js';
import type { BatchHost } from './batch.js';
import { enableForwarding, execHost } from './bridge/host.js';

export function execBatchHost(nodeNetns?: string): BatchHost {
  if (nodeNetns) assertOwned(nodeNetns);
  const ip = (...args: string[]) =>
    nodeNetns ? ['nsenter', `--net=/run/netns/${nodeNetns}`, 'ip', ...args] : ['ip', ...args];
  return {
    // With nodeNetns every command enters that (owned) netns, never the root one.
    inRootNetns: () => (nodeNetns ? Promise.resolve(false) : execHost.inRootNetns()),
    async netnsExists(name) {
      assertOwned(name);
      return stat(join('/run/netns', name)).then(
        () => true,
        () => false,
      );
    },
    async ipBatchIdempotent(script) {
      const r = await execCapture(ip('-batch', '-'), { input: script });
      if (r.code !== 0 && !/File exists/.test(r.stderr)) throw new Error(`ip -batch: ${r.stderr.trim()}`);
    },
    async withScratchDir(fn) {
      const dir = await mkdtemp(join(tmpdir(), 'pn-ipbatch-'));
      try {
        return await fn(dir);
      } finally {
        await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      }
    },
    async writeFiles(files) {
      await Promise.all(files.map((f) => writeFile(f.path, f.text, { mode: 0o600 })));
    },
    ipBatchJson: (script) => exec(ip('-j', '-batch', '-'), { input: script }),
    async ipBatchForce(script) {
      await execCapture(ip('-force', '-batch', '-'), { input: script });
    },
    async enableForwarding(redirectsOffOn) {
      if (!nodeNetns) return enableForwarding(redirectsOffOn);
      const off = redirectsOffOn
        ? ['net.ipv4.conf.all.send_redirects=0', `net.ipv4.conf.${redirectsOffOn}.send_redirects=0`]
        : [];
      await exec(['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1', ...off], { netns: nodeNetns });
    },
  };
}
