// Runs the DNS conformance cases (test/conformance/dns/NNN-*/{objects.yaml,expect.json}) with
// the comparison rules of that folder's README: rcode equal; answers a multiset, TTL ignored;
// names case-insensitive and absolute; addresses compared parsed; all four SRV fields compared
// (the "coredns" mode). Set PODNET_DNS_CONFORMANCE to another folder of cases to run those.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { emptyCluster, type Cluster } from '../api/cluster.js';
import type { EndpointSlice, Namespace, Pod, Service } from '../api/types.js';
import { canonicalIP } from './names.js';
import { answer, buildDnsIndex, type DnsRecord, type PodsMode } from './records.js';

const root =
  process.env.PODNET_DNS_CONFORMANCE ??
  fileURLToPath(new URL('../../test/conformance/dns/', import.meta.url));

interface Expect {
  clusterDomain?: string;
  config?: { pods?: PodsMode };
  queries: {
    name: string;
    type: string;
    rcode: string;
    answers: { name: string; type: string; data: string }[];
    compat?: string;
  }[];
}

function loadCluster(dir: string): Cluster {
  const c = emptyCluster();
  for (const doc of parseAllDocuments(readFileSync(join(dir, 'objects.yaml'), 'utf8'))) {
    const o = doc.toJS() as { kind?: string } | null;
    if (o?.kind === 'Namespace') c.namespaces.push(o as Namespace);
    else if (o?.kind === 'Service') c.services.push(o as Service);
    else if (o?.kind === 'EndpointSlice') c.endpointSlices.push(o as EndpointSlice);
    else if (o?.kind === 'Pod') c.pods.push(o as Pod);
  }
  return c;
}

const absLower = (n: string) => (n.endsWith('.') ? n : `${n}.`).toLowerCase();

/** One comparable line per record, by the README's rules. */
function norm(r: { name: string; type: string; data: string | string[] }): string {
  const data = String(r.data);
  let d = data;
  if (r.type === 'A' || r.type === 'AAAA') d = canonicalIP(data) ?? data;
  else if (r.type === 'CNAME' || r.type === 'PTR') d = absLower(data);
  else if (r.type === 'SRV') {
    const [prio, weight, port, target] = data.split(/\s+/);
    d = `${prio} ${weight} ${port} ${absLower(target)}`;
  }
  return `${absLower(r.name)} ${r.type} ${d}`;
}

const dirs = existsSync(root)
  ? readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'expect.json')))
      .map((d) => d.name)
      .sort()
  : [];

describe(`conformance cases in ${root}`, () => {
  it('has cases to run', () => expect(dirs.length).toBeGreaterThan(0));
  for (const dir of dirs) {
    const expectJson = JSON.parse(readFileSync(join(root, dir, 'expect.json'), 'utf8')) as Expect;
    const cluster = loadCluster(join(root, dir));
    const index = buildDnsIndex(cluster, {
      zone: expectJson.clusterDomain ?? 'cluster.local',
      pods: expectJson.config?.pods ?? 'disabled',
    });
    const rows = expectJson.queries.map((q, i) => ({
      ...q,
      row: `${dir} #${i} ${q.name} ${q.type} (${q.compat ?? '-'})`,
    }));
    it.each(rows)('$row', (q) => {
      const got = answer(index, q.name, q.type);
      const want = { rcode: q.rcode, answers: q.answers.map(norm).sort() };
      expect({ rcode: got.rcode, answers: got.answers.map((r: DnsRecord) => norm(r)).sort() }).toEqual(want);
    });
  }
});
