// The server's HTTP side, on CoreDNS's ports: /metrics on 9153 (plugin/metrics), /health on 8080
// (plugin/health: 200 "OK" while the process serves) and /ready on 8181 (plugin/ready: 200 "OK"
// once every plugin is ready, else 503 listing those that are not; here "kubernetes" until the
// first index is built). Other paths are 404.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Listener } from './udp.js';

export interface HttpEndpoints {
  metricsPort: number | null;
  healthPort: number | null;
  readyPort: number | null;
  metrics: () => Promise<{ contentType: string; text: string }>;
  ready: () => boolean;
}

type Route = (res: ServerResponse) => void | Promise<void>;

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) }).end(body);
}

async function serve(host: string | undefined, port: number, path: string, route: Route): Promise<Listener> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://dns');
    if (url.pathname !== path) return send(res, 404, '404 page not found\n');
    Promise.resolve(route(res)).catch((e: Error) => send(res, 500, `${e.message}\n`));
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(host ? { port, host } : { port }, () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Starts the configured endpoints (a null port: not served), in the order metrics, health, ready. */
export async function listenHttp(host: string | undefined, e: HttpEndpoints): Promise<(Listener | null)[]> {
  const routes: [number | null, string, Route][] = [
    [
      e.metricsPort,
      '/metrics',
      async (res) => {
        const m = await e.metrics();
        send(res, 200, m.text, m.contentType);
      },
    ],
    [e.healthPort, '/health', (res) => send(res, 200, 'OK')],
    [e.readyPort, '/ready', (res) => (e.ready() ? send(res, 200, 'OK') : send(res, 503, 'kubernetes'))],
  ];
  const out: (Listener | null)[] = [];
  try {
    for (const [port, path, route] of routes)
      out.push(port === null ? null : await serve(host, port, path, route));
  } catch (err) {
    await Promise.all(out.map((l) => l?.close()));
    throw err;
  }
  return out;
}
