// The API server process edge, and the only node:http/https listener: HTTPS with bearer-token auth
// on 127.0.0.1:<port> (kubectl, through the kubeconfig written here) and plain HTTP on a Unix socket
// (podnet's own CLI; the socket file is 0600), and optionally a read socket for pods (0666, get,
// list and watch of a few kinds: read-access.ts). Everything behind the sockets is handleRequest().
import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SqlitePersister } from '../store/persist.js';
import { ObjectStore } from '../store/store.js';
import { admitCreate } from './admission.js';
import { ensureServingCerts } from './certs.js';
import { renderKubeconfig } from './kubeconfig.js';
import { findResource } from './resources.js';
import { readSocketDenial } from './read-access.js';
import { handleRequest, type RouterOptions } from './router.js';
import { unauthorized } from './status.js';
import type { ApiContext, ApiRequest, ApiResponse } from './types.js';

export interface ApiServerOptions {
  /** Holds store.db (SQLite), pki/, token-less kubeconfig and the socket; created if missing. */
  stateDir: string;
  /** Cluster name; the kubeconfig context is `podnet-<name>`. Default `podnet`. */
  name?: string;
  /** HTTPS port on 127.0.0.1; default 6443; 0 picks a free port. */
  port?: number;
  /** Unix socket for plain HTTP; default `<stateDir>/apiserver.sock`; null: none. */
  socketPath?: string | null;
  /**
   * A world-accessible Unix socket serving only reads of the objects cluster DNS needs
   * (read-access.ts), for pods that run as an unprivileged user; default: none.
   */
  readSocketPath?: string;
  /** Where to write the kubeconfig; default `<stateDir>/kubeconfig`. */
  kubeconfigPath?: string;
  /** Serve this store (in memory, not persisted) instead of `<stateDir>/store.db`. */
  store?: ObjectStore;
  /** Namespaces created at start when missing. Default: default, kube-system, kube-public, kube-node-lease. */
  namespaces?: string[];
  bookmarkIntervalMs?: number;
  /** Serves GET /metrics (authenticated, like kube-apiserver's). */
  metrics?: RouterOptions['metrics'];
}

export interface ApiServer {
  store: ObjectStore;
  /** https://127.0.0.1:<port> */
  url: string;
  port: number;
  socketPath?: string;
  kubeconfigPath: string;
  token: string;
  caCert: string;
  /** Stops listening, ends open watches, flushes and closes the database. */
  close(): Promise<void>;
}

