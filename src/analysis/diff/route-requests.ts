// The requests a diff replays through the Ingress controller and the Gateways: every request
// some rule of either version is written for. Per Ingress rule: its host (a wildcard `*.x`
// becomes `any.x`; no host becomes `any.invalid`) × each path (Exact: the path; Prefix and
// ImplementationSpecific: the path and `<path>/sub`, just below it), plus `/` on every host
// and, when some Ingress has a defaultBackend, `http://unmatched.invalid/`. Per HTTPRoute
// match: each listener it may attach to (scheme and port) × its hostnames × the path (as
// above) with the match's method, Exact headers and Exact query parameters, plus the same
// request without them. RegularExpression paths cannot be turned into one request: skipped.
import type { Cluster } from '../../api/cluster.js';
import type { Gateway, HTTPRoute, HTTPRouteMatch, Listener } from '../../ingress/gateway-types.js';
import { normalizePrefix } from '../../ingress/match.js';

export const NO_HOST = 'any.invalid';
export const UNMATCHED_HOST = 'unmatched.invalid';

export interface RouteRequest {
  kind: 'Ingress' | 'HTTPRoute';
  /** `ns/name`, for HTTPRoute requests. */
  gateway?: string;
  url: string;
  method: string;
  /** `Name:Value`, as `podnet trace --header` takes them. */
  headers: string[];
}

const hostFor = (h: string | undefined | null) =>
  !h ? NO_HOST : h.startsWith('*.') ? `any.${h.slice(2)}` : h.toLowerCase();

function pathsFor(type: string, value: string): string[] {
  if (type === 'Exact') return [value];
  const p = normalizePrefix(value);
  return [value, p === '/' ? '/sub' : `${p}/sub`];
}

function url(scheme: string, host: string, port: number, path: string, query = ''): string {
  const std = (scheme === 'http' && port === 80) || (scheme === 'https' && port === 443);
  return `${scheme}://${host}${std ? '' : `:${port}`}${path}${query ? `?${query}` : ''}`;
}

class RequestSet {
  private readonly seen = new Map<string, RouteRequest>();
  add(r: RouteRequest): void {
    const key = JSON.stringify([r.kind, r.gateway ?? '', r.url, r.method, r.headers]);
    if (!this.seen.has(key)) this.seen.set(key, r);
  }
  list(): RouteRequest[] {
    return [...this.seen.values()];
  }
}

export function ingressRequests(clusters: Cluster[]): RouteRequest[] {
  const set = new RequestSet();
  const add = (host: string, path: string) =>
    set.add({ kind: 'Ingress', url: url('http', host, 80, path), method: 'GET', headers: [] });
  let anyDefault = false;
  for (const c of clusters) {
    for (const ing of c.ingresses) {
      if (ing.spec?.defaultBackend) anyDefault = true;
      for (const rule of ing.spec?.rules ?? []) {
        const host = hostFor(rule.host);
        add(host, '/');
        for (const p of rule.http?.paths ?? [])
          for (const path of pathsFor(p.pathType ?? 'ImplementationSpecific', p.path || '/')) add(host, path);
      }
    }
  }
  if (anyDefault) add(UNMATCHED_HOST, '/');
  return set.list();
}

/** The HTTP/HTTPS listeners a parentRef may attach to, in any version. */
function listenersFor(
  clusters: Cluster[],
  gateway: string,
  ref: { sectionName?: string; port?: number },
): Listener[] {
  const out: Listener[] = [];
  for (const c of clusters) {
    for (const gw of c.gateways as Gateway[]) {
      if (`${gw.metadata.namespace ?? 'default'}/${gw.metadata.name}` !== gateway) continue;
      for (const l of gw.spec?.listeners ?? []) {
        if (l.protocol !== 'HTTP' && l.protocol !== 'HTTPS') continue;
        if (ref.sectionName !== undefined && l.name !== ref.sectionName) continue;
        if (ref.port !== undefined && l.port !== ref.port) continue;
        out.push(l);
      }
    }
  }
  return out;
}

function matchRequests(m: HTTPRouteMatch): {
  paths: string[];
  method?: string;
  headers: string[];
  query: string;
} {
  const type = m.path?.type ?? 'PathPrefix';
  const paths = type === 'RegularExpression' ? [] : pathsFor(type, m.path?.value ?? '/');
  const headers = (m.headers ?? [])
    .filter((h) => (h.type ?? 'Exact') === 'Exact')
    .map((h) => `${h.name}:${h.value}`);
  const query = (m.queryParams ?? [])
    .filter((q) => (q.type ?? 'Exact') === 'Exact')
    .map((q) => `${encodeURIComponent(q.name)}=${encodeURIComponent(q.value)}`)
    .join('&');
  return { paths, method: m.method, headers, query };
}

export function gatewayRequests(clusters: Cluster[]): RouteRequest[] {
  const set = new RequestSet();
  for (const c of clusters) {
    for (const route of c.httpRoutes as HTTPRoute[]) {
      const routeNs = route.metadata.namespace ?? 'default';
      for (const ref of route.spec?.parentRefs ?? []) {
        if ((ref.kind ?? 'Gateway') !== 'Gateway') continue;
        const gateway = `${ref.namespace ?? routeNs}/${ref.name}`;
        for (const l of listenersFor(clusters, gateway, ref)) {
          const scheme = l.protocol === 'HTTPS' ? 'https' : 'http';
          const names = route.spec?.hostnames?.length ? route.spec.hostnames : [l.hostname];
          for (const name of names) {
            const host = hostFor(name);
            for (const rule of route.spec?.rules ?? []) {
              for (const m of rule.matches?.length ? rule.matches : [{}]) {
                const r = matchRequests(m);
                for (const path of r.paths) {
                  set.add({
                    kind: 'HTTPRoute',
                    gateway,
                    url: url(scheme, host, l.port, path),
                    method: 'GET',
                    headers: [],
                  });
                  if (r.method || r.headers.length || r.query)
                    set.add({
                      kind: 'HTTPRoute',
                      gateway,
                      url: url(scheme, host, l.port, path, r.query),
                      method: r.method ?? 'GET',
                      headers: r.headers,
                    });
                }
              }
            }
          }
        }
      }
    }
  }
  return set.list();
}
