// Wiring of the cluster DNS server: the responder behind a UDP and a TCP listener on the same
// port, the upstream when configured, and the HTTP endpoints; startClusterDns adds the index kept
// current from the API server (the built-in `dns` workload). Everything here only connects parts.
import { HttpObjectClient } from '../../client/http-client.js';
import type { DnsIndex } from '../records.js';
import { hostPort, type DnsServerConfig, type DnsWorkloadConfig } from './config.js';
import { Forwarder } from './forwarder.js';
import { listenHttp } from './http.js';
import { ApiIndexSource } from './index-source.js';
import { DnsMetrics } from './metrics.js';
import { Responder } from './responder.js';
import { listenTcp } from './tcp.js';
import { listenUdp, type Listener } from './udp.js';

/** Where the server's index comes from: the API (index-source.ts) or a fixed one (tests, benchmarks). */
export interface IndexProvider {
  current(): DnsIndex | undefined;
  /**
   * The serial of the last change of the current index that could alter an answer of `namespace`
   * (responder.ts); absent: any change drops every cached reply.
   */
  lastChange?(namespace: string): number;
}

export interface DnsServer {
  /** The bound ports (the configured ones, or what the kernel chose for 0). */
  port: number;
  tcpPort: number;
  metricsPort?: number;
  healthPort?: number;
  readyPort?: number;
  metrics: DnsMetrics;
  close(): Promise<void>;
}

/** `dns://:53`, the `server` label CoreDNS gives a server block without the bind plugin. */
export const serverLabel = (cfg: Pick<DnsServerConfig, 'host' | 'port'>) =>
  `dns://${cfg.host ? (cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host) : ''}:${cfg.port}`;

export function newMetrics(cfg: DnsServerConfig): DnsMetrics {
  return new DnsMetrics(serverLabel(cfg), cfg.upstream && hostPort(cfg.upstream));
}

/**
 * Binds UDP first (port 0 picks one), then TCP on the same port, then the HTTP endpoints;
 * whatever was started is closed again when a later step fails.
 */
export async function startDnsServer(
  cfg: DnsServerConfig,
  source: IndexProvider,
  metrics?: DnsMetrics,
): Promise<DnsServer> {
  const upstream = cfg.upstream && new Forwarder(cfg.upstream.host, cfg.upstream.port, cfg.upstreamTimeoutMs);
  const m = metrics ?? newMetrics(cfg);
  const responder = new Responder({
    dns: cfg.dns,
    index: () => source.current(),
    lastChange: source.lastChange?.bind(source),
    upstream,
    onServed: (s) => m.served(s),
    cacheSize: cfg.cacheSize,
  });
  const handle = (msg: Buffer, family: 4 | 6, proto: 'udp' | 'tcp') => responder.handle(msg, proto, family);
  const open: Listener[] = [];
  try {
    const udp = await listenUdp(cfg.host, cfg.port, (msg, family) => handle(msg, family, 'udp'));
    open.push(udp);
    const tcp = await listenTcp(cfg.host, udp.port, (msg, family) => handle(msg, family, 'tcp'));
    open.push(tcp);
    const [metricsL, healthL, readyL] = await listenHttp(cfg.host, {
      metricsPort: cfg.metricsPort,
      healthPort: cfg.healthPort,
      readyPort: cfg.readyPort,
      metrics: async () => ({ contentType: m.contentType, text: await m.text() }),
      ready: () => source.current() !== undefined,
    });
    for (const l of [metricsL, healthL, readyL]) if (l) open.push(l);
    return {
      port: udp.port,
      tcpPort: tcp.port,
      metricsPort: metricsL?.port,
      healthPort: healthL?.port,
      readyPort: readyL?.port,
      metrics: m,
      close: async () => {
        upstream?.close();
        await Promise.all(open.map((l) => l.close()));
      },
    };
  } catch (e) {
    upstream?.close();
    await Promise.all(open.map((l) => l.close()));
    throw e;
  }
}

/** The `dns` workload: the server fed by list+watch through the API server's read socket. */
export async function startClusterDns(
  cfg: DnsWorkloadConfig,
  log: (line: string) => void,
): Promise<DnsServer> {
  const metrics = newMetrics(cfg);
  let first = true;
  const source = new ApiIndexSource({
    client: new HttpObjectClient(cfg.apiSocket),
    dns: cfg.dns,
    log: (line) => log(`dns: ${line}`),
    onUpdated: (_, seconds) => metrics.indexUpdated(seconds),
    onBuilt: (index, seconds) => {
      metrics.indexBuilt(seconds);
      if (!first) return;
      first = false;
      log(
        `dns: first index built in ${(seconds * 1000).toFixed(0)} ms (${index.services.size} services); ready`,
      );
    },
  });
  source.start();
  try {
    const server = await startDnsServer(cfg, source, metrics);
    log(
      `dns: serving ${cfg.dns.zone} on UDP and TCP port ${server.port}` +
        (cfg.upstream ? `, other names via ${hostPort(cfg.upstream)}` : ', other names SERVFAIL'),
    );
    return {
      ...server,
      close: async () => {
        source.close();
        await server.close();
      },
    };
  } catch (e) {
    source.close();
    throw e;
  }
}
