// Where the SOA serials sit in an encoded reply, so that a stored reply kept across changes of
// the index can go out with the current serial (message.ts stampReply writes it). dns-packet
// decodes and encodes whole messages but reports no offsets, and a decode per stored reply would
// cost more than this walk of the RFC 1035 §4.1 layout: the header, the question (name, type,
// class), then per record its name, type, class, TTL, RDLENGTH and RDATA; a SOA's RDATA is MNAME,
// RNAME, then SERIAL (§3.3.13). Names are labels ending in the root, or in a pointer (§4.1.4:
// dns-packet writes none, but the walk does not rely on that). Pure.

const HEADER_SIZE = 12;
const SOA = 6;
/** TYPE, CLASS, TTL: the fixed fields between a record's name and its RDLENGTH. */
const TYPE_CLASS_TTL = 8;
const NONE: readonly number[] = Object.freeze([]);

/** The offset just past the name that starts at `at` (labels, then the root or a pointer). */
function skipName(msg: Buffer, at: number): number {
  for (;;) {
    if (at >= msg.length)
      throw new RangeError(`a name runs past the end of the message (${msg.length} bytes)`);
    const len = msg[at];
    if ((len & 0xc0) === 0xc0) return at + 2;
    if (len === 0) return at + 1;
    at += 1 + len;
  }
}

/**
 * Offsets of the 32-bit serial of every SOA record in `msg` (a message we encoded), in order; a
 * shared empty list when there is none. Throws a RangeError when the message ends too soon.
 */
export function soaSerialOffsets(msg: Buffer): readonly number[] {
  const [qd, an, ns, ar] = [4, 6, 8, 10].map((o) => msg.readUInt16BE(o));
  let at = HEADER_SIZE;
  for (let i = 0; i < qd; i++) at = skipName(msg, at) + 4;
  let found: number[] | undefined;
  for (let i = 0; i < an + ns + ar; i++) {
    at = skipName(msg, at);
    const type = msg.readUInt16BE(at);
    at += TYPE_CLASS_TTL;
    const rdata = at + 2;
    if (type === SOA) (found ??= []).push(skipName(msg, skipName(msg, rdata)));
    at = rdata + msg.readUInt16BE(at);
  }
  return found ?? NONE;
}
