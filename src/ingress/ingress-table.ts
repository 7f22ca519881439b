// Compiles the Ingresses of one IngressClass into a route table: virtual hosts (exact,
// single-label wildcard, no host) whose paths are sorted by precedence, the default
// backend, and the TLS entries. Built once; routeIngress() reads it per request.
import type { Cluster } from '../api/cluster.js';
import { nsName } from '../api/cluster.js';
import type { Ingress, IngressBackend } from '../api/types.js';
import { ingressServedBy, selectIngressClass } from './ingress-class.js';
import { isWildcard } from './match.js';
import { indexServices, resolveServicePort, type PortResult } from './services.js';

/** How a backend resolves: the Service port number, or why it cannot be used. */
export type ResolvedBackend = (PortResult & { service?: string; namespace: string }) & { describe: string };

export interface IngressPath {
  /** `ns/name` of the Ingress. */
  ingress: string;
  host: string | null;
  path: string;
  pathType: string;
  /** ImplementationSpecific (and a missing pathType) match as Prefix; see README.md. */
  matchAs: 'Exact' | 'Prefix';
  backend: ResolvedBackend;
}

export interface IngressVirtualHost {
  host: string | null;
  /** In precedence order: the first that matches wins. */
  paths: IngressPath[];
}

export interface IngressTlsEntry {
  ingress: string;
  namespace: string;
  hosts: string[];
  secretName: string;
}

export interface IngressTable {
  className: string | null;
  classReason: string;
  served: string[];
  ignored: { name: string; reason: string }[];
  exactHosts: Map<string, IngressVirtualHost>;
  wildcardHosts: Map<string, IngressVirtualHost>;
  noHost?: IngressVirtualHost;
  defaultBackend?: { ingress: string; backend: ResolvedBackend };
  tls: IngressTlsEntry[];
  /** Other served Ingresses whose defaultBackend lost to `defaultBackend`. */
  shadowedDefaults: string[];
}

/** Oldest first, then `ns/name`: the tie-break for merged rules and competing defaults. */
export function byAgeThenName(a: Ingress, b: Ingress): number {
  const ta = a.metadata?.creationTimestamp ?? '\uffff';
  const tb = b.metadata?.creationTimestamp ?? '\uffff';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const na = nsName(a);
  const nb = nsName(b);
  return na < nb ? -1 : na > nb ? 1 : 0;
}

export function buildIngressTable(cluster: Cluster, ingressClass?: string): IngressTable {
  const cls = selectIngressClass(cluster, ingressClass);
  const services = indexServices(cluster);
  const table: IngressTable = {
    className: cls.name,
    classReason: cls.reason,
    served: [],
    ignored: [],
    exactHosts: new Map(),
    wildcardHosts: new Map(),
    tls: [],
    shadowedDefaults: [],
  };
  const served = [...cluster.ingresses].sort(byAgeThenName).filter((ing) => {
    const v = ingressServedBy(cluster, ing, cls.name);
    if (v.served) table.served.push(nsName(ing));
    else table.ignored.push({ name: nsName(ing), reason: v.reason });
    return v.served;
  });
  const resolve = (ns: string, b: IngressBackend | undefined) => resolveBackend(services, ns, b);
  for (const ing of served) {
    const ns = ing.metadata?.namespace ?? 'default';
    const name = nsName(ing);
    if (ing.spec?.defaultBackend) {
      if (!table.defaultBackend)
        table.defaultBackend = { ingress: name, backend: resolve(ns, ing.spec.defaultBackend) };
      else table.shadowedDefaults.push(name);
    }
    for (const t of ing.spec?.tls ?? []) {
      if (t.secretName)
        table.tls.push({ ingress: name, namespace: ns, hosts: t.hosts ?? [], secretName: t.secretName });
    }
    for (const rule of ing.spec?.rules ?? []) {
      const host = rule.host ? rule.host.toLowerCase() : null;
      const vhost = virtualHost(table, host);
      for (const p of rule.http?.paths ?? []) {
        const path = p.path || '/';
        const pathType = p.pathType ?? 'ImplementationSpecific';
        const matchAs = pathType === 'Exact' ? 'Exact' : 'Prefix';
        vhost.paths.push({
          ingress: name,
          host,
          path,
          pathType,
          matchAs,
          backend: resolve(ns, p.backend),
        });
      }
    }
  }
  // ingress.md (Multiple matches): "the longest matching path will be given priority first. If
  // two paths are still equally matched, precedence will be given to paths with an exact path
  // type over prefix path type." Remaining ties keep Ingress age/name, then YAML order (stable).
  // The length is the path's as written: types.go (PathTypePrefix) "/foo and /foo/ both match
  // requests to /foo and /foo/. If both paths are present in an Ingress spec, the longest
  // matching path (/foo/) is given priority".
  const hosts = [...table.exactHosts.values(), ...table.wildcardHosts.values()];
  if (table.noHost) hosts.push(table.noHost);
  for (const vh of hosts) {
    vh.paths.sort((a, b) => b.path.length - a.path.length || rank(a) - rank(b));
  }
  return table;
}

function rank(p: IngressPath): number {
  return p.matchAs === 'Exact' ? 0 : 1;
}

function virtualHost(table: IngressTable, host: string | null): IngressVirtualHost {
  if (host === null) return (table.noHost ??= { host: null, paths: [] });
  const map = isWildcard(host) ? table.wildcardHosts : table.exactHosts;
  let vh = map.get(host);
  if (!vh) map.set(host, (vh = { host, paths: [] }));
  return vh;
}

function resolveBackend(
  services: ReturnType<typeof indexServices>,
  ns: string,
  b: IngressBackend | undefined,
): ResolvedBackend {
  if (b?.service) {
    const svc = b.service;
    const r = resolveServicePort(services, ns, svc.name, svc.port);
    const port = svc.port?.name ? `port ${svc.port.name}` : `port ${svc.port?.number}`;
    return { ...r, service: svc.name, namespace: ns, describe: `Service ${ns}/${svc.name} ${port}` };
  }
  if (b?.resource) {
    const what = `${b.resource.kind} ${ns}/${b.resource.name}`;
    return {
      ok: false,
      namespace: ns,
      reason: `resource backend ${what} is not served by podnet`,
      describe: what,
    };
  }
  return { ok: false, namespace: ns, reason: 'backend names no Service', describe: 'no backend' };
}
