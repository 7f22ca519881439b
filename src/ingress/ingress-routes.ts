// Ingress (networking.k8s.io/v1) request routing: which rule of which Ingress takes a
// request, and the Service port it is proxied to, with the reasons.
// Sources: kubernetes/api networking/v1 types.go; kubernetes/website ingress.md;
// kubernetes-sigs/ingress-controller-conformance features/*.feature; the conventions of
// shared/conformance/ingress/README.md.
import type { Cluster } from '../api/cluster.js';
import {
  buildIngressTable,
  type IngressPath,
  type IngressTable,
  type IngressVirtualHost,
  type ResolvedBackend,
} from './ingress-table.js';
import { ingressHostMatches, matchesExact, matchesPrefix } from './match.js';
import { hostnameOf } from './request.js';
import { inspectTlsSecret } from './tls.js';
import type { HttpRequest, RouteDecision, TlsInfo } from './types.js';

export { PODNET_INGRESS_CONTROLLER, selectIngressClass } from './ingress-class.js';
export { buildIngressTable } from './ingress-table.js';
export type { IngressTable } from './ingress-table.js';

/** Routes one request through the Ingresses of `ingressClass` (see selectIngressClass). */
export function routeIngress(cluster: Cluster, req: HttpRequest, ingressClass?: string): RouteDecision {
  return routeIngressTable(buildIngressTable(cluster, ingressClass), req, cluster);
}

/**
 * Routes one request through a compiled table. `cluster` is only read for TLS Secrets
 * (https); without it no TLS information is reported.
 */
export function routeIngressTable(table: IngressTable, req: HttpRequest, cluster?: Cluster): RouteDecision {
  const host = hostnameOf(req.host);
  const reasons = [table.classReason, servedSummary(table)];
  const vhost = findVirtualHost(table, host);
  const tls = req.scheme === 'https' && cluster ? findTls(cluster, table, host, reasons) : undefined;
  const withTls = <T extends object>(d: T): T => (tls ? { ...d, tls } : d);
  if (vhost) {
    reasons.push(describeHost(vhost, host));
    for (const p of vhost.paths) {
      const ok = p.matchAs === 'Exact' ? matchesExact(p.path, req.path) : matchesPrefix(p.path, req.path);
      if (!ok) continue;
      reasons.push(
        `path ${req.path} matches ${p.pathType} ${p.path}${p.pathType === 'ImplementationSpecific' ? ' (treated as Prefix)' : ''} of ${p.ingress}` +
          ` (longest match; Exact before Prefix at equal length)`,
      );
      const rule = { host: p.host, path: p.path, pathType: p.pathType };
      return withTls(decide(p.ingress, rule, p.backend, reasons));
    }
    reasons.push(`no path for host ${vhost.host ?? '(any)'} matches ${req.path}`);
  } else {
    reasons.push(`no rule for host ${host || '(none)'}`);
  }
  if (table.defaultBackend) {
    const d = table.defaultBackend;
    const shadowed = table.shadowedDefaults.length
      ? ` (over ${table.shadowedDefaults.join(', ')}: oldest, then by name)`
      : '';
    reasons.push(`defaultBackend of ${d.ingress}${shadowed}`);
    return withTls(decide(d.ingress, { defaultBackend: true }, d.backend, reasons));
  }
  reasons.push('no defaultBackend among the served Ingresses: 404');
  return withTls({ matched: false as const, status: 404 as const, reasons });
}

function decide(name: string, rule: unknown, b: ResolvedBackend, reasons: string[]): RouteDecision {
  if (!b.ok || b.service === undefined) {
    reasons.push(`backend ${b.describe} cannot be used: ${b.reason}: 500`);
    return { kind: 'Ingress', name, rule, matched: true, status: 500, reasons };
  }
  reasons.push(`backend ${b.describe}: ${b.reason}`);
  const backend = { service: b.service, namespace: b.namespace, port: b.port };
  return { kind: 'Ingress', name, rule, matched: true, backend, reasons };
}

/**
 * The virtual host for a name: an exact host rule first, then a single-label wildcard
 * (`*.foo.com` for `bar.foo.com`), then the rules without host. Once a host is chosen only
 * its paths are considered (see README.md: virtual-host model).
 */
function findVirtualHost(table: IngressTable, host: string): IngressVirtualHost | undefined {
  const exact = table.exactHosts.get(host);
  if (exact) return exact;
  const dot = host.indexOf('.');
  if (dot > 0) {
    const wild = table.wildcardHosts.get(`*${host.slice(dot)}`);
    if (wild) return wild;
  }
  return table.noHost;
}

function describeHost(vh: IngressVirtualHost, host: string): string {
  if (vh.host === null) return `no host rule takes ${host || '(no host)'}; using the rules without host`;
  return vh.host === host
    ? `host ${host} matches rule host ${vh.host}`
    : `host ${host} matches wildcard ${vh.host} (one label)`;
}

function servedSummary(t: IngressTable): string {
  const served = t.served.length ? t.served.join(', ') : 'none';
  const ignored = t.ignored.map((i) => `${i.name} (${i.reason})`).join(', ');
  return `Ingresses served: ${served}${ignored ? `; ignored: ${ignored}` : ''}`;
}

/**
 * The TLS entry for an https request: one listing the host exactly, else a wildcard entry
 * covering it, else an entry without hosts (types.go IngressTLS.Hosts: "Defaults to the
 * wildcard host setting for the loadbalancer controller"); oldest Ingress first.
 */
function findTls(
  cluster: Cluster,
  table: IngressTable,
  host: string,
  reasons: string[],
): TlsInfo | undefined {
  const score = (hosts: string[]): number => {
    if (hosts.length === 0) return 1;
    if (hosts.some((h) => h.toLowerCase() === host)) return 3;
    return hosts.some((h) => ingressHostMatches(h, host)) ? 2 : 0;
  };
  let best: { e: (typeof table.tls)[number]; s: number } | undefined;
  for (const e of table.tls) {
    const s = score(e.hosts);
    if (s > 0 && (!best || s > best.s)) best = { e, s };
  }
  if (!best) {
    reasons.push(
      `https: no tls entry covers ${host || '(no host)'}; the controller's default certificate is served`,
    );
    return undefined;
  }
  const { tls, reason } = inspectTlsSecret(cluster, best.e.namespace, best.e.secretName, host);
  reasons.push(`https: tls entry of ${best.e.ingress} (secret ${best.e.secretName}); ${reason}`);
  return tls;
}

export type { IngressPath };
