// The runtime side (libcni's role): run a conflist's plugins for one attachment. ADD goes
// through the plugins in order, each receiving the previous one's result as prevResult; DEL
// goes in reverse order; CHECK, STATUS and GC follow libcni's rules (skipped when the list
// disables them or its version predates the verb). How a plugin is found and run is
// injected (PluginRunner), so ordering and config building are tested without processes.
import {
  CniError,
  ErrorCode,
  parseCniError,
  type Attachment,
  type NetConf,
  type NetConfList,
  type Result,
} from './types.js';
import { atLeast, negotiate } from './version.js';

export interface RuntimeConf {
  containerID: string;
  /** Path of the pod's netns, e.g. /run/netns/pn-podnet-pod-3. */
  netns: string;
  ifName: string;
  /** CNI_ARGS pairs (K8S_POD_NAMESPACE, K8S_POD_NAME, ...). */
  args?: Record<string, string>;
  /** Values for the plugins' declared capabilities (portMappings, ...), sent as runtimeConfig. */
  capabilityArgs?: Record<string, unknown>;
}

export interface PluginRun {
  plugin: string;
  env: Record<string, string>;
  stdin: string;
}

export interface PluginRunner {
  /** Absolute path of the plugin `type` on the CNI path; throws if absent. */
  find(type: string, cniPath: string[]): Promise<string>;
  /** Runs it (inside `netns` when given) and returns its exit code and output. */
  run(r: PluginRun, netns?: string): Promise<{ code: number; stdout: string; stderr: string }>;
}

export interface InvokerOptions {
  cniPath: string[];
  /** Run plugins inside this named netns (the node's), as `ip netns exec NS PLUGIN`. */
  netns?: string;
  runner: PluginRunner;
  /** Passed through to plugins (they need PATH to find ip, node, ...). */
  baseEnv?: Record<string, string>;
}

/** Parses and checks a conflist; throws CniError 6 (bad JSON) or 7 (bad shape). */
export function parseConflist(text: string): NetConfList {
  let list: NetConfList;
  try {
    list = JSON.parse(text) as NetConfList;
  } catch (e) {
    throw new CniError(ErrorCode.DecodingFailure, 'failed to decode conflist', (e as Error).message);
  }
  if (typeof list?.name !== 'string' || !list.name)
    throw new CniError(ErrorCode.InvalidNetworkConfig, 'conflist has no name');
  if (
    !Array.isArray(list.plugins) ||
    list.plugins.length === 0 ||
    list.plugins.some((p) => typeof p?.type !== 'string')
  ) {
    throw new CniError(
      ErrorCode.InvalidNetworkConfig,
      `conflist ${list.name}: "plugins" must be a non-empty list of {type, ...}`,
    );
  }
  negotiate(list);
  return list;
}

/** One plugin's stdin: its own fields plus the list's name and version, prevResult, runtimeConfig. */
export function buildPluginConf(
  list: NetConfList,
  index: number,
  rt: RuntimeConf | undefined,
  prevResult?: Result,
  extra: Record<string, unknown> = {},
): NetConf {
  const plugin = list.plugins[index];
  const conf: NetConf = { ...plugin, name: list.name, cniVersion: negotiate(list) };
  const caps = (plugin.capabilities ?? {}) as Record<string, boolean>;
  const runtimeConfig = Object.fromEntries(Object.entries(rt?.capabilityArgs ?? {}).filter(([k]) => caps[k]));
  if (Object.keys(runtimeConfig).length) conf.runtimeConfig = runtimeConfig;
  if (prevResult) conf.prevResult = prevResult;
  return { ...conf, ...extra };
}

export class Invoker {
  constructor(private readonly opts: InvokerOptions) {}

