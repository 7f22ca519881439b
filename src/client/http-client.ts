// ObjectClient over the API server's Unix socket (plain HTTP, no auth: the socket is mode 0600
// under the cluster's state directory). The podnet CLI and the node agents use it; Kubernetes
// Status errors come back as StoreErrors with the same reason, so callers use isNotFound etc.
import { request } from 'node:http';
import { objectPath } from '../apiserver/paths.js';
import { resourceForKind } from '../apiserver/resources.js';
import type { KubeObject } from '../api/types.js';
import type { ObjectClient } from '../store/client.js';
import type { DeleteOptions } from '../store/graceful.js';
import { StoreError, type StoreErrorReason } from '../store/errors.js';

/** A request written to a pooled connection the server had just closed (never read there). */
class StaleConnectionError extends Error {}

/** The API server did not answer (the cluster is down, or its daemon died). */
export class ApiUnavailableError extends Error {
  readonly exitCode = 2;
}

interface Response {
  status: number;
  body: string;
}

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
}

export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

export interface WatchEnd {
  reason: 'expired' | 'closed' | 'failed' | 'stopped';
  message?: string;
}

export interface WatchHandle {
  stop(): void;
  done: Promise<WatchEnd>;
}

interface Status {
  code?: number;
  reason?: string;
  message?: string;
}

const JSON_ACCEPT = { accept: 'application/json' };

