// Flag parsing for the built-in workloads, in the Go `flag` package's forms that agnhost
// manifests use: `--name=value`, `-name=value`, `--name value`. Pure.
import type { DeclaredPort } from './images.js';

export interface ParsedArgs {
  /** Values by flag name, in order; repeated flags accumulate. */
  flags: Map<string, string[]>;
  positional: string[];
}

const BOOLEAN = new Set(['udp', 'http', 'tcp']);

export function parseArgs(args: string[]): ParsedArgs {
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  const add = (k: string, v: string) => flags.set(k, [...(flags.get(k) ?? []), v]);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const m = /^--?([a-zA-Z][\w-]*)(?:=(.*))?$/s.exec(a);
    if (!m) {
      positional.push(a);
    } else if (m[2] !== undefined) {
      add(m[1], m[2]);
    } else if (BOOLEAN.has(m[1]) || i + 1 >= args.length || args[i + 1].startsWith('-')) {
      add(m[1], 'true');
    } else {
      add(m[1], args[++i]);
    }
  }
  return { flags, positional };
}

export interface NetexecConfig {
  podName: string;
  tcpPorts: number[];
  udpPorts: number[];
  /** Declared ports that cannot be served here (SCTP: the kernel has no SCTP sockets). */
  skipped: DeclaredPort[];
  /** Body for paths other than the named endpoints (http-echo's `-text`); default the pod name. */
  text?: string;
}

export class FlagError extends Error {
  readonly code = 'FlagInvalid';
}

function ports(values: string[] | undefined, flag: string): number[] {
  const out: number[] = [];
  for (const v of values ?? []) {
    for (const part of v.split(',')) {
      const n = Number(part.trim());
      if (!Number.isInteger(n) || n < -1 || n > 65535)
        throw new FlagError(`--${flag}: invalid port "${part}"`);
      if (n > 0) out.push(n);
    }
  }
  return out;
}

/**
 * netexec's ports. With `--ports=JSON` (declared containerPorts) exactly those are served;
 * otherwise agnhost's defaults apply per protocol: HTTP on 8080 unless `--http-port` is given,
 * UDP on 8081 unless `--udp-port` is given (`-1` disables).
 */
export function buildNetexecConfig(args: string[], podName: string): NetexecConfig {
  const { flags } = parseArgs(args);
  const tcp = new Set<number>();
  const udp = new Set<number>();
  const skipped: DeclaredPort[] = [];
  const declared = flags.get('ports');
  if (declared) {
    for (const text of declared) {
      let list: unknown;
      try {
        list = JSON.parse(text);
      } catch {
        throw new FlagError(`--ports: not JSON: ${text}`);
      }
      if (!Array.isArray(list)) throw new FlagError('--ports: want a JSON list of {port, protocol}');
      for (const p of list as DeclaredPort[]) {
        const proto = (p.protocol ?? 'TCP').toUpperCase();
        if (proto === 'TCP') tcp.add(p.port);
        else if (proto === 'UDP') udp.add(p.port);
        else skipped.push({ port: p.port, protocol: proto as DeclaredPort['protocol'] });
      }
    }
  }
  const httpGiven = flags.has('http-port');
  const udpGiven = flags.has('udp-port');
  for (const p of ports(flags.get('http-port'), 'http-port')) tcp.add(p);
  for (const p of ports(flags.get('udp-port'), 'udp-port')) udp.add(p);
  if (!declared && !httpGiven) tcp.add(8080);
  if (!declared && !udpGiven) udp.add(8081);
  for (const p of ports(flags.get('sctp-port'), 'sctp-port')) skipped.push({ port: p, protocol: 'SCTP' });
  const text = flags.get('text')?.at(-1);
  return {
    podName,
    tcpPorts: [...tcp].sort((a, b) => a - b),
    udpPorts: [...udp].sort((a, b) => a - b),
    skipped,
    text,
  };
}

/** agnhost serve-hostname: HTTP (or, with `--udp`, UDP) on `--port` (default 9376). */
export function buildServeHostnameConfig(args: string[], podName: string): NetexecConfig {
  const { flags } = parseArgs(args);
  const port = ports(flags.get('port'), 'port')[0] ?? 9376;
  const useUdp = flags.get('udp')?.at(-1) === 'true';
  const useHttp = flags.get('http')?.at(-1) !== 'false';
  return {
    podName,
    tcpPorts: useUdp ? [] : useHttp ? [port] : [],
    udpPorts: useUdp ? [port] : [],
    skipped: [],
    text: podName,
  };
}
