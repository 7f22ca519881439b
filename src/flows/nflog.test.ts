import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NflogPcapReader } from './nflog.js';

// Captured on this machine: `tcpdump -i nflog:7 -U -w` in a scratch namespace whose output
// chain has `tcp dport 9 ct state new log group 7 prefix "pn:test:rule-1"`, while
// `bash -c 'echo > /dev/tcp/127.0.0.1/9'` ran there (one SYN).
const capture = readFileSync(join(import.meta.dirname, 'testdata', 'tcp-syn-output.pcap'));

describe('NFLOG pcap reader', () => {
  it('decodes the prefix, addresses, protocol and ports of a logged SYN', () => {
    const [p, ...rest] = new NflogPcapReader().push(capture);
    expect(rest).toEqual([]);
    expect(p).toMatchObject({
      prefix: 'pn:test:rule-1',
      src: '127.0.0.1',
      dst: '127.0.0.1',
      protocol: 'TCP',
      dstPort: 9,
    });
    expect(p.srcPort).toBeGreaterThan(1023);
    expect(new Date(p.time).getUTCFullYear()).toBeGreaterThanOrEqual(2026);
  });

  it('accepts the stream in arbitrary pieces (a pipe delivers it so)', () => {
    const reader = new NflogPcapReader();
    const got = [];
    for (let i = 0; i < capture.length; i += 7) got.push(...reader.push(capture.subarray(i, i + 7)));
    expect(got).toHaveLength(1);
    expect(got[0].prefix).toBe('pn:test:rule-1');
  });

  it('decodes a record whose snap length cut the payload TLV (bridged packets carry more TLVs)', () => {
    // Find the payload TLV (type 9) of the one record and cut the record 24 bytes into it:
    // the IPv4 header and the ports are all a flow needs.
    const rec = capture.subarray(24 + 16);
    let at = 4;
    while (rec.readUInt16LE(at + 2) !== 9) at += (rec.readUInt16LE(at) + 3) & ~3;
    const caplen = at + 4 + 24;
    const header = Buffer.from(capture.subarray(24, 24 + 16));
    header.writeUInt32LE(caplen, 8);
    const cut = Buffer.concat([capture.subarray(0, 24), header, rec.subarray(0, caplen)]);
    expect(new NflogPcapReader().push(cut)).toEqual([
      expect.objectContaining({ prefix: 'pn:test:rule-1', dst: '127.0.0.1', protocol: 'TCP', dstPort: 9 }),
    ]);
  });

  it('refuses what is not an NFLOG capture', () => {
    expect(() => new NflogPcapReader().push(Buffer.alloc(24))).toThrow(/not a pcap/);
    const ethernet = Buffer.from(capture.subarray(0, 24));
    ethernet.writeUInt32LE(1, 20);
    expect(() => new NflogPcapReader().push(ethernet)).toThrow(/link type 1/);
  });
});
