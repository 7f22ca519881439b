// The plugin side of the protocol: read CNI_* variables and the config on stdin, call the
// plugin's function for CNI_COMMAND, print the Result or the error as JSON on stdout.
// Environment and stdio are injected (containernetworking/cni pkg/skel's `dispatcher`), so
// tests drive it without a process. Pure: no I/O module is imported here.
import {
  asCniError,
  CniError,
  ErrorCode,
  SUPPORTED_VERSIONS,
  type Attachment,
  type NetConf,
  type Result,
} from './types.js';
import { atLeast, convertResult, requireSupported } from './version.js';

export type Command = 'ADD' | 'DEL' | 'CHECK' | 'VERSION' | 'STATUS' | 'GC';
const COMMANDS: readonly Command[] = ['ADD', 'DEL', 'CHECK', 'VERSION', 'STATUS', 'GC'];

export interface CmdArgs {
  command: Command;
  containerID: string;
  /** Path of the container's network namespace; may be empty for DEL. */
  netns: string;
  ifName: string;
  /** CNI_ARGS as key/value pairs (`K1=V1;K2=V2`). */
  args: Record<string, string>;
  /** CNI_PATH split on ':'. */
  path: string[];
  /** The raw config, for delegating to IPAM with the same bytes. */
  stdinData: string;
  config: NetConf;
  env: Record<string, string | undefined>;
}

export interface PluginFuncs {
  add(a: CmdArgs): Promise<Result>;
  del(a: CmdArgs): Promise<void>;
  check(a: CmdArgs): Promise<void>;
  status?(a: CmdArgs): Promise<void>;
  gc?(a: CmdArgs, valid: Attachment[]): Promise<void>;
}

export interface SkelIO {
  env: Record<string, string | undefined>;
  stdin: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

// Which variables each command needs (skel.go's table, as the 1.1.0 spec lists them).
const REQUIRED: Record<string, readonly Command[]> = {
  CNI_CONTAINERID: ['ADD', 'DEL', 'CHECK'],
  CNI_NETNS: ['ADD', 'CHECK'],
  CNI_IFNAME: ['ADD', 'DEL', 'CHECK'],
  CNI_PATH: ['ADD', 'DEL', 'CHECK', 'STATUS', 'GC'],
};

export function parseCniArgs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(';').filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new CniError(ErrorCode.InvalidEnvironment, 'invalid CNI_ARGS', `pair "${pair}" is not KEY=VALUE`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

function parseConfig(stdin: string): NetConf {
  let conf: unknown;
  try {
    conf = JSON.parse(stdin);
  } catch (e) {
    throw new CniError(ErrorCode.DecodingFailure, 'failed to decode network config', (e as Error).message);
  }
  if (typeof conf !== 'object' || conf === null || Array.isArray(conf)) {
    throw new CniError(ErrorCode.DecodingFailure, 'failed to decode network config', 'not a JSON object');
  }
  return conf as NetConf;
}

function validAttachments(conf: NetConf): Attachment[] {
  // libcni writes both names (cni issue #1101: the spec text once said cni.dev/attachments).
  const raw = conf['cni.dev/valid-attachments'] ?? conf['cni.dev/attachments'];
  if (raw === undefined) return [];
  if (
    !Array.isArray(raw) ||
    raw.some((a) => typeof a?.containerID !== 'string' || typeof a?.ifname !== 'string')
  ) {
    throw new CniError(
      ErrorCode.InvalidNetworkConfig,
      'invalid cni.dev/valid-attachments',
      'want [{containerID, ifname}]',
    );
  }
  return raw as Attachment[];
}

function versionInfo(stdin: string): string {
  let asked: string = '';
  try {
    asked = String((JSON.parse(stdin || '{}') as { cniVersion?: unknown }).cniVersion ?? '');
  } catch {
    // VERSION may be called with no config at all; the spec allows it.
  }
  const cniVersion = asked && (SUPPORTED_VERSIONS as readonly string[]).includes(asked) ? asked : '1.1.0';
  return JSON.stringify({ cniVersion, supportedVersions: SUPPORTED_VERSIONS });
}

/** Builds CmdArgs from the environment and stdin; throws CniError 4/6/1 on bad input. */
export function readArgs(io: SkelIO): CmdArgs {
  const cmd = io.env.CNI_COMMAND;
  if (!cmd) throw new CniError(ErrorCode.InvalidEnvironment, 'required env variables [CNI_COMMAND] missing');
  if (!COMMANDS.includes(cmd as Command)) {
    throw new CniError(ErrorCode.InvalidEnvironment, `unknown CNI_COMMAND: ${cmd}`);
  }
  const command = cmd as Command;
  const missing = Object.entries(REQUIRED)
    .filter(([name, cmds]) => cmds.includes(command) && !io.env[name])
    .map(([name]) => name);
  if (missing.length) {
    throw new CniError(ErrorCode.InvalidEnvironment, `required env variables [${missing.join(',')}] missing`);
  }
  const config = parseConfig(io.stdin);
  return {
    command,
    containerID: io.env.CNI_CONTAINERID ?? '',
    netns: io.env.CNI_NETNS ?? '',
    ifName: io.env.CNI_IFNAME ?? '',
    args: parseCniArgs(io.env.CNI_ARGS ?? ''),
    path: (io.env.CNI_PATH ?? '').split(':').filter((p) => p !== ''),
    stdinData: io.stdin,
    config,
    env: io.env,
  };
}

async function run(funcs: PluginFuncs, a: CmdArgs, version: string, io: SkelIO): Promise<void> {
  const needs = (min: string) => {
    if (!atLeast(version, min)) {
      throw new CniError(
        ErrorCode.IncompatibleVersion,
        `config version does not allow ${a.command}`,
        `needs ${min}, config is ${version}`,
      );
    }
  };
  switch (a.command) {
    case 'ADD':
      io.stdout(JSON.stringify(convertResult(await funcs.add(a), version)));
      return;
    case 'DEL':
      return funcs.del(a);
    case 'CHECK':
      needs('0.4.0');
      return funcs.check(a);
    case 'STATUS':
      needs('1.1.0');
      return funcs.status?.(a);
    case 'GC':
      needs('1.1.0');
      return funcs.gc?.(a, validAttachments(a.config));
    default:
      return;
  }
}

/**
 * Runs one plugin invocation and returns the exit code: 0 on success; on failure the error
 * is printed on stdout as `{cniVersion, code, msg, details}` and the code is 1.
 */
export async function dispatch(funcs: PluginFuncs, io: SkelIO): Promise<number> {
  let version = '1.1.0';
  try {
    if (io.env.CNI_COMMAND === 'VERSION') {
      io.stdout(versionInfo(io.stdin));
      return 0;
    }
    const a = readArgs(io);
    version = typeof a.config.cniVersion === 'string' ? a.config.cniVersion : version;
    requireSupported(a.config.cniVersion);
    await run(funcs, a, version, io);
    return 0;
  } catch (e) {
    const err = asCniError(e, `${io.env.CNI_COMMAND ?? 'command'} failed`);
    io.stdout(JSON.stringify(err.toJSON(version)));
    return 1;
  }
}
