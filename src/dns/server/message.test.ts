import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { queryPacket } from './client.test-util.js';
import {
  encodeRejection,
  encodeReply,
  encodeTruncated,
  parseRequest,
  stampReply,
  toAnswer,
  udpLimit,
  type Query,
} from './message.js';
import { soaSerialOffsets } from './soa-offsets.js';

/** A header of 12 bytes followed by `rest`; counts given explicitly. */
function header(
  opts: { id?: number; flags?: number; qd?: number; an?: number; ns?: number; ar?: number },
  rest = Buffer.alloc(0),
) {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(opts.id ?? 7, 0);
  h.writeUInt16BE(opts.flags ?? 0, 2);
  [opts.qd ?? 0, opts.an ?? 0, opts.ns ?? 0, opts.ar ?? 0].forEach((n, i) => h.writeUInt16BE(n, 4 + 2 * i));
  return Buffer.concat([h, rest]);
}

describe('parseRequest', () => {
  const cases = [
    { name: 'too short for a header', msg: Buffer.from([1, 2, 3]), want: { kind: 'drop' } },
    { name: 'a response', msg: header({ flags: 1 << 15, qd: 1 }), want: { kind: 'drop' } },
    {
      name: 'opcode UPDATE',
      msg: header({ flags: 5 << 11, qd: 1 }),
      want: { kind: 'reject', rcode: 'NOTIMP' },
    },
    { name: 'opcode STATUS', msg: header({ flags: 2 << 11 }), want: { kind: 'reject', rcode: 'NOTIMP' } },
    { name: 'no question', msg: header({ qd: 0 }), want: { kind: 'reject', rcode: 'FORMERR' } },
    { name: 'two questions', msg: header({ qd: 2 }), want: { kind: 'reject', rcode: 'FORMERR' } },
    {
      name: 'too many additionals',
      msg: header({ qd: 1, ar: 3 }),
      want: { kind: 'reject', rcode: 'FORMERR' },
    },
    {
      name: 'question cut short',
      msg: header({ qd: 1 }, Buffer.from([3, 0x61, 0x62])),
      want: { kind: 'reject', rcode: 'FORMERR' },
    },
    {
      name: 'name pointer forward (a loop)',
      msg: header({ qd: 1 }, Buffer.from([0xc0, 12, 0, 1, 0, 1])),
      want: { kind: 'reject', rcode: 'FORMERR' },
    },
  ];
  it.each(cases)('$name', ({ msg, want }) => expect(parseRequest(msg)).toMatchObject(want));

  it('reads a query with its copied flags and EDNS', () => {
    const msg = queryPacket('a.b.', 'SRV', { id: 99, edns: 4096 });
    expect(parseRequest(msg)).toEqual({
      kind: 'query',
      id: 99,
      flags: dnsPacket.RECURSION_DESIRED,
      question: { name: 'a.b', type: 'SRV', class: 'IN' },
      edns: { udpSize: 4096, do: false, version: 0 },
    });
  });

  it('keeps the opcode and RD of a rejected request in the header-only reply', () => {
    const r = parseRequest(header({ id: 77, flags: (4 << 11) | dnsPacket.RECURSION_DESIRED, qd: 1 }));
    if (r.kind !== 'reject') throw new Error('want reject');
    const reply = dnsPacket.decode(encodeRejection(r)) as dnsPacket.DecodedPacket & {
      rcode: string;
      opcode: string;
    };
    expect(reply).toMatchObject({
      id: 77,
      type: 'response',
      opcode: 'NOTIFY',
      rcode: 'NOTIMP',
      flag_rd: true,
    });
    expect(reply.questions).toEqual([]);
  });
});

describe('udpLimit', () => {
  const q = (edns: number | undefined) => parseRequest(queryPacket('x.', 'A', { edns })) as Query;
  it.each([
    { edns: undefined, want: 512 },
    { edns: 100, want: 512 }, // RFC 6891 §6.2.5: values below 512 are 512
    { edns: 1232, want: 1232 },
    { edns: 65535, want: 65535 },
  ])('EDNS $edns -> $want', ({ edns, want }) => expect(udpLimit(q(edns))).toBe(want));
});

