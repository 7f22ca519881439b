// The upstream resolver, for names outside the served zones (CoreDNS plugin/forward): the
// request is relayed over the protocol it came in on, and the reply is taken only from the
// upstream's address and port, with our random id and the same question (RFC 5452 §9.1). No
// reply within the timeout (by default CoreDNS forward's read timeout, 2 s) rejects; the responder then
// answers SERVFAIL. The socket edge of the forward path.
import { randomInt } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { connect } from 'node:net';
import dnsPacket, { type Question } from 'dns-packet';
import { DEFAULT_UPSTREAM_TIMEOUT_MS, hostPort } from './config.js';
import type { Forwarded, Proto, Upstream } from './responder.js';

interface Pending {
  question: Question;
  clientId: number;
  resolve: (f: Forwarded) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** The reply matches the question asked (names compare case-insensitively: RFC 4343). */
function sameQuestion(reply: Buffer, question: Question): string | null {
  let packet;
  try {
    packet = dnsPacket.decode(reply);
  } catch {
    return null;
  }
  const q = packet.questions?.[0];
  const same = q && q.type === question.type && q.name.toLowerCase() === question.name.toLowerCase();
  return same ? ((packet as { rcode?: string }).rcode ?? 'NOERROR') : null;
}

/** `reply` with the id of the client's query. */
function withId(reply: Buffer, id: number): Buffer {
  const out = Buffer.from(reply);
  out.writeUInt16BE(id, 0);
  return out;
}

export class Forwarder implements Upstream {
  readonly address: string;
  private udp: Socket | undefined;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs = DEFAULT_UPSTREAM_TIMEOUT_MS,
  ) {
    this.address = hostPort({ host, port });
  }

  exchange(query: Buffer, question: Question, proto: Proto): Promise<Forwarded> {
    return proto === 'udp' ? this.overUdp(query, question) : this.overTcp(query, question);
  }

  /** Stops listening for replies; exchanges still pending reject. */
  close(): void {
    for (const [id, p] of this.pending) this.settle(id, p)?.reject(new Error('forwarder closed'));
    this.udp?.close();
    this.udp = undefined;
  }

  private overUdp(query: Buffer, question: Question): Promise<Forwarded> {
    const sock = this.socket();
    let id = randomInt(65536);
    while (this.pending.has(id)) id = randomInt(65536);
    const out = withId(query, id);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle(id, this.pending.get(id));
        reject(new Error(`no reply from ${this.address} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { question, clientId: query.readUInt16BE(0), resolve, reject, timer });
      sock.send(out, this.port, this.host, (err) => {
        if (err) this.settle(id, this.pending.get(id))?.reject(err);
      });
    });
  }

  private socket(): Socket {
    if (this.udp) return this.udp;
    const sock = createSocket(this.host.includes(':') ? 'udp6' : 'udp4');
    sock.on('message', (msg, rinfo) => this.onReply(msg, rinfo));
    sock.on('error', () => undefined); // a send error is reported to its exchange
    sock.unref();
    this.udp = sock;
    return sock;
  }

  private onReply(msg: Buffer, rinfo: RemoteInfo): void {
    if (rinfo.address !== this.host || rinfo.port !== this.port || msg.length < 12) return;
    const id = msg.readUInt16BE(0);
    const p = this.pending.get(id);
    const rcode = p && sameQuestion(msg, p.question);
    if (!p || !rcode) return; // not ours: keep waiting for the real reply
    this.settle(id, p)?.resolve({ reply: withId(msg, p.clientId), rcode });
  }

  private settle(id: number, p: Pending | undefined): Pending | undefined {
    if (!p) return undefined;
    clearTimeout(p.timer);
    this.pending.delete(id);
    return p;
  }

  /** One connection per exchange, 2-byte length framing (RFC 1035 §4.2.2). */
  private overTcp(query: Buffer, question: Question): Promise<Forwarded> {
    return new Promise((resolve, reject) => {
      const sock = connect({ host: this.host, port: this.port });
      let buf = Buffer.alloc(0);
      const fail = (e: Error) => {
        clearTimeout(timer);
        sock.destroy();
        reject(e);
      };
      const timer = setTimeout(
        () => fail(new Error(`no reply from ${this.address} within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      sock.on('error', fail);
      sock.on('close', () => fail(new Error(`${this.address} closed the connection`)));
      sock.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return;
        const reply = buf.subarray(2, 2 + buf.readUInt16BE(0));
        const rcode = sameQuestion(reply, question);
        if (!rcode) return fail(new Error(`${this.address} answered another question`));
        clearTimeout(timer);
        sock.removeAllListeners('close');
        sock.destroy();
        resolve({ reply: Buffer.from(reply), rcode });
      });
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      sock.write(Buffer.concat([len, query]));
    });
  }
}
