// DNS messages of the server, as bytes in and bytes out: classify a request the way CoreDNS's
// server does (miekg/dns acceptfunc.go DefaultMsgAcceptFunc and server.go serveDNS), and encode
// replies from answer()'s DnsResponse. The codec is dns-packet; by hand only the header is read
// (a request is classified before, and even when, its body fails to decode: RFC 1035 §4.1.1) and
// the fields a stored reply varies in are written (id, the RD/CD flags, and the SOA serials whose
// offsets soa-offsets.ts finds). Pure.
import dnsPacket, { type Answer, type DecodedPacket, type OptAnswer, type Question } from 'dns-packet';
import type { DnsRecord, DnsResponse } from '../records.js';

/** RFC 1035 §4.2.1: UDP replies carry at most 512 bytes unless EDNS0 allows more. */
export const MIN_UDP_SIZE = 512;
/** The largest DNS message (RFC 1035 §4.2.2: TCP messages have a 16-bit length prefix). */
export const MAX_MESSAGE_SIZE = 65535;
/** The UDP payload size we advertise in our OPT record (DNS Flag Day 2020's 1232 bytes). */
export const OUR_UDP_SIZE = 1232;

const HEADER_SIZE = 12;
const QR = 1 << 15;
const OPCODE_SHIFT = 11;
const RD = dnsPacket.RECURSION_DESIRED;
const CD = dnsPacket.CHECKING_DISABLED;
const TC = dnsPacket.TRUNCATED_RESPONSE;
const AA = dnsPacket.AUTHORITATIVE_ANSWER;
/** RFC 6891 §6.1.3: the extended rcode 16 (BADVERS) sits as 1 in the OPT's upper rcode bits. */
const BADVERS_HIGH_BITS = 16 >> 4;

const RCODE: Record<string, number> = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
};
export type ReplyRcode = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED' | 'BADVERS';

/** EDNS0 of a request (RFC 6891 §6.1.2): the requester's UDP payload size, DO bit and version. */
export interface Edns {
  udpSize: number;
  do: boolean;
  version: number;
}

/** A request that gets an answer. `flags` holds only the bits a reply copies (RD, CD). */
export interface Query {
  kind: 'query';
  id: number;
  flags: number;
  question: Question;
  edns: Edns | null;
}

/** A request answered with a header-only error (miekg/dns server.go: Ns, Answer, Extra dropped). */
export interface Rejected {
  kind: 'reject';
  id: number;
  /** opcode and the copied RD/CD bits, shifted as in the header */
  flags: number;
  rcode: 'FORMERR' | 'NOTIMP';
  why: string;
}

/** A message that gets no reply: too short for a header, or itself a response. */
export interface Dropped {
  kind: 'drop';
  why: string;
}

export type Request = Query | Rejected | Dropped;

/**
 * Reads one request. The order is miekg/dns DefaultMsgAcceptFunc's: responses are ignored,
 * opcodes other than QUERY get NOTIMP (we are no secondary, so NOTIFY too), a question count
 * other than 1 or more records than a query can carry get FORMERR; then the whole message must
 * decode, and at most one OPT may be present (RFC 6891 §6.1.1).
 */
export function parseRequest(msg: Buffer): Request {
  if (msg.length < HEADER_SIZE) return { kind: 'drop', why: `${msg.length} bytes cannot hold a DNS header` };
  const id = msg.readUInt16BE(0);
  const header = msg.readUInt16BE(2);
  if (header & QR) return { kind: 'drop', why: 'the message is a response' };
  const opcode = (header >> OPCODE_SHIFT) & 0xf;
  const flags = (opcode << OPCODE_SHIFT) | (header & (RD | CD));
  const reject = (rcode: Rejected['rcode'], why: string): Rejected => ({
    kind: 'reject',
    id,
    flags,
    rcode,
    why,
  });
  if (opcode !== 0) return reject('NOTIMP', `opcode ${opcode} is not implemented (only QUERY)`);
  const [qd, an, ns, ar] = [4, 6, 8, 10].map((o) => msg.readUInt16BE(o));
  if (qd !== 1) return reject('FORMERR', `${qd} questions (exactly one is allowed)`);
  if (an > 1 || ns > 1 || ar > 2)
    return reject('FORMERR', `too many records for a query (${an}/${ns}/${ar})`);
  let packet: DecodedPacket;
  try {
    packet = dnsPacket.decode(msg);
  } catch (e) {
    return reject('FORMERR', `undecodable: ${(e as Error).message}`);
  }
  const opts = (packet.additionals ?? []).filter((a): a is OptAnswer => a.type === 'OPT');
  if (opts.length > 1) return reject('FORMERR', 'more than one OPT record');
  const opt = opts[0];
  const edns = opt
    ? {
        udpSize: Math.max(MIN_UDP_SIZE, opt.udpPayloadSize),
        do: (opt.flags & dnsPacket.DNSSEC_OK) !== 0,
        version: opt.ednsVersion,
      }
    : null;
  return { kind: 'query', id, flags: header & (RD | CD), question: packet.questions![0], edns };
}

