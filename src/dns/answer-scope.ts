// Which objects an answer can depend on, so that a change drops only the cached replies it can
// alter (server/responder.ts). A question's *scope* is one namespace, or global (undefined).
//
// Why a namespace-scoped answer reads only that namespace's objects: answer() (records.ts) asks
// lookup.ts `services()` / `records()`, and for a name `[...].<ns>.svc|pod.<zone>` of the cluster
// zone these read only
//   - the options (zone, pods mode, ttl) and the SOA serial (written into every reply as it goes
//     out: server/soa-offsets.ts), none of which a change of objects alters;
//   - `namespaces.has(ns)`: the Namespace `ns`;
//   - `services.get(<svc>.<ns>)` and its `endpoints`: a Service of `ns` and the EndpointSlices of
//     `ns` that name it (a slice's key is its own namespace; orphans wait under the same key);
//   - `podNamespacesByIP.get(ip)` filtered to `ns`: the Pods of `ns` with that address.
// srv.ts, the SOA/NS/other-type branches of answer(), and reverse.ts for a name that is no
// reverse name (`web.a.svc.<zone> PTR`: NODATA or NXDOMAIN by records()) use only those. Everything
// else reads across namespaces and is global:
//   - the reverse zones: a PTR answer (reverse.ts) reads `serviceByIP` and `endpointByIP`, which
//     hold every namespace's addresses (a reverse name's labels are digits, never `svc`/`pod`);
//   - the apex (SOA; NS with the kube-system/kube-dns addresses as glue),
//     `svc.<zone>`, `pod.<zone>`, `ns.dns.<zone>` (kube-dns again), `dns-version.<zone>` and
//     every name lookup.ts cannot parse (no `svc`/`pod` label, too long);
//   - the names of and below an ExternalName Service: for A/AAAA, addresses() follows the CNAME
//     into any name of the zone, and when the target does not exist the reply is a negative answer
//     *without* the CNAME, so "the reply holds a CNAME" would not tell. (Names below it and the
//     other types read only the Service, but one rule for the whole Service is simpler.)
//   - names outside the served zones: their SERVFAIL depends on nothing, but a third kind of scope
//     is not worth it: with an upstream they are forwarded and never cached, and without one a
//     miss costs answer()'s zone check and an encode.
// Deciding by the index as it is when the reply is stored is safe: the one thing read to decide
// (whether `<svc>.<ns>` is an ExternalName Service) is an object of `ns`, and a reply of scope `ns`
// is served only while no change of `ns` has come, so the decision holds as long as the reply.
import { serviceKey, type DnsIndex } from './dns-index.js';
import type { DnsObjectChange } from './dns-index-update.js';
import type { ZoneMatch } from './names.js';

/** The namespace whose objects alone decide the answers at `m`, whatever the type; undefined: global. */
export function answerScope(index: DnsIndex, m: ZoneMatch | null): string | undefined {
  if (!m || m.zone !== index.zone) return undefined;
  const n = m.rel.length;
  const kind = m.rel[n - 1];
  // lookup.ts parseRequest: `<ns>.svc|pod` up to `_port._proto.<svc>.<ns>.svc`.
  if (n < 2 || n > 5 || (kind !== 'svc' && kind !== 'pod')) return undefined;
  const ns = m.rel[n - 2];
  if (kind === 'svc' && n >= 3 && index.services.get(serviceKey(m.rel[n - 3], ns))?.kind === 'ExternalName') {
    return undefined;
  }
  return ns;
}

/**
 * The namespaces whose answers a change can alter: the object's namespace before and after (the
 * Namespace's own name), lower case as the index and the question labels hold them.
 */
export function changedNamespaces(change: DnsObjectChange): string[] {
  const namespaceOf = ({ metadata }: { metadata: { name?: string; namespace?: string } }) =>
    change.kind === 'Namespace' ? (metadata.name ?? '') : (metadata.namespace ?? 'default');
  const objects = [change.old, change.object].filter((o) => o !== undefined);
  return [...new Set(objects.map((o) => namespaceOf(o).toLowerCase()))];
}