describe('encodeReply', () => {
  const q = parseRequest(queryPacket('svc.ns.svc.cluster.local', 'A', { id: 5, edns: 1232 })) as Query;
  const r = {
    answers: [{ name: 'svc.ns.svc.cluster.local.', type: 'A', ttl: 5, data: '10.96.0.5' }],
    authority: [],
    additional: [],
  };

  it('echoes id and question, sets AA and the rcode, adds our OPT', () => {
    const got = dnsPacket.decode(encodeReply(q, { rcode: 'NOERROR', authoritative: true }, r));
    expect(got).toMatchObject({ id: 5, flag_aa: true, flag_rd: true, flag_ra: false, flag_tc: false });
    expect(got.questions).toEqual([{ name: 'svc.ns.svc.cluster.local', type: 'A', class: 'IN' }]);
    expect(got.answers).toMatchObject([{ type: 'A', ttl: 5, data: '10.96.0.5' }]);
    expect(got.additionals).toMatchObject([{ type: 'OPT', udpPayloadSize: 1232, ednsVersion: 0 }]);
  });

  it('truncates: TC, no records but the OPT', () => {
    const got = dnsPacket.decode(encodeTruncated(q, { rcode: 'NOERROR', authoritative: true }));
    expect(got).toMatchObject({ id: 5, flag_tc: true, flag_aa: true, answers: [], authorities: [] });
    expect(got.additionals?.map((a) => a.type)).toEqual(['OPT']);
  });

  it('BADVERS goes in the OPT extended rcode (RFC 6891 §6.1.3)', () => {
    const got = dnsPacket.decode(encodeReply(q, { rcode: 'BADVERS', authoritative: false }));
    expect(got.additionals).toMatchObject([{ type: 'OPT', extendedRcode: 1, ednsVersion: 0 }]);
  });

  it('stamps a stored reply with the id and copied flags of another query', () => {
    const stored = encodeReply({ ...q, id: 0, flags: 0 }, { rcode: 'NOERROR', authoritative: true }, r);
    const other = parseRequest(
      queryPacket('svc.ns.svc.cluster.local', 'A', { id: 31337, rd: false }),
    ) as Query;
    expect(dnsPacket.decode(stampReply(stored, other, 0, []))).toMatchObject({
      id: 31337,
      flag_rd: false,
      flag_aa: true,
    });
    expect(dnsPacket.decode(stampReply(stored, q, 0, []))).toMatchObject({ id: 5, flag_rd: true });
  });

  it('stamps the current serial into the SOA records of a stored reply, and only there', () => {
    const soa = (serial: number) => ({
      name: 'cluster.local.',
      type: 'SOA',
      ttl: 5,
      data: `ns.dns.cluster.local. hostmaster.cluster.local. ${serial} 7200 1800 86400 5`,
    });
    const head = { rcode: 'NXDOMAIN', authoritative: true } as const;
    const stored = encodeReply({ ...q, id: 0, flags: 0 }, head, { ...r, authority: [soa(7)] });
    const fresh = encodeReply(q, head, { ...r, authority: [soa(4_000_000_000)] });
    const at = soaSerialOffsets(stored);
    expect(at).toHaveLength(1);
    expect(stampReply(stored, q, 4_000_000_000, at)).toEqual(fresh);
    expect(stampReply(stored, q, 4_000_000_000, [])).not.toEqual(fresh);
  });
});

describe('toAnswer', () => {
  it.each([
    {
      type: 'SRV',
      data: '0 50 80 svc.ns.svc.cluster.local.',
      want: { priority: 0, weight: 50, port: 80, target: 'svc.ns.svc.cluster.local.' },
    },
    {
      type: 'SOA',
      data: 'ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5',
      want: {
        mname: 'ns.dns.cluster.local.',
        rname: 'hostmaster.cluster.local.',
        serial: 1,
        refresh: 7200,
        retry: 1800,
        expire: 86400,
        minimum: 5,
      },
    },
    { type: 'TXT', data: '1.1.0', want: '1.1.0' },
  ])('$type', ({ type, data, want }) =>
    expect(toAnswer({ name: 'x.', type, ttl: 5, data })).toMatchObject({ type, data: want }),
  );

  it('refuses a type it cannot encode', () =>
    expect(() => toAnswer({ name: 'x.', type: 'MX', ttl: 5, data: '' })).toThrow(/MX/));
});
