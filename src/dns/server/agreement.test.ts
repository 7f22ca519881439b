// Agreement: for every fixture and conformance case of src/dns and every question worth asking
// of it (questions.test-util.ts), the server's reply over the wire says exactly what answer()
// says, which is what `podnet dns` prints: rcode, and every record of the answer, authority and
// additional sections in order, TTLs included; AA exactly for NOERROR/NXDOMAIN inside the zones.
// Asked over TCP, so that size limits do not hide records (truncation is tested in server.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchZone } from '../names.js';
import { answer, buildDnsIndex } from '../records.js';
import { queryPacket, records, staticIndex, tcpExchange, testConfig } from './client.test-util.js';
import { fixtures, namesOf, TYPES } from './questions.test-util.js';
import { startDnsServer, type DnsServer } from './server.js';

const provider = staticIndex(undefined);
let server: DnsServer;
beforeAll(async () => {
  server = await startDnsServer(testConfig(), provider);
});
afterAll(() => server.close());

describe.each(fixtures())('$name', ({ cluster, dns }) => {
  const index = buildDnsIndex(cluster, dns);
  const questions = namesOf(cluster, index.zone).flatMap((name) => TYPES.map((type) => ({ name, type })));

  it(`every reply equals answer() (${questions.length} questions)`, async () => {
    provider.set(index);
    // One connection, every question pipelined on it (RFC 7766), ids in question order.
    const replies = await tcpExchange(
      server.port,
      questions.map((q, i) => queryPacket(q.name, q.type, { id: i })),
      10_000,
    );
    const byId = new Map(replies.map((r) => [r.id, r]));
    for (const [i, q] of questions.entries()) {
      const want = answer(index, q.name, q.type);
      const got = byId.get(i)!;
      const inZone = matchZone(q.name.endsWith('.') ? q.name : `${q.name}.`, index.zones) !== null;
      expect(
        {
          q,
          rcode: got.rcode,
          aa: got.flag_aa,
          answers: records(got.answers),
          authority: records(got.authorities),
          additional: records(got.additionals),
        },
        want.reason,
      ).toEqual({
        q,
        rcode: want.rcode,
        aa: inZone && (want.rcode === 'NOERROR' || want.rcode === 'NXDOMAIN'),
        answers: want.answers,
        authority: want.authority,
        additional: want.additional,
      });
    }
  });
});
