// kube-proxy's service health check server (pkg/proxy/healthcheck/service_health.go): for each
// Service with externalTrafficPolicy Local, an HTTP listener on the node's address at the
// Service's healthCheckNodePort answering 200 when this node has local endpoints and 503 when it
// has none, with a JSON body naming the Service and the count. Load balancers use it to send
// traffic only to nodes that keep the client's address and can serve it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { HealthCheckTarget } from '../dataplane/service-proxy/node-duties.js';

export class HealthCheckServers {
  private readonly servers = new Map<number, { server: http.Server; target: HealthCheckTarget }>();

  constructor(
    private readonly address: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Listens on exactly the ports of `targets`, with their current counts. */
  async sync(targets: Map<number, HealthCheckTarget>): Promise<void> {
    for (const [port, s] of this.servers) {
      if (targets.has(port)) continue;
      s.server.close();
      this.servers.delete(port);
    }
    for (const [port, target] of targets) {
      const existing = this.servers.get(port);
      if (existing) {
        existing.target = target;
        continue;
      }
      const entry = { server: http.createServer((_req, res) => this.answer(res, entry.target)), target };
      try {
        await listen(entry.server, port, this.address);
        this.servers.set(port, entry);
      } catch (e) {
        this.log(`health check port ${port} (${target.namespace}/${target.name}): ${(e as Error).message}`);
      }
    }
  }

  private answer(res: http.ServerResponse, t: HealthCheckTarget): void {
    const body = JSON.stringify({
      service: { namespace: t.namespace, name: t.name },
      localEndpoints: t.localEndpoints,
      serviceProxyHealthy: true,
    });
    res.writeHead(t.localEndpoints > 0 ? 200 : 503, {
      'Content-Type': 'application/json',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(body);
  }

  ports(): number[] {
    return [...this.servers.values()].map((s) => (s.server.address() as AddressInfo).port);
  }

  close(): void {
    for (const s of this.servers.values()) s.server.close();
    this.servers.clear();
  }
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
