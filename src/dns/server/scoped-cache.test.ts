// The reply cache across changes of the index in place: after every step of random changes
// (random-changes.test-util.ts: Services of every kind, ExternalName aliases of other namespaces,
// kube-system/kube-dns, EndpointSlices, Namespaces, Pods), every reply the caching responder sends
// for a fixed list of questions, covering every name form, equals byte for byte the reply of a
// responder without a cache, which is answer() on the index as it is now, encoded. The changes are
// noted as index-source.ts notes them (index-source.test.ts checks that it does).
import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import type { KubeObject, Namespace, Service } from '../../api/types.js';
import { mulberry32 } from '../../../test/support/random-cluster.js';
import { changedNamespaces } from '../answer-scope.js';
import { updateDnsIndex } from '../dns-index-update.js';
import { clusterOf, externalName, ns } from '../fixture.test-util.js';
import { dashedIP, ipToReverse } from '../names.js';
import {
  ADDRESSES,
  ADDRESSES6,
  CLUSTER_IPS,
  NAMESPACES,
  randomChange,
  SERVICES,
} from '../random-changes.test-util.js';
import { buildDnsIndex, type DnsOptions } from '../records.js';
import { queryPacket } from './client.test-util.js';
import { Responder } from './responder.js';
import { ScopeSerials } from './scope-serials.js';

const ZONE = 'cluster.local';
const TYPES = ['A', 'AAAA', 'SRV', 'PTR', 'CNAME', 'TXT', 'SOA', 'NS', 'MX'];

/** Every name form answer() knows, for every namespace of the world and one that never exists. */
function names(): string[] {
  const out = [
    ZONE,
    `svc.${ZONE}`,
    `pod.${ZONE}`,
    `dns-version.${ZONE}`,
    `ns.dns.${ZONE}`,
    'www.example.com',
  ];
  for (const namespace of [...NAMESPACES, 'gone']) {
    out.push(`${namespace}.svc.${ZONE}`, `${namespace}.pod.${ZONE}`, `missing.${namespace}.svc.${ZONE}`);
    for (const svc of [...SERVICES, 'alias']) {
      const base = `${svc}.${namespace}.svc.${ZONE}`;
      out.push(
        base,
        `_http._tcp.${base}`,
        `_dns._udp.${base}`,
        `h1.${base}`,
        `${dashedIP(ADDRESSES[0])}.${base}`,
      );
    }
    for (const ip of [...ADDRESSES, ADDRESSES6[0]]) out.push(`${dashedIP(ip)}.${namespace}.pod.${ZONE}`);
  }
  out.push('Web.A.svc.Cluster.Local', 'in-addr.arpa');
  for (const ip of [...CLUSTER_IPS, ...ADDRESSES, ...ADDRESSES6]) out.push(ipToReverse(ip));
  return out;
}

/**
 * Every namespace, and in each an ExternalName Service `alias` of a name in another namespace
 * (one of them an alias of an alias): randomChange leaves these Services alone, while it changes
 * what they alias.
 */
function world(): (Namespace | Service)[] {
  const aliases = {
    a: `web.b.svc.${ZONE}`,
    b: `h1.db.kube-system.svc.${ZONE}`,
    'kube-system': `alias.a.svc.${ZONE}`,
  };
  return Object.entries(aliases).flatMap(([namespace, target]) => [
    ns(namespace),
    externalName(namespace, 'alias', target),
  ]);
}

/** The objects as randomChange holds them, by kind, namespace and name. */
const byKey = (objects: KubeObject[]) =>
  new Map(objects.map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));

const questions = names().flatMap((name) => TYPES.map((type) => ({ name, type })));
const packets = questions.map((q, i) => queryPacket(q.name, q.type, { id: i }));

describe('the reply cache across changes of the index in place', () => {
  it('serves only what answer() gives now, after every step of random changes', () => {
    const dns: DnsOptions = { zone: ZONE, pods: 'verified' };
    let hit = false;
    let keptAcrossChanges = 0;
    for (let seed = 1; seed <= 4; seed++) {
      const rnd = mulberry32(seed);
      const objects = byKey(world());
      const index = buildDnsIndex(clusterOf(world()), dns);
      for (let i = 0; i < 30; i++) updateDnsIndex(index, randomChange(rnd, objects)); // some of everything
      const scopes = new ScopeSerials();
      const cached = new Responder({
        dns,
        index: () => index,
        lastChange: (ns) => scopes.lastChange(ns),
        onServed: (s) => (hit = s.cached),
      });
      const fresh = new Responder({ dns, index: () => index, cacheSize: 0 });
      for (let step = 0; step < 25; step++) {
        const change = randomChange(rnd, objects);
        const changed = updateDnsIndex(index, change);
        if (changed) {
          index.serial++;
          scopes.changed(index.serial, changedNamespaces(change));
        }
        for (const [i, msg] of packets.entries()) {
          const got = cached.handle(msg, 'tcp', 4) as Buffer;
          if (!hit) continue; // a miss is answer() now by construction
          // Each question is asked once a round: a hit in the round after a change predates it.
          if (changed) keptAcrossChanges++;
          const want = fresh.handle(msg, 'tcp', 4) as Buffer;
          if (got.equals(want)) continue;
          const q = questions[i];
          const where = `seed ${seed} step ${step} after ${change.kind} ${JSON.stringify(change.old)} -> ${JSON.stringify(change.object)}: ${q.name} ${q.type}`;
          expect(dnsPacket.decode(got), where).toEqual(dnsPacket.decode(want));
          expect.fail(`${where}: the same message, other bytes`);
        }
      }
    }
    expect(keptAcrossChanges).toBeGreaterThan(10_000);
  });
});
