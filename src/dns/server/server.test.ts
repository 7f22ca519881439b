// The server over real sockets on 127.0.0.1 (ephemeral ports, no root): record types, rcodes,
// flags, truncation and TCP, EDNS, malformed requests, out-of-zone names with and without an
// upstream (a fake one on a local socket), metrics and the health/ready endpoints.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterOf, handlerIndex, headless, http, lines, ns, slice } from '../fixture.test-util.js';
import { answer, buildDnsIndex } from '../records.js';
import {
  queryPacket,
  records,
  staticIndex,
  tcpExchange,
  testConfig,
  tcpQuery,
  udpExchange,
  udpQuery,
} from './client.test-util.js';
import { startDnsServer, type DnsServer } from './server.js';

const Z = 'svc.cluster.local';

async function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}

/** 100 ready endpoints: far more than 512 bytes of A records. */
const big = clusterOf([
  ns('big'),
  headless('big', 'many', [http]),
  slice(
    'big',
    'many',
    'many-a',
    Array.from({ length: 100 }, (_, i) => `10.244.${1 + (i >> 8)}.${i & 255}`),
    [http],
  ),
]);

describe('DNS server over UDP and TCP', () => {
  let server: DnsServer;
  const provider = staticIndex(handlerIndex);
  beforeAll(async () => {
    server = await startDnsServer(testConfig(), provider);
  });
  afterAll(() => server.close());

  it('A: the ClusterIP, AA set, id and question echoed, RD copied, no RA', async () => {
    const r = await udpQuery(server.port, `svc1.testns.${Z}`, 'A', { id: 1234 });
    expect(r).toMatchObject({
      id: 1234,
      rcode: 'NOERROR',
      flag_aa: true,
      flag_rd: true,
      flag_ra: false,
      flag_tc: false,
    });
    expect(r.questions).toEqual([{ name: `svc1.testns.${Z}`, type: 'A', class: 'IN' }]);
    expect(lines(records(r.answers))).toEqual([`svc1.testns.${Z}. 5 IN A 10.96.0.11`]);
  });

  it('keeps the spelling of the question in owner names', async () => {
    const r = await udpQuery(server.port, `SVC1.TestNS.svc.Cluster.Local`, 'A');
    expect(r.questions?.[0].name).toBe('SVC1.TestNS.svc.Cluster.Local');
    expect(lines(records(r.answers))).toEqual(['SVC1.TestNS.svc.Cluster.Local. 5 IN A 10.96.0.11']);
  });

  it('AAAA of an IPv4 service: NODATA with the SOA', async () => {
    const r = await udpQuery(server.port, `svc1.testns.${Z}`, 'AAAA');
    expect(r).toMatchObject({ rcode: 'NOERROR', flag_aa: true, answers: [] });
    expect(records(r.authorities).map((x) => x.type)).toEqual(['SOA']);
  });

  it('NXDOMAIN for a missing service, with the SOA', async () => {
    const r = await udpQuery(server.port, `nope.testns.${Z}`, 'A');
    expect(r).toMatchObject({ rcode: 'NXDOMAIN', flag_aa: true, answers: [] });
    expect(records(r.authorities)[0]).toMatchObject({ name: 'cluster.local.', type: 'SOA' });
  });

  it('SRV of a named port', async () => {
    const r = await udpQuery(server.port, `_http._tcp.svc1.testns.${Z}`, 'SRV');
    expect(lines(records(r.answers))).toEqual([
      `_http._tcp.svc1.testns.${Z}. 5 IN SRV 0 100 80 svc1.testns.${Z}.`,
    ]);
  });

  it('PTR of a ClusterIP', async () => {
    const r = await udpQuery(server.port, '11.0.96.10.in-addr.arpa', 'PTR');
    expect(r).toMatchObject({ rcode: 'NOERROR', flag_aa: true });
    expect(lines(records(r.answers))).toEqual([`11.0.96.10.in-addr.arpa. 5 IN PTR svc1.testns.${Z}.`]);
  });

  it('CNAME of an ExternalName service', async () => {
    const r = await udpQuery(server.port, `external.testns.${Z}`, 'A');
    expect(lines(records(r.answers))).toEqual([`external.testns.${Z}. 5 IN CNAME www.example.com.`]);
  });

  it('headless: one A per ready endpoint', async () => {
    const r = await udpQuery(server.port, `hdls1.testns.${Z}`, 'A');
    expect(
      records(r.answers)
        .map((x) => x.data)
        .sort(),
    ).toEqual(['10.244.0.2', '10.244.0.3', '10.244.0.4', '10.244.0.5']);
  });

  it('TXT dns-version', async () => {
    const r = await udpQuery(server.port, 'dns-version.cluster.local', 'TXT');
    expect(lines(records(r.answers))).toEqual(['dns-version.cluster.local. 28800 IN TXT 1.1.0']);
  });

  it('several pipelined queries on one TCP connection', async () => {
    const names = ['svc1', 'svc2', 'nope', 'svc-dual-stack'];
    const replies = await tcpExchange(
      server.port,
      names.map((n, i) => queryPacket(`${n}.testns.${Z}`, 'A', { id: 100 + i })),
    );
    const byId = new Map(replies.map((r) => [r.id, r]));
    expect(names.map((_, i) => byId.get(100 + i)?.rcode)).toEqual([
      'NOERROR',
      'NOERROR',
      'NXDOMAIN',
      'NOERROR',
    ]);
  });

  it('TCP messages split across segments are reassembled', async () => {
    const { connect } = await import('node:net');
    const q = queryPacket(`svc1.testns.${Z}`, 'A', { id: 7 });
    const framed = Buffer.concat([Buffer.from([0, q.length]), q]);
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const sock = connect({ port: server.port, host: '127.0.0.1' }, () => {
        sock.write(framed.subarray(0, 5));
        setTimeout(() => sock.write(framed.subarray(5)), 20);
      });
      sock.on('data', (d: Buffer) => {
        sock.end();
        resolve(d.subarray(2));
      });
      sock.on('error', reject);
    });
    expect(dnsPacket.decode(reply)).toMatchObject({ id: 7, answers: [{ data: '10.96.0.11' }] });
  });

  it('EDNS version 1: BADVERS', async () => {
    const r = await udpQuery(server.port, `svc1.testns.${Z}`, 'A', { edns: 1232, ednsVersion: 1 });
    expect(r.answers).toEqual([]);
    expect(r.additionals).toMatchObject([{ type: 'OPT', extendedRcode: 1, ednsVersion: 0 }]);
  });

  it('FORMERR for a readable header with a broken body, with its id', async () => {
    const broken = Buffer.concat([queryPacket(`svc1.testns.${Z}`, 'A', { id: 555 }).subarray(0, 20)]);
    const r = await udpExchange(server.port, broken);
    expect(r).toMatchObject({ id: 555, rcode: 'FORMERR', questions: [] });
    const none = queryPacket(`svc1.testns.${Z}`, 'A', { id: 556 });
    none.writeUInt16BE(0, 4); // QDCOUNT 0
    expect(await udpExchange(server.port, none)).toMatchObject({ id: 556, rcode: 'FORMERR' });
  });

  it('drops what has no readable header, and responses', async () => {
    expect(await udpExchange(server.port, Buffer.from([1, 2, 3, 4, 5]), 200)).toBeNull();
    const response = queryPacket(`svc1.testns.${Z}`, 'A');
    response.writeUInt16BE(response.readUInt16BE(2) | 0x8000, 2);
    expect(await udpExchange(server.port, response, 200)).toBeNull();
  });

  it('NOTIMP for opcodes other than QUERY', async () => {
    const update = queryPacket('cluster.local', 'SOA', { id: 808 });
    update.writeUInt16BE((5 << 11) | update.readUInt16BE(2), 2);
    const r = await udpExchange(server.port, update);
    expect(r).toMatchObject({ id: 808, rcode: 'NOTIMP', opcode: 'UPDATE' });
  });

  it('other classes are REFUSED', async () => {
    const chaos = dnsPacket.encode({
      type: 'query',
      id: 9,
      questions: [{ name: 'version.bind', type: 'TXT', class: 'CH' }],
    });
    expect(await udpExchange(server.port, chaos)).toMatchObject({ id: 9, rcode: 'REFUSED', flag_aa: false });
  });

  it('names outside the zones: SERVFAIL at once without an upstream', async () => {
    const t = performance.now();
    const r = await udpQuery(server.port, 'www.example.com', 'A');
    const ms = performance.now() - t;
    expect(r).toMatchObject({ rcode: 'SERVFAIL', flag_aa: false, answers: [] });
    expect(ms).toBeLessThan(50);
  });

  it('a replaced index answers at once (the reply cache follows the index)', async () => {
    const name = `svc1.testns.${Z}`;
    expect((await udpQuery(server.port, name, 'A')).rcode).toBe('NOERROR');
    provider.set(buildDnsIndex(clusterOf([ns('testns')]), { zone: 'cluster.local', pods: 'disabled' }));
    try {
      expect((await udpQuery(server.port, name, 'A')).rcode).toBe('NXDOMAIN');
    } finally {
      provider.set(handlerIndex);
    }
    expect((await udpQuery(server.port, name, 'A')).rcode).toBe('NOERROR');
  });

  it('serves metrics in CoreDNS names after queries', async () => {
    await udpQuery(server.port, `svc1.testns.${Z}`, 'A');
    await tcpQuery(server.port, `nope.testns.${Z}`, 'AAAA');
    const { status, body } = await httpGet(server.metricsPort!, '/metrics');
    expect(status).toBe(200);
    const server53 = `server="dns://127.0.0.1:0"`;
    expect(body).toMatch(
      new RegExp(
        `coredns_dns_requests_total\\{${server53},zone="cluster.local.",view="",proto="udp",family="1",type="A"\\} [1-9]`,
      ),
    );
    expect(body).toMatch(/coredns_dns_requests_total\{[^}]*proto="tcp"[^}]*type="AAAA"\} [1-9]/);
    expect(body).toMatch(/coredns_dns_responses_total\{[^}]*rcode="NXDOMAIN",plugin="kubernetes"\} [1-9]/);
    expect(body).toMatch(
      /coredns_dns_responses_total\{[^}]*zone=".",[^}]*rcode="SERVFAIL",plugin=""\} [1-9]/,
    );
    expect(body).toMatch(/coredns_dns_responses_total\{[^}]*zone="dropped",[^}]*rcode="FORMERR"/);
    expect(body).toMatch(/coredns_dns_request_duration_seconds_bucket\{le="0.00025",[^}]*type="A"\}/);
    expect(body).toMatch(/podnet_dns_reply_cache_hits_total\{[^}]*\} [1-9]/);
    expect(body).toMatch(/process_resident_memory_bytes [1-9]/);
  });

  it('health and ready', async () => {
    expect(await httpGet(server.healthPort!, '/health')).toEqual({ status: 200, body: 'OK' });
    expect(await httpGet(server.readyPort!, '/ready')).toEqual({ status: 200, body: 'OK' });
    expect((await httpGet(server.readyPort!, '/metrics')).status).toBe(404);
  });
});

