// The UDP edge: one socket, every datagram handed to the responder, its reply sent back to the
// sender. Bound dual-stack on `::` unless a host is given (IPv4 clients then appear as
// ::ffff:a.b.c.d), falling back to 0.0.0.0 where the namespace has no IPv6.
import { createSocket, type Socket } from 'node:dgram';
import type { Family } from './responder.js';

export type DatagramHandler = (msg: Buffer, family: Family) => Buffer | null | Promise<Buffer | null>;

export interface Listener {
  port: number;
  close(): Promise<void>;
}

/** An IPv4 client on a dual-stack socket is still an IPv4 client (the metrics' `family`). */
export function familyOf(address: string): Family {
  return address.includes(':') && !address.startsWith('::ffff:') ? 6 : 4;
}

function bind(type: 'udp4' | 'udp6', host: string, port: number, handle: DatagramHandler): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = createSocket({ type, ipv6Only: false });
    sock.on('message', (msg, rinfo) => {
      const reply = handle(msg, familyOf(rinfo.address));
      const send = (r: Buffer | null) => r && sock.send(r, rinfo.port, rinfo.address);
      if (reply instanceof Promise) void reply.then(send);
      else send(reply);
    });
    sock.once('error', reject);
    sock.bind(port, host, () => {
      sock.off('error', reject);
      // A send to a vanished client (ICMP unreachable) must not end the server.
      sock.on('error', () => undefined);
      resolve(sock);
    });
  });
}

export async function listenUdp(
  host: string | undefined,
  port: number,
  handle: DatagramHandler,
): Promise<Listener> {
  const sock = host
    ? await bind(host.includes(':') ? 'udp6' : 'udp4', host, port, handle)
    : await bind('udp6', '::', port, handle).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'EAFNOSUPPORT' && e.code !== 'EADDRNOTAVAIL') throw e;
        return bind('udp4', '0.0.0.0', port, handle);
      });
  return {
    port: (sock.address() as { port: number }).port,
    close: () => new Promise((resolve) => sock.close(() => resolve())),
  };
}
