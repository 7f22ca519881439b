// The DNS workload's flags (`workload.js dns ...`), in the Go `flag` forms the other built-in
// workloads take (workloads/flags.ts). Defaults are those of the Corefile Kubernetes installs:
// zone cluster.local, `pods insecure`, DNS on 53, metrics on 9153, health on 8080, ready on 8181.
// Pure.
import { FlagError, parseArgs } from '../../workloads/flags.js';
import { canonicalIP } from '../names.js';
import type { DnsOptions, PodsMode } from '../records.js';

export interface DnsServerConfig {
  dns: DnsOptions;
  /** Bind address; all addresses (dual-stack) when absent. */
  host?: string;
  port: number;
  /** null: not served. */
  metricsPort: number | null;
  healthPort: number | null;
  readyPort: number | null;
  upstream?: { host: string; port: number };
  upstreamTimeoutMs: number;
  /** Entries of the reply cache; 0 disables it. */
  cacheSize: number;
}

export interface DnsWorkloadConfig extends DnsServerConfig {
  /** The API server's read socket (flag --api-socket, else $PODNET_API_SOCKET). */
  apiSocket: string;
}

/** CoreDNS forward's read timeout: an upstream silent this long makes the answer SERVFAIL. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 2000;

const PODS_MODES: PodsMode[] = ['insecure', 'verified', 'disabled'];

/** `IP`, `IP:port`, `[IPv6]:port` or a bare IPv6 address; port 53 when none is given. */
export function parseUpstream(text: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:]+)(?::(\d+))?$/.exec(text);
  const [host, port] = m ? [m[1], m[2]] : [text, undefined];
  const ip = canonicalIP(host);
  const n = port === undefined ? 53 : Number(port);
  if (!ip || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new FlagError(`--upstream: want IP[:port] (IPv6 as [IP]:port), got "${text}"`);
  }
  return { host: ip, port: n };
}

/** `host:port`, IPv6 in brackets: how the upstream appears in logs and the `to` label. */
export const hostPort = (u: { host: string; port: number }) =>
  u.host.includes(':') ? `[${u.host}]:${u.port}` : `${u.host}:${u.port}`;

function port(flags: Map<string, string[]>, name: string, fallback: number): number | null {
  const text = flags.get(name)?.at(-1);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (n === -1) return null;
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new FlagError(`--${name}: invalid port "${text}"`);
  return n;
}

export function buildDnsConfig(
  args: string[],
  env: Record<string, string | undefined> = {},
): DnsWorkloadConfig {
  const { flags } = parseArgs(args);
  const last = (name: string) => flags.get(name)?.at(-1);
  const apiSocket = last('api-socket') ?? env.PODNET_API_SOCKET;
  if (!apiSocket) throw new FlagError('dns: --api-socket=PATH (the API server read socket) is required');
  const pods = (last('pods') ?? 'insecure') as PodsMode;
  if (!PODS_MODES.includes(pods)) throw new FlagError(`--pods: want ${PODS_MODES.join('|')}, got "${pods}"`);
  const upstream = last('upstream');
  const dnsPort = port(flags, 'port', 53);
  if (dnsPort === null) throw new FlagError('--port: the DNS port cannot be disabled');
  return {
    apiSocket,
    dns: { zone: last('zone') ?? 'cluster.local', pods },
    port: dnsPort,
    metricsPort: port(flags, 'metrics-port', 9153),
    healthPort: port(flags, 'health-port', 8080),
    readyPort: port(flags, 'ready-port', 8181),
    upstream: upstream ? parseUpstream(upstream) : undefined,
    upstreamTimeoutMs: DEFAULT_UPSTREAM_TIMEOUT_MS,
    cacheSize: 10_000,
  };
}