describe('truncation and EDNS', () => {
  let server: DnsServer;
  const index = buildDnsIndex(big, { zone: 'cluster.local', pods: 'disabled' });
  const name = `many.big.${Z}`;
  beforeAll(async () => {
    server = await startDnsServer(testConfig(), staticIndex(index));
  });
  afterAll(() => server.close());

  it('over UDP without EDNS: TC set, answers removed, within 512 bytes', async () => {
    const r = await udpQuery(server.port, name, 'A');
    expect(r).toMatchObject({ rcode: 'NOERROR', flag_tc: true, flag_aa: true, answers: [] });
    expect(r.questions?.[0].name).toBe(name);
    expect(r.raw.length).toBeLessThanOrEqual(512);
  });

  it('the same question over TCP: all 100 records', async () => {
    const r = await tcpQuery(server.port, name, 'A');
    expect(r.flag_tc).toBe(false);
    expect(records(r.answers)).toHaveLength(100);
    expect(lines(records(r.answers))).toEqual(lines(answer(index, name, 'A').answers));
  });

  it('EDNS 8192 over UDP: the full answer (4.3 KB: dns-packet does not compress names), and our OPT', async () => {
    const r = await udpQuery(server.port, name, 'A', { edns: 8192 });
    expect(r.flag_tc).toBe(false);
    expect(records(r.answers)).toHaveLength(100);
    expect(r.additionals).toMatchObject([{ type: 'OPT', udpPayloadSize: 1232 }]);
  });

  it('EDNS 1232 over UDP: still too big, truncated with the OPT kept', async () => {
    const r = await udpQuery(server.port, name, 'A', { edns: 1232 });
    expect(r).toMatchObject({ flag_tc: true, answers: [] });
    expect(r.additionals?.map((a) => a.type)).toEqual(['OPT']);
    expect(r.raw.length).toBeLessThanOrEqual(1232);
  });

  it('a small answer is not truncated', async () => {
    const r = await udpQuery(server.port, 'dns-version.cluster.local', 'TXT');
    expect(r.flag_tc).toBe(false);
  });
});