const MAX_BODY = 3 * 1024 * 1024;
const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  mkdirSync(opts.stateDir, { recursive: true, mode: 0o700 });
  const persister = opts.store ? undefined : new SqlitePersister(opts.stateDir);
  const store = opts.store ?? new ObjectStore();
  if (persister) {
    persister.load(store);
    persister.attach(store);
  }
  const ctx: ApiContext = {
    store,
    flushed: persister ? () => persister.flushed() : undefined,
    now: () => new Date(),
    randomSuffix: () =>
      Array.from({ length: 5 }, () => SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)]).join(''),
    bookmarkIntervalMs: opts.bookmarkIntervalMs,
  };
  bootstrapNamespaces(ctx, opts.namespaces ?? ['default', 'kube-system', 'kube-public', 'kube-node-lease']);

  const certs = await ensureServingCerts(opts.stateDir);
  const token = randomBytes(32).toString('base64url');
  const tokenBuf = Buffer.from(`Bearer ${token}`);
  const authorized = (h: string | undefined) => {
    const got = Buffer.from(h ?? '');
    return got.length === tokenBuf.length && timingSafeEqual(got, tokenBuf);
  };

  let serverAddress = '127.0.0.1:0';
  type Access = 'token' | 'local' | 'read';
  const serve = (access: Access) => (req: http.IncomingMessage, res: http.ServerResponse) => {
    void respond(req, res, async (apiReq) => {
      if (access === 'token' && !PUBLIC_PATHS.has(apiReq.path) && !authorized(req.headers.authorization)) {
        const e = unauthorized();
        return { status: 401, contentType: 'application/json', body: JSON.stringify(e.status) };
      }
      const denied = access === 'read' ? readSocketDenial(apiReq) : undefined;
      if (denied)
        return { status: denied.code, contentType: 'application/json', body: JSON.stringify(denied) };
      return handleRequest(ctx, apiReq, { serverAddress, metrics: opts.metrics });
    });
  };

  const httpsServer = https.createServer({ cert: certs.cert, key: certs.key }, serve('token'));
  await listen(httpsServer, opts.port ?? 6443, '127.0.0.1');
  const port = (httpsServer.address() as AddressInfo).port;
  serverAddress = `127.0.0.1:${port}`;

  const socketPath =
    opts.socketPath === null ? undefined : (opts.socketPath ?? path.join(opts.stateDir, 'apiserver.sock'));
  let unixServer: http.Server | undefined;
  if (socketPath) {
    if (existsSync(socketPath)) rmSync(socketPath);
    unixServer = http.createServer(serve('local'));
    await listen(unixServer, socketPath);
    chmodSync(socketPath, 0o600);
  }
  let readServer: http.Server | undefined;
  if (opts.readSocketPath) {
    mkdirSync(path.dirname(opts.readSocketPath), { recursive: true, mode: 0o755 });
    if (existsSync(opts.readSocketPath)) rmSync(opts.readSocketPath);
    readServer = http.createServer(serve('read'));
    await listen(readServer, opts.readSocketPath);
    chmodSync(opts.readSocketPath, 0o666);
  }

  const url = `https://127.0.0.1:${port}`;
  const kubeconfigPath = opts.kubeconfigPath ?? path.join(opts.stateDir, 'kubeconfig');
  writeFileSync(
    kubeconfigPath,
    renderKubeconfig({ name: opts.name ?? 'podnet', server: url, caCertPem: certs.caCert, token }),
    { mode: 0o600 },
  );

  return {
    store,
    url,
    port,
    socketPath,
    kubeconfigPath,
    token,
    caCert: certs.caCert,
    close: async () => {
      await Promise.all([httpsServer, unixServer, readServer].map((s) => s && closeServer(s)));
      for (const p of [socketPath, opts.readSocketPath]) if (p && existsSync(p)) rmSync(p);
      persister?.close();
    },
  };
}

function bootstrapNamespaces(ctx: ApiContext, names: string[]): void {
  const r = findResource('', 'v1', 'namespaces')!;
  for (const name of names) {
    if (ctx.store.get('Namespace', undefined, name)) continue;
    ctx.store.create(admitCreate({ metadata: { name } }, { resource: r, randomSuffix: ctx.randomSuffix }));
  }
}

function listen(server: http.Server, portOrPath: number | string, host?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = () => {
      server.off('error', reject);
      resolve();
    };
    if (typeof portOrPath === 'string') server.listen(portOrPath, done);
    else server.listen(portOrPath, host, done);
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Reads the request, runs the handler, writes a plain or streaming (watch) response. */
async function respond(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  handler: (r: ApiRequest) => Promise<ApiResponse>,
): Promise<void> {
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > MAX_BODY) {
        res.writeHead(413, { 'Content-Type': 'application/json' }).end();
        return;
      }
      chunks.push(c as Buffer);
    }
    const u = new URL(req.url ?? '/', 'http://localhost');
    const bytes = Buffer.concat(chunks);
    const out = await handler({
      method: req.method ?? 'GET',
      path: u.pathname,
      query: u.searchParams,
      accept: req.headers.accept ?? '',
      contentType: req.headers['content-type'],
      body: bytes.toString('utf8'),
      bytes,
    });
    if ('body' in out) {
      res.writeHead(out.status, { 'Content-Type': out.contentType, ...out.headers });
      res.end(req.method === 'HEAD' ? undefined : out.body);
      return;
    }
    res.writeHead(out.status, { 'Content-Type': out.contentType, 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
    out.stream({
      write: (chunk) => void res.write(chunk),
      end: () => res.end(),
      onClose: (fn) => res.on('close', fn),
    });
  } catch (e) {
    if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
    res.end(String((e as Error)?.message ?? e));
  }
}
