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

/** The API server did not answer (the cluster is down, or its daemon died). */
export class ApiUnavailableError extends Error {
  readonly exitCode = 2;
}

interface Response {
  status: number;
  body: string;
}

export class HttpObjectClient implements ObjectClient {
  constructor(private readonly socketPath: string) {}

  private call(method: string, path: string, body?: unknown): Promise<Response> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          socketPath: this.socketPath,
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
      req.on('error', (e) =>
        reject(
          new ApiUnavailableError(
            `the API server at ${this.socketPath} does not answer (${(e as NodeJS.ErrnoException).code ?? e.message}); \`podnet up\` with the same --name starts it again`,
          ),
        ),
      );
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
    const list = await this.json<{ items?: T[] }>('GET', this.path(kind, namespace));
    const r = resourceForKind(kind)!;
    const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
    // Lists carry items without kind/apiVersion (as Kubernetes does): put them back for callers.
    return (list.items ?? []).map((o) => ({ ...o, kind, apiVersion }));
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
