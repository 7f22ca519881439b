// The built-in server, behaving like the e2e `agnhost netexec` (DESIGN.md §2): HTTP on every TCP
// port, datagram commands on every UDP port. Runs as the pod's unprivileged user inside the pod's
// network namespace; it only ever binds and answers, and `/dial` connects where a test asks it to.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { dial } from './dial.js';
import type { NetexecConfig } from './flags.js';

/** `ip:port` as Go's RemoteAddr prints it (IPv4-mapped IPv6 shown as IPv4). */
export function formatPeer(address: string | undefined, port: number | undefined): string {
  const a = (address ?? '').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
  return a.includes(':') ? `[${a}]:${port}` : `${a}:${port}`;
}

/** The answer to one UDP datagram, or undefined to stay silent (agnhost ignores unknown commands). */
export function answerDatagram(msg: string, podName: string, peer: string): string | undefined {
  const text = msg.trim();
  if (text === 'hostname') return podName;
  if (text === 'clientip') return peer;
  if (text === 'echo' || text.startsWith('echo ')) return text.slice(5);
  return undefined;
}

async function handleHttp(cfg: NetexecConfig, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://pod');
  const send = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  switch (url.pathname) {
    case '/hostname':
      return send(200, cfg.podName);
    case '/clientip':
      return send(200, formatPeer(req.socket.remoteAddress, req.socket.remotePort));
    case '/echo':
      return send(200, url.searchParams.get('msg') ?? '');
    case '/healthz':
      return send(200, 'ok');
    case '/exit': {
      const code = Number(url.searchParams.get('code') ?? '0');
      send(200, '');
      setTimeout(() => process.exit(Number.isInteger(code) ? code : 1), 10);
      return;
    }
    case '/dial':
      return send(200, JSON.stringify(await dial(url.searchParams)), 'application/json');
    default:
      return send(200, cfg.text ?? cfg.podName);
  }
}

function listenTcp(cfg: NetexecConfig, port: number): Promise<void> {
  const server = createServer((req, res) => {
    handleHttp(cfg, req, res).catch((e: Error) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(e.message);
    });
  });
  server.keepAliveTimeout = 5000;
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // One dual-stack socket (`::`) sees IPv4 clients as ::ffff:a.b.c.d; formatPeer undoes that.
    server.listen({ port, host: '::', ipv6Only: false }, () => resolve());
  }).catch(
    (e: NodeJS.ErrnoException) =>
      new Promise<void>((resolve, reject) => {
        // A pod netns with IPv6 disabled has no `::`; fall back to IPv4 only.
        if (e.code !== 'EAFNOSUPPORT' && e.code !== 'EADDRNOTAVAIL') return reject(e);
        server.once('error', reject);
        server.listen({ port, host: '0.0.0.0' }, () => resolve());
      }),
  );
}

function listenUdp(cfg: NetexecConfig, port: number): Promise<Socket> {
  const bind = (type: 'udp4' | 'udp6') =>
    new Promise<Socket>((resolve, reject) => {
      const sock = createSocket({ type, ipv6Only: false, reuseAddr: false });
      sock.on('message', (msg, rinfo) => {
        const reply = answerDatagram(
          msg.toString('utf8'),
          cfg.podName,
          formatPeer(rinfo.address, rinfo.port),
        );
        if (reply !== undefined) sock.send(reply, rinfo.port, rinfo.address);
      });
      sock.once('error', reject);
      sock.bind(port, type === 'udp6' ? '::' : '0.0.0.0', () => resolve(sock));
    });
  return bind('udp6').catch(() => bind('udp4'));
}

/**
 * Starts every listener; rejects if a port cannot be bound (the container then crashes, as
 * agnhost would). Resolves to the number of listeners: 0 when every declared port was skipped.
 */
export async function runNetexec(cfg: NetexecConfig, log: (line: string) => void): Promise<number> {
  for (const s of cfg.skipped)
    log(`netexec: skipping ${s.protocol} port ${s.port}: no ${s.protocol} sockets on this kernel`);
  for (const port of cfg.tcpPorts) {
    await listenTcp(cfg, port);
    log(`netexec: serving HTTP on TCP port ${port}`);
  }
  for (const port of cfg.udpPorts) {
    const sock = await listenUdp(cfg, port);
    log(`netexec: serving UDP on port ${(sock.address() as AddressInfo).port}`);
  }
  return cfg.tcpPorts.length + cfg.udpPorts.length;
}
