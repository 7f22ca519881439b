// Test-only DNS client over real sockets: queries built with dns-packet, sent over UDP or TCP
// to 127.0.0.1, replies decoded. Also a static index provider and a DnsRecord view of replies.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket, type Packet } from 'dns-packet';
import type { DnsIndex, DnsRecord } from '../records.js';
import type { DnsServerConfig } from './config.js';
import type { IndexProvider } from './server.js';

export type Reply = DecodedPacket & { rcode: string; opcode: string; raw: Buffer };

export interface QueryOptions {
  id?: number;
  /** EDNS0 UDP payload size; no OPT record when absent. */
  edns?: number;
  ednsVersion?: number;
  rd?: boolean;
}

export function queryPacket(name: string, type: string, o: QueryOptions = {}): Buffer {
  const packet: Packet = {
    type: 'query',
    id: o.id ?? 4242,
    flags: o.rd === false ? 0 : dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type: type as 'A' }],
    additionals:
      o.edns === undefined
        ? []
        : [
            {
              type: 'OPT',
              name: '.',
              udpPayloadSize: o.edns,
              extendedRcode: 0,
              ednsVersion: o.ednsVersion ?? 0,
              flags: 0,
              flag_do: false,
              options: [],
            },
          ],
  };
  return dnsPacket.encode(packet);
}

const decode = (raw: Buffer): Reply => ({ ...(dnsPacket.decode(raw) as Reply), raw });

/** Sends one datagram; resolves with the decoded reply, or null when none comes in `timeoutMs`. */
export function udpExchange(port: number, msg: Buffer, timeoutMs = 1000): Promise<Reply | null> {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    const timer = setTimeout(() => {
      sock.close();
      resolve(null);
    }, timeoutMs);
    sock.on('message', (raw) => {
      clearTimeout(timer);
      sock.close();
      try {
        resolve(decode(raw));
      } catch (e) {
        reject(e);
      }
    });
    sock.send(msg, port, '127.0.0.1');
  });
}

export async function udpQuery(
  port: number,
  name: string,
  type: string,
  o: QueryOptions = {},
): Promise<Reply> {
  const r = await udpExchange(port, queryPacket(name, type, o));
  if (!r) throw new Error(`no UDP reply to ${name} ${type}`);
  return r;
}

/** Sends several messages on one TCP connection (all at once: pipelined); resolves with every reply. */
export function tcpExchange(port: number, msgs: Buffer[], timeoutMs = 2000): Promise<Reply[]> {
  return new Promise((resolve, reject) => {
    const sock = connect({ port, host: '127.0.0.1' });
    const replies: Reply[] = [];
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`TCP: ${replies.length} of ${msgs.length} replies in ${timeoutMs} ms`));
    }, timeoutMs);
    sock.on('error', reject);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        replies.push(decode(buf.subarray(2, 2 + buf.readUInt16BE(0))));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
      }
      if (replies.length === msgs.length) {
        clearTimeout(timer);
        sock.end();
        resolve(replies);
      }
    });
    sock.write(
      Buffer.concat(
        msgs.flatMap((m) => {
          const len = Buffer.alloc(2);
          len.writeUInt16BE(m.length);
          return [len, m];
        }),
      ),
    );
  });
}

export async function tcpQuery(
  port: number,
  name: string,
  type: string,
  o: QueryOptions = {},
): Promise<Reply> {
  return (await tcpExchange(port, [queryPacket(name, type, o)]))[0];
}

/** A provider whose index the test swaps. */
export function staticIndex(
  index: DnsIndex | undefined,
): IndexProvider & { set(i: DnsIndex | undefined): void } {
  let current = index;
  return { current: () => current, set: (i) => (current = i) };
}

const abs = (n: string) => (n.endsWith('.') ? n : `${n}.`);

/** A decoded record as answer()'s DnsRecord (names absolute), for comparing the two. */
export function asRecord(a: Answer): DnsRecord {
  const base = { name: abs(a.name), type: a.type, ttl: 'ttl' in a ? (a.ttl ?? 0) : 0 };
  switch (a.type) {
    case 'SRV':
      return { ...base, data: `${a.data.priority} ${a.data.weight} ${a.data.port} ${abs(a.data.target)}` };
    case 'SOA': {
      const d = a.data;
      return {
        ...base,
        data: `${abs(d.mname)} ${abs(d.rname)} ${d.serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimum}`,
      };
    }
    case 'TXT': {
      const parts = (Array.isArray(a.data) ? a.data : [a.data]).map(String);
      return { ...base, data: parts.length === 1 ? parts[0] : parts };
    }
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return { ...base, data: abs(a.data) };
    default:
      return { ...base, data: String((a as { data: unknown }).data) };
  }
}

/** Records without the OPT pseudo-record. */
export const records = (rs: Answer[] | undefined) => (rs ?? []).filter((r) => r.type !== 'OPT').map(asRecord);

/** A server on 127.0.0.1 with ephemeral ports everywhere and a short upstream timeout. */
export function testConfig(over: Partial<DnsServerConfig> = {}): DnsServerConfig {
  return {
    dns: { zone: 'cluster.local', pods: 'disabled' },
    host: '127.0.0.1',
    port: 0,
    metricsPort: 0,
    healthPort: 0,
    readyPort: 0,
    upstreamTimeoutMs: 300,
    cacheSize: 10_000,
    ...over,
  };
}