describe('before the first index', () => {
  it('answers SERVFAIL inside the zone, still forwards nothing, and is not ready', async () => {
    const provider = staticIndex(undefined);
    const server = await startDnsServer(testConfig(), provider);
    try {
      const r = await udpQuery(server.port, `svc1.testns.${Z}`, 'A');
      expect(r).toMatchObject({ rcode: 'SERVFAIL', flag_aa: false });
      expect((await udpQuery(server.port, 'example.com', 'A')).rcode).toBe('SERVFAIL');
      expect(await httpGet(server.readyPort!, '/ready')).toEqual({ status: 503, body: 'kubernetes' });
      expect((await httpGet(server.healthPort!, '/health')).status).toBe(200);
      provider.set(handlerIndex);
      expect((await udpQuery(server.port, `svc1.testns.${Z}`, 'A')).rcode).toBe('NOERROR');
      expect((await httpGet(server.readyPort!, '/ready')).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

/** A fake upstream: answers every A question with 203.0.113.9 (or stays silent), over UDP and TCP. */
async function fakeUpstream(
  silent = false,
): Promise<{ port: number; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const reply = (msg: Buffer) => {
    const q = dnsPacket.decode(msg);
    seen.push(`${q.questions![0].name} ${q.questions![0].type}`);
    return dnsPacket.encode({
      type: 'response',
      id: q.id,
      flags: dnsPacket.RECURSION_AVAILABLE | dnsPacket.RECURSION_DESIRED,
      questions: q.questions,
      answers: [{ name: q.questions![0].name, type: 'A', ttl: 300, data: '203.0.113.9' }],
    });
  };
  const udp: Socket = createSocket('udp4');
  udp.on('message', (msg, rinfo) => {
    if (!silent) udp.send(reply(msg), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', () => resolve()));
  const port = (udp.address() as AddressInfo).port;
  const tcp: Server = createServer((sock) => {
    sock.on('data', (d: Buffer) => {
      if (silent) return;
      const out = reply(d.subarray(2));
      sock.write(Buffer.concat([Buffer.from([out.length >> 8, out.length & 255]), out]));
    });
  });
  await new Promise<void>((resolve) => tcp.listen(port, '127.0.0.1', () => resolve()));
  return {
    port,
    seen,
    close: async () => {
      udp.close();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}

describe('forwarding to an upstream', () => {
  it('relays names outside the zones over UDP and TCP, with the client id; cluster names stay local', async () => {
    const up = await fakeUpstream();
    const server = await startDnsServer(
      testConfig({ upstream: { host: '127.0.0.1', port: up.port } }),
      staticIndex(handlerIndex),
    );
    try {
      const r = await udpQuery(server.port, 'www.example.com', 'A', { id: 4321 });
      expect(r).toMatchObject({ id: 4321, rcode: 'NOERROR', flag_ra: true, flag_aa: false });
      expect(records(r.answers)).toEqual([
        { name: 'www.example.com.', type: 'A', ttl: 300, data: '203.0.113.9' },
      ]);
      const t = await tcpQuery(server.port, 'api.example.org', 'A', { id: 77 });
      expect(t).toMatchObject({ id: 77, answers: [{ data: '203.0.113.9' }] });
      expect((await udpQuery(server.port, `svc1.testns.${Z}`, 'A')).answers).toMatchObject([
        { data: '10.96.0.11' },
      ]);
      expect((await udpQuery(server.port, '99.99.99.10.in-addr.arpa', 'PTR')).rcode).toBe('NXDOMAIN');
      expect(up.seen).toEqual(['www.example.com A', 'api.example.org A']);
      const { body } = await httpGet(server.metricsPort!, '/metrics');
      expect(body).toMatch(
        new RegExp(
          `coredns_proxy_request_duration_seconds_count\\{proxy_name="forward",to="127.0.0.1:${up.port}",rcode="NOERROR"\\} 2`,
        ),
      );
    } finally {
      await server.close();
      await up.close();
    }
  });

  it('answers SERVFAIL when the upstream stays silent past the timeout', async () => {
    const up = await fakeUpstream(true);
    const server = await startDnsServer(
      testConfig({ upstream: { host: '127.0.0.1', port: up.port }, upstreamTimeoutMs: 200 }),
      staticIndex(handlerIndex),
    );
    try {
      const t = performance.now();
      const r = await udpExchange(server.port, queryPacket('slow.example.com', 'A', { id: 11 }), 2000);
      expect(r).toMatchObject({ id: 11, rcode: 'SERVFAIL' });
      expect(performance.now() - t).toBeGreaterThanOrEqual(190);
      expect(await tcpQuery(server.port, 'slow.example.com', 'A')).toMatchObject({ rcode: 'SERVFAIL' });
    } finally {
      await server.close();
      await up.close();
    }
  });

  it('takes the reply only from the upstream, to the question asked (RFC 5452)', async () => {
    const upstream = createSocket('udp4');
    const stranger = createSocket('udp4');
    await new Promise<void>((resolve) => upstream.bind(0, '127.0.0.1', () => resolve()));
    await new Promise<void>((resolve) => stranger.bind(0, '127.0.0.1', () => resolve()));
    upstream.on('message', (msg, rinfo) => {
      const q = dnsPacket.decode(msg);
      const forge = (name: string, data: string) =>
        dnsPacket.encode({
          type: 'response',
          id: q.id,
          questions: [{ name, type: 'A' }],
          answers: [{ name, type: 'A', ttl: 1, data }],
        });
      const asked = q.questions![0].name;
      stranger.send(forge(asked, '198.51.100.66'), rinfo.port, rinfo.address); // wrong source port
      upstream.send(forge('other.example.com', '198.51.100.67'), rinfo.port, rinfo.address); // wrong question
      setTimeout(() => upstream.send(forge(asked, '203.0.113.10'), rinfo.port, rinfo.address), 30);
    });
    const port = (upstream.address() as AddressInfo).port;
    const server = await startDnsServer(
      testConfig({ upstream: { host: '127.0.0.1', port } }),
      staticIndex(handlerIndex),
    );
    try {
      const r = await udpQuery(server.port, 'victim.example.com', 'A', { id: 12 });
      expect(r).toMatchObject({ id: 12, rcode: 'NOERROR', answers: [{ data: '203.0.113.10' }] });
    } finally {
      await server.close();
      upstream.close();
      stranger.close();
    }
  });
});

describe('the reply cache', () => {
  it('returns the same bytes as an uncached server for every question asked twice', async () => {
    const cached = await startDnsServer(testConfig(), staticIndex(handlerIndex));
    const uncached = await startDnsServer(testConfig({ cacheSize: 0 }), staticIndex(handlerIndex));
    try {
      for (const name of [
        `svc1.testns.${Z}`,
        `nope.testns.${Z}`,
        `_http._tcp.hdls1.testns.${Z}`,
        'example.com',
      ]) {
        for (let i = 0; i < 2; i++) {
          const a = await udpQuery(cached.port, name, 'SRV', { id: 50 + i, edns: 1232 });
          const b = await udpQuery(uncached.port, name, 'SRV', { id: 50 + i, edns: 1232 });
          expect(a.raw.equals(b.raw)).toBe(true);
        }
      }
    } finally {
      await cached.close();
      await uncached.close();
    }
  });
});
