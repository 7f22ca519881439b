// The TCP edge (RFC 7766): each message has a 2-byte length prefix (RFC 1035 §4.2.2), a client
// may send several queries on one connection and pipeline them, and replies may come back out
// of order (§6.2.1.1; the client matches them by id). Idle connections close after 8 s, the
// idle timeout of miekg/dns that CoreDNS serves with.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { familyOf, type DatagramHandler, type Listener } from './udp.js';

export const TCP_IDLE_MS = 8000;

function serveConnection(sock: Socket, handle: DatagramHandler, idleMs: number): void {
  const family = familyOf(sock.remoteAddress ?? '');
  let buf: Buffer = Buffer.alloc(0);
  const send = (reply: Buffer | null) => {
    if (!reply || sock.destroyed) return;
    const len = Buffer.alloc(2);
    len.writeUInt16BE(reply.length);
    sock.write(Buffer.concat([len, reply]));
  };
  sock.setTimeout(idleMs, () => sock.end());
  sock.on('error', () => sock.destroy());
  sock.on('data', (d: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
      buf = buf.subarray(2 + msg.length);
      const reply = handle(msg, family);
      if (reply instanceof Promise) void reply.then(send);
      else send(reply);
    }
  });
}

export async function listenTcp(
  host: string | undefined,
  port: number,
  handle: DatagramHandler,
  idleMs = TCP_IDLE_MS,
): Promise<Listener> {
  const open = new Set<Socket>();
  const server = createServer((sock) => {
    open.add(sock);
    sock.on('close', () => open.delete(sock));
    serveConnection(sock, handle, idleMs);
  });
  const listen = (opts: { port: number; host: string; ipv6Only?: boolean }) =>
    new Promise<Server>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  if (host) await listen({ port, host });
  else {
    await listen({ port, host: '::', ipv6Only: false }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EAFNOSUPPORT' && e.code !== 'EADDRNOTAVAIL') throw e;
      return listen({ port, host: '0.0.0.0' });
    });
  }
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Open connections would keep close() waiting for their idle timeout.
        for (const s of open) s.destroy();
      }),
  };
}