function apiVersionOf(kind: string): string {
  const r = resourceForKind(kind);
  if (!r) throw new Error(`the API server does not serve kind ${kind}`);
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** A Status ending a watch: 410 Expired (in the stream or as the answer) means list again. */
function endOfStatus(s: Status): WatchEnd {
  if (s.code === 410 || s.reason === 'Expired' || s.reason === 'Gone') {
    return { reason: 'expired', message: s.message };
  }
  return { reason: 'failed', message: s.message ?? `HTTP ${s.code}` };
}

export class HttpObjectClient implements ObjectClient {
  constructor(private readonly socketPath: string) {}

  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    try {
      return await this.send(method, path, body);
    } catch (e) {
      // A kept-alive connection the server closed as idle just as this request went out: the
      // server never read the request, so it is sent again on a fresh connection (the race
      // Node's docs describe under `request.reusedSocket`; seen in CI as EPIPE).
      if (e instanceof StaleConnectionError) return this.send(method, path, body, true);
      throw e;
    }
  }

  /** `fresh`: on a new connection, not one from the keep-alive pool (which may hold more stale ones). */
  private send(method: string, path: string, body?: unknown, fresh = false): Promise<Response> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          socketPath: this.socketPath,
          ...(fresh ? { agent: false } : {}),
          method,
          path,
          // An explicit length: a DELETE body sent chunked is refused (400) by Node's HTTP server.
          headers: {
            accept: 'application/json',
            ...(payload
              ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
              : {}),
          },
        },
        (res) => {
          let data = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (data += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
        },
      );
      req.on('error', (e) => {
        const code = (e as NodeJS.ErrnoException).code;
        if (req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE'))
          return reject(new StaleConnectionError(code));
        reject(
          new ApiUnavailableError(
            `the API server at ${this.socketPath} does not answer (${code ?? e.message}); \`podnet up\` with the same --name starts it again`,
          ),
        );
      });
      req.end(payload);
    });
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await this.call(method, path, body);
    const parsed = r.body ? JSON.parse(r.body) : {};
    if (r.status >= 400) {
      const reason = (parsed.reason ?? 'Invalid') as StoreErrorReason;
      throw new StoreError(reason, parsed.message ?? `HTTP ${r.status}`);
    }
    return parsed as T;
  }

  private path(kind: string, namespace: string | undefined, name?: string, apiVersion?: string): string {
    const r = resourceForKind(kind, apiVersion);
    if (!r) throw new Error(`the API server does not serve kind ${kind}`);
    return objectPath(r, namespace, name);
  }

  /** Is the server up? (GET /version) */
  async ready(): Promise<boolean> {
    try {
      return (await this.call('GET', '/version')).status === 200;
    } catch {
      return false;
    }
  }

  async list<T extends KubeObject>(kind: string, namespace?: string): Promise<T[]> {
    return (await this.listWithVersion<T>(kind, namespace)).items;
  }

  /** A list and the resourceVersion it was read at: where a watch of the same kind starts. */
  async listWithVersion<T extends KubeObject>(kind: string, namespace?: string): Promise<ListResult<T>> {
    const list = await this.json<{ items?: T[]; metadata?: { resourceVersion?: string } }>(
      'GET',
      this.path(kind, namespace),
    );
    const apiVersion = apiVersionOf(kind);
    // Lists carry items without kind/apiVersion (as Kubernetes does): put them back for callers.
    const items = (list.items ?? []).map((o) => ({ ...o, kind, apiVersion }));
    return { items, resourceVersion: list.metadata?.resourceVersion ?? '0' };
  }

  /**
   * Streams the changes of a kind after `resourceVersion` (apiserver/watch.ts: JSON lines of
   * `{type, object}`, bookmarks asked for). Starting over is the caller's: `done` tells how the
   * stream ended, `expired` (410: the version is too old, list again), `closed` (the server
   * ended it normally: watch again from the last version seen), `failed` (no connection, a
   * refused request, or the connection dropped) or `stopped` (stop() was called).
   */
  watch<T extends KubeObject>(
    kind: string,
    resourceVersion: string,
    onEvent: (e: WatchEvent<T>) => void,
    namespace?: string,
  ): WatchHandle {
    const query = new URLSearchParams({ watch: '1', resourceVersion, allowWatchBookmarks: 'true' });
    const apiVersion = apiVersionOf(kind);
    let finish: (end: WatchEnd) => void = () => {};
    const done = new Promise<WatchEnd>((resolve) => {
      let ended = false;
      finish = (end) => {
        if (ended) return;
        ended = true;
        req.destroy();
        resolve(end);
      };
    });
    const req = request(
      { socketPath: this.socketPath, path: `${this.path(kind, namespace)}?${query}`, headers: JSON_ACCEPT },
      (res) => {
        let buf = '';
        res.setEncoding('utf8');
        const streaming = res.statusCode === 200; // otherwise the body is one Status
        res.on('data', (d: string) => {
          buf += d;
          if (!streaming) return;
          for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
            const line = buf.slice(0, i).trim();
            buf = buf.slice(i + 1);
            if (!line) continue;
            let e: WatchEvent<T>;
            try {
              e = JSON.parse(line) as WatchEvent<T>;
            } catch {
              return finish({ reason: 'failed', message: `not a watch event: ${line.slice(0, 80)}` });
            }
            if (e.type === 'ERROR') return finish(endOfStatus(e.object as unknown as Status));
            onEvent(e.type === 'BOOKMARK' ? e : { ...e, object: { ...e.object, kind, apiVersion } });
          }
        });
        res.on('end', () => {
          if (streaming) return finish({ reason: 'closed' });
          let status: Status = {};
          try {
            status = JSON.parse(buf) as Status;
          } catch {
            // not a Status body: the HTTP code says enough
          }
          finish(endOfStatus({ code: res.statusCode, ...status }));
        });
        res.on('close', () => finish({ reason: 'failed', message: 'the watch connection dropped' }));
      },
    );
    req.on('error', (e) =>
      finish({ reason: 'failed', message: (e as NodeJS.ErrnoException).code ?? e.message }),
    );
    req.end();
    return { stop: () => finish({ reason: 'stopped' }), done };
  }

  async get<T extends KubeObject>(
    kind: string,
    namespace: string | undefined,
    name: string,
  ): Promise<T | undefined> {
    try {
      return await this.json<T>('GET', this.path(kind, namespace, name));
    } catch (e) {
      if (e instanceof StoreError && e.reason === 'NotFound') return undefined;
      throw e;
    }
  }

  async create<T extends KubeObject>(obj: T): Promise<T> {
    return this.json<T>(
      'POST',
      this.path(obj.kind!, obj.metadata?.namespace, undefined, obj.apiVersion),
      obj,
    );
  }

  async update<T extends KubeObject>(obj: T): Promise<T> {
    return this.json<T>(
      'PUT',
      this.path(obj.kind!, obj.metadata?.namespace, obj.metadata?.name, obj.apiVersion),
      obj,
    );
  }

  /** PUT to the status subresource (what a kubelet does for pod status). */
  async updateStatus<T extends KubeObject>(obj: T): Promise<T> {
    return this.json<T>(
      'PUT',
      `${this.path(obj.kind!, obj.metadata?.namespace, obj.metadata?.name, obj.apiVersion)}/status`,
      obj,
    );
  }

  async delete(kind: string, namespace: string | undefined, name: string, opts: DeleteOptions = {}) {
    await this.json('DELETE', this.path(kind, namespace, name), {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      ...opts,
    });
  }
}
