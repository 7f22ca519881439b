import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiUnavailableError, HttpObjectClient } from './http-client.js';

const servers: Server[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * A server on a Unix socket that answers a connection's first request and drops the connection
 * on its second, as a server does that closes an idle keep-alive connection just as the client
 * reuses it. `served` counts the requests answered.
 */
async function closingServer(): Promise<{ socket: string; served: () => number }> {
  const dir = mkdtempSync(join(tmpdir(), 'pn-httpc-'));
  dirs.push(dir);
  const socket = join(dir, 'api.sock');
  const seen = new WeakSet<object>();
  let served = 0;
  const server = createServer((req, res) => {
    if (seen.has(req.socket)) return req.socket.destroy();
    seen.add(req.socket);
    served++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ items: [{ metadata: { name: `n${served}` } }] }));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(socket, r));
  return { socket, served: () => served };
}

describe('HttpObjectClient', () => {
  it('sends a request again on a fresh connection when its kept-alive one was closed under it', async () => {
    const { socket, served } = await closingServer();
    const client = new HttpObjectClient(socket);
    expect((await client.list('Namespace')).map((n) => n.metadata.name)).toEqual(['n1']);
    // The pooled connection is reused and dropped by the server: the client must not fail.
    expect((await client.list('Namespace')).map((n) => n.metadata.name)).toEqual(['n2']);
    expect(served()).toBe(2);
  });

  it('reports a server that is not there as ApiUnavailableError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pn-httpc-'));
    dirs.push(dir);
    await expect(new HttpObjectClient(join(dir, 'none.sock')).list('Namespace')).rejects.toBeInstanceOf(
      ApiUnavailableError,
    );
  });
});
