import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { queryPacket } from './client.test-util.js';
import { encodeReply, parseRequest, type Query } from './message.js';
import { soaSerialOffsets } from './soa-offsets.js';

const soa = (name: string, serial: number) => ({
  name,
  type: 'SOA',
  ttl: 5,
  data: `ns.dns.${name} hostmaster.${name} ${serial} 7200 1800 86400 5`,
});
const a = (name: string, ip: string) => ({ name, type: 'A', ttl: 5, data: ip });
const query = (name: string, type: string, edns?: number) =>
  parseRequest(queryPacket(name, type, { edns })) as Query;
const head = { rcode: 'NOERROR', authoritative: true } as const;

/** The serials found at the offsets, to compare with those encoded. */
const serialsAt = (msg: Buffer) => soaSerialOffsets(msg).map((at) => msg.readUInt32BE(at));

/** cluster.local. SOA with every name after the question's a pointer (RFC 1035 §4.1.4). */
function compressed(serial: number): Buffer {
  const name = Buffer.from('\x07cluster\x05local\x00', 'latin1');
  const ptr = Buffer.from([0xc0, 12]);
  const rdata = Buffer.concat([
    Buffer.from('\x02ns\x03dns', 'latin1'),
    ptr,
    Buffer.from('\x0ahostmaster', 'latin1'),
    ptr,
    Buffer.alloc(20),
  ]);
  rdata.writeUInt32BE(serial, rdata.length - 20);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(6, 0); // SOA
  fixed.writeUInt16BE(1, 2); // IN
  fixed.writeUInt16BE(rdata.length, 8);
  const h = Buffer.from([0, 0, 0x84, 0, 0, 1, 0, 1, 0, 0, 0, 0]);
  return Buffer.concat([h, name, Buffer.from([0, 6, 0, 1]), ptr, fixed, rdata]);
}

describe('soaSerialOffsets', () => {
  it.each([
    {
      name: 'an answer without SOA',
      msg: () =>
        encodeReply(query('x.', 'A'), head, {
          answers: [a('x.', '10.96.0.1')],
          authority: [],
          additional: [],
        }),
      want: [],
    },
    { name: 'a header-only reply', msg: () => encodeReply(query('x.', 'A'), head), want: [] },
    {
      name: 'a negative answer: the SOA in authority',
      msg: () =>
        encodeReply(query('nope.cluster.local', 'A'), head, {
          answers: [],
          authority: [soa('cluster.local.', 17)],
          additional: [],
        }),
      want: [17],
    },
    {
      name: 'records before and after, an OPT last',
      msg: () =>
        encodeReply(query('cluster.local', 'SOA', 1232), head, {
          answers: [a('x.cluster.local.', '10.96.0.1'), soa('cluster.local.', 3_000_000_000)],
          authority: [soa('Cluster.Local.', 9)],
          additional: [a('y.cluster.local.', '10.96.0.2')],
        }),
      want: [3_000_000_000, 9],
    },
    { name: 'names compressed with pointers', msg: () => compressed(42), want: [42] },
  ])('$name', ({ msg, want }) => {
    const m = msg();
    expect(serialsAt(m)).toEqual(want);
    const decoded = dnsPacket.decode(m);
    const soas = [...(decoded.answers ?? []), ...(decoded.authorities ?? [])].filter((r) => r.type === 'SOA');
    expect(soas.map((r) => (r.data as { serial: number }).serial)).toEqual(want);
  });

  it('refuses a message that ends inside a name', () =>
    expect(() => soaSerialOffsets(compressed(1).subarray(0, 20))).toThrow(RangeError));
});