/** The most a UDP reply to this query may carry (RFC 6891 §6.2.5: less than 512 counts as 512). */
export function udpLimit(q: Query): number {
  return Math.min(q.edns?.udpSize ?? MIN_UDP_SIZE, MAX_MESSAGE_SIZE);
}

/** Our OPT record for a reply to an EDNS query: version 0, the DO bit echoed (RFC 3225 §3). */
function optRecord(edns: Edns, extendedRcode = 0): OptAnswer {
  return {
    type: 'OPT',
    name: '.',
    udpPayloadSize: OUR_UDP_SIZE,
    extendedRcode,
    ednsVersion: 0,
    flags: edns.do ? dnsPacket.DNSSEC_OK : 0,
    flag_do: edns.do,
    options: [],
  };
}

/** One record of answer()'s shape in dns-packet's shape (class IN). */
export function toAnswer(r: DnsRecord): Answer {
  const base = { name: r.name, ttl: r.ttl, class: 'IN' as const };
  const text = String(r.data);
  switch (r.type) {
    case 'A':
    case 'AAAA':
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return { ...base, type: r.type, data: text };
    case 'TXT':
      return { ...base, type: 'TXT', data: r.data };
    case 'SRV': {
      const [priority, weight, port, target] = text.split(' ');
      return { ...base, type: 'SRV', data: { priority: +priority, weight: +weight, port: +port, target } };
    }
    case 'SOA': {
      const [mname, rname, serial, refresh, retry, expire, minimum] = text.split(' ');
      const [s, rf, rt, ex, mn] = [serial, refresh, retry, expire, minimum].map(Number);
      const data = { mname, rname, serial: s, refresh: rf, retry: rt, expire: ex, minimum: mn };
      return { ...base, type: 'SOA', data };
    }
    default:
      throw new Error(`cannot encode a ${r.type} record`);
  }
}

/** What a reply says besides its records. */
export interface ReplyHead {
  rcode: ReplyRcode;
  /** The name lies in a zone we serve: the reply is authoritative (RFC 1035 §4.1.1 AA). */
  authoritative: boolean;
  /** TC: the records did not fit and were left out. */
  truncated?: boolean;
}

function headerFlags(q: Pick<Query, 'flags'>, head: ReplyHead): number {
  const rcode = head.rcode === 'BADVERS' ? 0 : RCODE[head.rcode];
  return q.flags | (head.authoritative ? AA : 0) | (head.truncated ? TC : 0) | rcode;
}

/** A full reply: question echoed, the response's sections, our OPT when the query had one. */
export function encodeReply(
  q: Query,
  head: ReplyHead,
  r?: Pick<DnsResponse, 'answers' | 'authority' | 'additional'>,
): Buffer {
  return dnsPacket.encode({
    type: 'response',
    id: q.id,
    flags: headerFlags(q, head),
    questions: [q.question],
    answers: (r?.answers ?? []).map(toAnswer),
    authorities: (r?.authority ?? []).map(toAnswer),
    additionals: [
      ...(r?.additional ?? []).map(toAnswer),
      ...(q.edns ? [optRecord(q.edns, head.rcode === 'BADVERS' ? BADVERS_HIGH_BITS : 0)] : []),
    ],
  });
}

/**
 * The reply that did not fit: TC set, every record removed but our OPT (RFC 2181 §9 lets a
 * server drop whole RRsets; RFC 6891 §7 keeps the OPT), so the client retries over TCP.
 */
export function encodeTruncated(q: Query, head: ReplyHead): Buffer {
  return encodeReply(q, { ...head, truncated: true });
}

/** The header-only reply to a rejected request. */
export function encodeRejection(r: Rejected): Buffer {
  return dnsPacket.encode({ type: 'response', id: r.id, flags: r.flags | RCODE[r.rcode], questions: [] });
}

/**
 * A stored reply (encoded with id 0 and no RD/CD) made the reply to `q`: id and the copied
 * flags written into a copy (miekg/dns SetReply copies RD and CD), and `serial` at each offset of
 * `serialAt` (the SOA serials: soa-offsets.ts), as the reply may have been stored at an older one.
 */
export function stampReply(stored: Buffer, q: Query, serial: number, serialAt: readonly number[]): Buffer {
  const out = Buffer.from(stored);
  out.writeUInt16BE(q.id, 0);
  out.writeUInt16BE(out.readUInt16BE(2) | q.flags, 2);
  for (const at of serialAt) out.writeUInt32BE(serial, at);
  return out;
}
