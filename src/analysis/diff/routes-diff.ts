// Route changes: the requests of route-requests.ts, routed through the Ingress controller
// (podnet's class selection in each version, or the class asked for) and through the Gateway
// their route names, in both versions; those whose outcome differs — backend Service,
// namespace and port, or the status / redirect the proxy answers — are reported. Which
// Ingress or HTTPRoute took the request is shown but not compared: moving a rule to another
// object without changing where requests go is not a change of behaviour.
import type { Cluster } from '../../api/cluster.js';
import {
  buildGatewayTable,
  buildIngressTable,
  parseRequestUrl,
  RequestParseError,
  routeGatewayTable,
  routeIngressTable,
  type GatewayTable,
  type IngressTable,
  type RouteDecision,
} from '../../ingress/index.js';
import { gatewayRequests, ingressRequests, type RouteRequest } from './route-requests.js';
import type { RouteChange, RouteOutcome } from './types.js';

export function outcomeOf(d: RouteDecision): RouteOutcome {
  if (!d.matched) return { matched: false, status: d.status };
  const base = { matched: true, name: d.name };
  if ('backend' in d) return { ...base, backend: { ...d.backend } };
  return { ...base, status: d.status, ...(d.location ? { location: d.location } : {}) };
}

const compared = (o: RouteOutcome) => JSON.stringify([o.matched, o.backend, o.status, o.location]);

class Router {
  private ingress?: IngressTable;
  private readonly gateways = new Map<string, GatewayTable>();
  constructor(
    private readonly cluster: Cluster,
    private readonly ingressClass?: string,
  ) {}

  route(r: RouteRequest): RouteOutcome {
    const req = parseRequestUrl(r.url, r.method, r.headers);
    if (r.kind === 'Ingress') {
      this.ingress ??= buildIngressTable(this.cluster, this.ingressClass);
      return outcomeOf(routeIngressTable(this.ingress, req));
    }
    let t = this.gateways.get(r.gateway!);
    if (!t) this.gateways.set(r.gateway!, (t = buildGatewayTable(this.cluster, r.gateway!)));
    return outcomeOf(routeGatewayTable(t, req));
  }
}

function headerRecord(headers: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of headers) {
    const i = h.indexOf(':');
    out[h.slice(0, i).toLowerCase()] = h.slice(i + 1);
  }
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function diffRoutes(oldCluster: Cluster, newCluster: Cluster, ingressClass?: string): RouteChange[] {
  const both = [oldCluster, newCluster];
  const before = new Router(oldCluster, ingressClass);
  const after = new Router(newCluster, ingressClass);
  const out: RouteChange[] = [];
  for (const r of [...ingressRequests(both), ...gatewayRequests(both)]) {
    let o: RouteOutcome;
    let n: RouteOutcome;
    try {
      o = before.route(r);
      n = after.route(r);
    } catch (e) {
      // A path or header no URL can carry (validation lets few through): nothing to replay.
      if (e instanceof RequestParseError) continue;
      throw e;
    }
    if (compared(o) === compared(n)) continue;
    out.push({
      kind: r.kind,
      ...(r.gateway ? { gateway: r.gateway } : {}),
      request: r.url,
      ...(r.method !== 'GET' ? { method: r.method } : {}),
      ...(r.headers.length ? { headers: headerRecord(r.headers) } : {}),
      old: o,
      new: n,
    });
  }
  return out.sort(
    (a, b) =>
      cmp(a.kind, b.kind) ||
      cmp(a.gateway ?? '', b.gateway ?? '') ||
      cmp(a.request, b.request) ||
      cmp(a.method ?? '', b.method ?? '') ||
      cmp(JSON.stringify(a.headers ?? {}), JSON.stringify(b.headers ?? {})),
  );
}
