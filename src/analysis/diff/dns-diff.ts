// DNS changes: the (name, type) pairs the cluster DNS answers with records, in each version.
// Candidate questions come from the DnsIndex (every Service name, its SRV and `_port._proto`
// names, named endpoints); each is asked through answer(), so "served" means exactly what
// `podnet dns` would answer. Names derived from addresses — dashed-IP endpoint names, pod
// `a-b-c-d.<ns>.pod` names, PTRs — are left out: the simulation assigns addresses, and the
// endpoints diff already reports the pods behind them. A/AAAA data (ClusterIPs, pod IPs) is not
// compared for the same reason; CNAME targets and SRV ports are.
import type { Cluster } from '../../api/cluster.js';
import { answer, buildDnsIndex, type DnsIndex } from '../../dns/records.js';
import { dashedIP } from '../../dns/names.js';
import type { DnsDiff, DnsName } from './types.js';

type Served = Map<string, { name: string; type: string; data: string[] }>;

function questions(index: DnsIndex): DnsName[] {
  const out: DnsName[] = [];
  for (const svc of index.services.values()) {
    const base = `${svc.name}.${svc.namespace}.svc.${index.zone}`.toLowerCase();
    for (const type of ['A', 'AAAA', 'SRV', 'CNAME']) out.push({ name: base, type });
    for (const p of svc.ports) {
      if (p.name && p.port !== -1)
        out.push({ name: `_${p.name}._${p.protocol.toLowerCase()}.${base}`.toLowerCase(), type: 'SRV' });
    }
    for (const eps of svc.endpoints) {
      for (const a of eps.addresses) {
        if (a.hostname === dashedIP(a.ip)) continue;
        const name = `${a.hostname}.${base}`.toLowerCase();
        out.push({ name, type: 'A' }, { name, type: 'AAAA' });
      }
    }
  }
  return out;
}

/** What a record's data contributes to the comparison: CNAME targets, SRV ports. */
function comparable(type: string, data: string | string[]): string | undefined {
  const text = Array.isArray(data) ? data.join(' ') : data;
  if (type === 'CNAME') return text.toLowerCase();
  if (type === 'SRV') return text.split(' ')[2];
  return undefined;
}

export function servedNames(cluster: Cluster): Served {
  const index = buildDnsIndex(cluster, { zone: cluster.config.clusterDomain, pods: 'insecure' });
  const served: Served = new Map();
  for (const q of questions(index)) {
    const key = `${q.name} ${q.type}`;
    if (served.has(key)) continue;
    const r = answer(index, q.name, q.type);
    const own = r.answers.filter((a) => a.type === q.type && a.name.toLowerCase() === q.name);
    if (r.rcode !== 'NOERROR' || own.length === 0) continue;
    const data = new Set<string>();
    for (const a of own) {
      const d = comparable(q.type, a.data);
      if (d !== undefined) data.add(d);
    }
    served.set(key, { ...q, data: [...data].sort() });
  }
  return served;
}

const byName = (a: DnsName, b: DnsName) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.type < b.type ? -1 : a.type > b.type ? 1 : 0;

export function diffDns(oldCluster: Cluster, newCluster: Cluster): DnsDiff {
  const before = servedNames(oldCluster);
  const after = servedNames(newCluster);
  const diff: DnsDiff = { added: [], removed: [], changed: [] };
  for (const [k, n] of after) {
    const o = before.get(k);
    if (!o) diff.added.push({ name: n.name, type: n.type });
    else if (o.data.join('\n') !== n.data.join('\n'))
      diff.changed.push({ name: n.name, type: n.type, old: o.data, new: n.data });
  }
  for (const [k, o] of before) if (!after.has(k)) diff.removed.push({ name: o.name, type: o.type });
  diff.added.sort(byName);
  diff.removed.sort(byName);
  diff.changed.sort(byName);
  return diff;
}
