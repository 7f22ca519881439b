// Every effect podnet-bridge has on the machine, behind one interface so the plugin's logic
// can be tested with a fake. The plugin runs inside the node's netns (the agent starts it
// with `ip netns exec NODE`), so node-side commands take no namespace; pod-side commands
// enter CNI_NETNS by path with nsenter, because `ip -n` only takes names and the spec gives
// a path. Helper for the lead: this is host code living in src/cni/ (src/host/ was off-limits).
import { readFile, readlink, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exec, execCapture } from '../../host/exec.js';
import { CniError, ErrorCode, parseCniError, type Result } from '../types.js';

export interface LinkInfo {
  ifindex: number;
  mac: string;
  master?: string;
}

export interface PodAddress {
  address: string;
}

export interface PodRoute {
  dst: string;
  gateway?: string;
}

export interface BridgeHost {
  /** True in the machine's own netns, where podnet must not add links or routes. */
  inRootNetns(): Promise<boolean>;
  netnsExists(path: string): Promise<boolean>;
  /** `ip -batch -` in the node netns (netns undefined) or inside the pod netns path. */
  ipBatch(netns: string | undefined, script: string): Promise<void>;
  /** Like ipBatch but "File exists" is success (the bridge is created by whichever ADD is first). */
  ipBatchIdempotent(script: string): Promise<void>;
  link(netns: string | undefined, name: string): Promise<LinkInfo | null>;
  /** Deletes a link if present; absent is not an error. */
  deleteLink(netns: string | undefined, name: string): Promise<void>;
  addresses(netns: string, ifName: string): Promise<string[]>;
  routes(netns: string, family: 4 | 6): Promise<PodRoute[]>;
  /**
   * ip_forward=1 in the node netns; with `redirectsOffOn` (a bridge: subnetViaGateway) also
   * send_redirects=0 for `all` and that bridge, as the kernel sends one if either says so.
   */
  enableForwarding(redirectsOffOn?: string): Promise<void>;
  /** Runs the IPAM plugin `type` found on `path` with the same env (but CNI_COMMAND) and stdin. */
  delegate(
    type: string,
    command: string,
    path: string[],
    env: Record<string, string | undefined>,
    stdin: string,
  ): Promise<Result | null>;
}

/**
 * net.ipv4.ip_forward=1 in this process's netns: /proc/sys/net is per network namespace (the
 * reader's), so a write does what `sysctl -w` does without its process (~2.3 ms measured).
 */
export async function enableForwarding(redirectsOffOn?: string): Promise<void> {
  await setProcSys('ipv4/ip_forward', '1');
  if (redirectsOffOn === undefined) return;
  // Pods of a subnetViaGateway bridge talk through the node, in and out of the bridge: without
  // this the node would tell them (ICMP redirect) to go direct, and they would learn on-link
  // routes to each other again.
  await setProcSys('ipv4/conf/all/send_redirects', '0');
  await setProcSys(`ipv4/conf/${redirectsOffOn}/send_redirects`, '0');
}

async function setProcSys(key: string, value: string): Promise<void> {
  const path = `/proc/sys/net/${key}`;
  if ((await readFile(path, 'utf8')).trim() !== value) await writeFile(path, `${value}\n`);
}

const inNetns = (netns: string | undefined, argv: string[]) =>
  netns ? ['nsenter', `--net=${netns}`, ...argv] : argv;

async function findPlugin(type: string, path: string[]): Promise<string> {
  for (const dir of path) {
    const p = join(dir, type);
    if (
      await stat(p).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return p;
  }
  throw new CniError(
    ErrorCode.InvalidNetworkConfig,
    `failed to find plugin "${type}" in path ${JSON.stringify(path)}`,
  );
}

export const execHost: BridgeHost = {
  async inRootNetns() {
    const [self, init] = await Promise.all([
      readlink('/proc/self/ns/net'),
      readlink('/proc/1/ns/net').catch(() => ''),
    ]);
    return self === init;
  },
  async netnsExists(path) {
    return (
      path !== '' &&
      (await stat(path).then(
        () => true,
        () => false,
      ))
    );
  },
  async ipBatch(netns, script) {
    if (script.trim()) await exec(inNetns(netns, ['ip', '-batch', '-']), { input: script });
  },
  async ipBatchIdempotent(script) {
    const r = await execCapture(['ip', '-batch', '-'], { input: script });
    if (r.code !== 0 && !/File exists/.test(r.stderr)) throw new Error(`ip -batch: ${r.stderr.trim()}`);
  },
  async link(netns, name) {
    const r = await execCapture(inNetns(netns, ['ip', '-j', '-d', 'link', 'show', 'dev', name]));
    if (r.code !== 0) return null;
    const [l] = JSON.parse(r.stdout) as Array<{ ifindex: number; address: string; master?: string }>;
    return l ? { ifindex: l.ifindex, mac: l.address, ...(l.master ? { master: l.master } : {}) } : null;
  },
  async deleteLink(netns, name) {
    const r = await execCapture(inNetns(netns, ['ip', 'link', 'del', 'dev', name]));
    if (r.code !== 0 && !/Cannot find device|does not exist|No such/.test(r.stderr)) {
      throw new Error(`deleting link ${name}: ${r.stderr.trim()}`);
    }
  },
  async addresses(netns, ifName) {
    const out = await exec(inNetns(netns, ['ip', '-j', 'address', 'show', 'dev', ifName]));
    const [l] = JSON.parse(out) as Array<{ addr_info: Array<{ local: string; prefixlen: number }> }>;
    return (l?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`);
  },
  async routes(netns, family) {
    const out = await exec(inNetns(netns, ['ip', '-j', `-${family}`, 'route', 'show']));
    return (JSON.parse(out) as Array<{ dst: string; gateway?: string }>).map((r) => ({
      dst: r.dst,
      ...(r.gateway ? { gateway: r.gateway } : {}),
    }));
  },
  async enableForwarding(redirectsOffOn) {
    await enableForwarding(redirectsOffOn);
  },
  async delegate(type, command, path, env, stdin) {
    const plugin = await findPlugin(type, path);
    const r = await execCapture([plugin], {
      input: stdin,
      env: { ...env, CNI_COMMAND: command } as NodeJS.ProcessEnv,
    });
    if (r.code !== 0) {
      throw (
        parseCniError(r.stdout) ??
        new CniError(
          ErrorCode.Internal,
          `IPAM plugin ${type} ${command} failed`,
          r.stderr.trim() || `exit ${r.code}`,
        )
      );
    }
    return command === 'ADD' ? (JSON.parse(r.stdout) as Result) : null;
  },
};
