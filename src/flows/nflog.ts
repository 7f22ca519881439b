// Reads the packets nftables `log group N prefix "..."` rules send to NFLOG, as `tcpdump -i
// nflog:N -w -` writes them: a pcap stream with link type NFLOG (239). Hand-written because no
// maintained npm package decodes NFLOG; the format is small and fixed: pcap (24-byte file
// header; 16-byte record headers, in the byte order the magic announces), then per record a
// 4-byte nflog header (family, version, resource id) and TLVs whose length and type are in the
// host's byte order (tcpdump print-nflog.c; linux nfnetlink_log.h NFULA_*), values padded to 4.
// Pure: bytes in, records out; the process that produces the bytes is flows/capture.ts.

const LINKTYPE_NFLOG = 239;
const NFULA_PAYLOAD = 9;
const NFULA_PREFIX = 10;
const IPPROTO: Record<number, 'TCP' | 'UDP' | 'SCTP' | 'ICMP'> = {
  1: 'ICMP',
  6: 'TCP',
  17: 'UDP',
  132: 'SCTP',
};

export interface LoggedPacket {
  /** Capture time, ms since the epoch. */
  time: number;
  /** The rule's log prefix. */
  prefix: string;
  src: string;
  dst: string;
  protocol: string;
  /** 0 for protocols without ports. */
  srcPort: number;
  dstPort: number;
}

const ipv4 = (b: Buffer, at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

/** The addresses and ports of an IPv4 packet; undefined for anything else. */
function decodeIPv4(p: Buffer): Omit<LoggedPacket, 'time' | 'prefix'> | undefined {
  if (p.length < 20 || p[0] >> 4 !== 4) return undefined;
  const headerLen = (p[0] & 0x0f) * 4;
  const proto = p[9];
  const protocol = IPPROTO[proto] ?? String(proto);
  const ports = protocol !== 'ICMP' && p.length >= headerLen + 4;
  return {
    src: ipv4(p, 12),
    dst: ipv4(p, 16),
    protocol,
    srcPort: ports ? p.readUInt16BE(headerLen) : 0,
    dstPort: ports ? p.readUInt16BE(headerLen + 2) : 0,
  };
}

/** Incremental: feed chunks of the pcap stream as they arrive, get the complete records. */
export class NflogPcapReader {
  private buf: Buffer = Buffer.alloc(0);
  private little: boolean | undefined;

  push(chunk: Buffer): LoggedPacket[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: LoggedPacket[] = [];
    if (this.little === undefined) {
      if (this.buf.length < 24) return out;
      const magic = this.buf.readUInt32LE(0);
      if (magic === 0xa1b2c3d4) this.little = true;
      else if (magic === 0xd4c3b2a1) this.little = false;
      else throw new Error('not a pcap stream (bad magic)');
      const linktype = this.little ? this.buf.readUInt32LE(20) : this.buf.readUInt32BE(20);
      if (linktype !== LINKTYPE_NFLOG) throw new Error(`pcap link type ${linktype}, expected NFLOG (239)`);
      this.buf = this.buf.subarray(24);
    }
    const u32 = (at: number) => (this.little ? this.buf.readUInt32LE(at) : this.buf.readUInt32BE(at));
    while (this.buf.length >= 16) {
      const captured = u32(8);
      if (this.buf.length < 16 + captured) break;
      const time = u32(0) * 1000 + Math.floor(u32(4) / 1000);
      const packet = decodeRecord(this.buf.subarray(16, 16 + captured), time);
      if (packet) out.push(packet);
      this.buf = this.buf.subarray(16 + captured);
    }
    return out;
  }
}

/** One NFLOG record: the prefix and payload TLVs (host byte order, as the kernel wrote them). */
function decodeRecord(rec: Buffer, time: number): LoggedPacket | undefined {
  let prefix = '';
  let payload: Buffer | undefined;
  for (let at = 4; at + 4 <= rec.length;) {
    const len = rec.readUInt16LE(at);
    const type = rec.readUInt16LE(at + 2) & 0x7fff; // top bits: NLA_F_NESTED / byte-order flags
    if (len < 4) break;
    // The snap length may cut the last TLV (the payload comes late, after the interface and
    // hardware TLVs of a bridged packet): its start is all a flow needs.
    const value = rec.subarray(at + 4, Math.min(at + len, rec.length));
    if (type === NFULA_PREFIX) prefix = value.toString('latin1').replace(/\0.*$/s, '');
    else if (type === NFULA_PAYLOAD) payload = value;
    at += (len + 3) & ~3;
  }
  const ip = payload && decodeIPv4(payload);
  return ip && { time, prefix, ...ip };
}
