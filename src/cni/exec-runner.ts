// The real PluginRunner: look the plugin up on CNI_PATH, run it with `ip netns exec` when a
// node netns is given (the plugin then sees that netns as its own, as kubelet's plugins see
// the host's). Effects only; the invoker's logic lives in invoke.ts.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { execCapture } from '../host/exec.js';
import { assertOwned } from '../host/netns.js';
import { parseConflist, type PluginRunner } from './invoke.js';
import { CniError, ErrorCode, type NetConfList } from './types.js';

export const execRunner: PluginRunner = {
  async find(type, cniPath) {
    if (!/^[A-Za-z0-9_.-]+$/.test(type))
      throw new CniError(ErrorCode.InvalidNetworkConfig, `invalid plugin type "${type}"`);
    for (const dir of cniPath) {
      const p = join(dir, type);
      if (
        await stat(p).then(
          (s) => s.isFile() && (s.mode & 0o111) !== 0,
          () => false,
        )
      )
        return p;
    }
    throw new CniError(
      ErrorCode.InvalidNetworkConfig,
      `failed to find plugin "${type}" in path ${JSON.stringify(cniPath)}`,
    );
  },
  async run(r, netns) {
    if (netns) assertOwned(netns);
    return execCapture([r.plugin], { input: r.stdin, env: r.env, netns, timeoutMs: 60_000 });
  },
};

export async function loadConflistFile(path: string): Promise<NetConfList> {
  return parseConflist(await readFile(path, 'utf8'));
}