  private async exec(
    list: NetConfList,
    index: number,
    command: string,
    rt: RuntimeConf | undefined,
    conf: NetConf,
  ): Promise<string> {
    const type = list.plugins[index].type;
    const env: Record<string, string> = {
      ...(this.opts.baseEnv ?? {}),
      CNI_COMMAND: command,
      CNI_PATH: this.opts.cniPath.join(':'),
    };
    if (rt) {
      Object.assign(env, { CNI_CONTAINERID: rt.containerID, CNI_NETNS: rt.netns, CNI_IFNAME: rt.ifName });
      // IgnoreUnknown=1 as containerd and kubelet send it: the reference plugins reject unknown keys otherwise.
      const args = rt.args && Object.keys(rt.args).length ? { IgnoreUnknown: '1', ...rt.args } : {};
      env.CNI_ARGS = Object.entries(args)
        .map(([k, v]) => `${k}=${v}`)
        .join(';');
    }
    const plugin = await this.opts.runner.find(type, this.opts.cniPath);
    const r = await this.opts.runner.run({ plugin, env, stdin: JSON.stringify(conf) }, this.opts.netns);
    if (r.code !== 0) {
      const err = parseCniError(r.stdout);
      const where = `${list.name}: plugin ${type} ${command}`;
      if (err) throw new CniError(err.code, `${where}: ${err.msg}`, err.details);
      throw new CniError(
        ErrorCode.Internal,
        `${where} failed with exit ${r.code}`,
        (r.stderr || r.stdout).trim(),
      );
    }
    return r.stdout;
  }

  /** ADD through every plugin in order; returns the last plugin's Result. */
  async add(list: NetConfList, rt: RuntimeConf): Promise<Result> {
    let result: Result | undefined;
    for (let i = 0; i < list.plugins.length; i++) {
      const out = await this.exec(list, i, 'ADD', rt, buildPluginConf(list, i, rt, result));
      try {
        result = JSON.parse(out) as Result;
      } catch {
        throw new CniError(
          ErrorCode.DecodingFailure,
          `${list.name}: plugin ${list.plugins[i].type} ADD printed no Result`,
          out.slice(0, 200),
        );
      }
    }
    return result!;
  }

  /** DEL through the plugins in reverse order; prevResult is the ADD result when the caller kept it. */
  async del(list: NetConfList, rt: RuntimeConf, prevResult?: Result): Promise<void> {
    const prev = prevResult && atLeast(negotiate(list), '0.4.0') ? prevResult : undefined;
    for (let i = list.plugins.length - 1; i >= 0; i--)
      await this.exec(list, i, 'DEL', rt, buildPluginConf(list, i, rt, prev));
  }

  async check(list: NetConfList, rt: RuntimeConf, prevResult: Result): Promise<void> {
    if (list.disableCheck || !atLeast(negotiate(list), '0.4.0')) return;
    for (let i = 0; i < list.plugins.length; i++)
      await this.exec(list, i, 'CHECK', rt, buildPluginConf(list, i, rt, prevResult));
  }

  /** STATUS of every plugin (1.1.0+); throws the first plugin's error (codes 50/51). */
  async status(list: NetConfList): Promise<void> {
    if (!atLeast(negotiate(list), '1.1.0')) return;
    for (let i = 0; i < list.plugins.length; i++)
      await this.exec(list, i, 'STATUS', undefined, buildPluginConf(list, i, undefined));
  }

  /** GC (1.1.0+): every plugin learns which attachments are still valid. */
  async gc(list: NetConfList, valid: Attachment[]): Promise<void> {
    if (list.disableGC || !atLeast(negotiate(list), '1.1.0')) return;
    // Both spellings, as libcni does (containernetworking/cni#1101).
    const extra = { 'cni.dev/valid-attachments': valid, 'cni.dev/attachments': valid };
    for (let i = 0; i < list.plugins.length; i++)
      await this.exec(list, i, 'GC', undefined, buildPluginConf(list, i, undefined, undefined, extra));
  }

  /** VERSION of one plugin type: `{cniVersion, supportedVersions}`. */
  async version(
    type: string,
    cniVersion = '1.1.0',
  ): Promise<{ cniVersion: string; supportedVersions: string[] }> {
    const list: NetConfList = { cniVersion, name: 'version', plugins: [{ type }] };
    const out = await this.exec(list, 0, 'VERSION', undefined, { cniVersion } as NetConf);
    return JSON.parse(out) as { cniVersion: string; supportedVersions: string[] };
  }
}
