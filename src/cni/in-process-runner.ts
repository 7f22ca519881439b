// The agent's PluginRunner: podnet's own plugin types run inside the agent's process, through
// the same skel dispatcher (same CNI_* environment, stdin config and stdout result) as their
// executables in libexec/cni; any other type is executed as usual. Measured reason: starting a
// Node process costs ~40-70 ms, and an ADD of the executables starts two (bridge, then IPAM),
// ~190 ms in all against ~20 ms for the reference Go plugins (docs/benchmarks.md). The agent
// already runs inside the node's network namespace, which is where the plugin must act.
import { bridgePlugin } from './bridge/plugin.js';
import { execHost, type BridgeHost } from './bridge/host.js';
import { openDiskStore } from './host-local/disk-store.js';
import { hostLocalPlugin } from './host-local/plugin.js';
import type { PluginRunner } from './invoke.js';
import { dispatch, type PluginFuncs } from './skel.js';
import { CniError, ErrorCode, parseCniError, type Result } from './types.js';

const PREFIX = 'in-process:';

async function runFuncs(funcs: PluginFuncs, env: Record<string, string | undefined>, stdin: string) {
  let stdout = '';
  let stderr = '';
  const code = await dispatch(funcs, {
    env,
    stdin,
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

export function inProcessRunner(fallback: PluginRunner): PluginRunner {
  const hostLocal = hostLocalPlugin(openDiskStore);
  const host: BridgeHost = {
    ...execHost,
    // The bridge delegates IPAM per the spec; our own IPAM type is served in-process too.
    async delegate(type, command, path, env, stdin): Promise<Result | null> {
      if (type !== 'podnet-host-local') return execHost.delegate(type, command, path, env, stdin);
      const r = await runFuncs(hostLocal, { ...env, CNI_COMMAND: command }, stdin);
      if (r.code !== 0)
        throw (
          parseCniError(r.stdout) ??
          new CniError(ErrorCode.Internal, `IPAM plugin ${type} ${command} failed`, r.stderr.trim())
        );
      return r.stdout.trim() ? (JSON.parse(r.stdout) as Result) : null;
    },
  };
  const own: Record<string, PluginFuncs> = {
    'podnet-bridge': bridgePlugin(host),
    'podnet-host-local': hostLocal,
  };
  return {
    async find(type, cniPath) {
      return own[type] ? `${PREFIX}${type}` : fallback.find(type, cniPath);
    },
    async run(r, netns) {
      const type = r.plugin.startsWith(PREFIX) ? r.plugin.slice(PREFIX.length) : undefined;
      // In-process code cannot switch network namespace: with a netns, execute the plugin.
      if (!type || netns)
        return fallback.run(
          netns && type ? { ...r, plugin: await fallback.find(type, (r.env.CNI_PATH ?? '').split(':')) } : r,
          netns,
        );
      return runFuncs(own[type], r.env, r.stdin);
    },
  };
}
