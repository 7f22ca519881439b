// Gateway API request routing: which listener of a Gateway takes a request, which HTTPRoute
// rule wins, which filters apply and which Service port the request is proxied to.
// Sources: kubernetes-sigs/gateway-api apis/v1/gateway_types.go, httproute_types.go and
// conformance/tests/httproute-*; the conventions of shared/conformance/gateway/README.md.
import type { Cluster } from '../api/cluster.js';
import { pickCandidate } from './gateway-backends.js';
import { applyHeaderModifier, applyRedirect, modifyPath } from './gateway-filters.js';
import {
  comparePrecedence,
  describeMatch,
  firstValues,
  hostnameScore,
  matchHolds,
  type Candidate,
} from './gateway-match.js';
import { buildGatewayTable, type GatewayListener, type GatewayTable } from './gateway-table.js';
import { gatewayHostMatches, isWildcard } from './match.js';
import { hostnameOf, parseQuery } from './request.js';
import { inspectTlsSecret } from './tls.js';
import type { HTTPRouteFilter } from './gateway-types.js';
import type { AppliedFilters, HttpRequest, RouteDecision, TlsInfo } from './types.js';

export { buildGatewayTable } from './gateway-table.js';
export type { GatewayTable } from './gateway-table.js';

/** Routes one request arriving at Gateway `gateway` (`ns/name`) on listener port `req.port`. */
export function routeGateway(cluster: Cluster, req: HttpRequest, gateway: string): RouteDecision {
  return routeGatewayTable(buildGatewayTable(cluster, gateway), req, cluster);
}

/** Routes through a compiled table; `cluster` is only read for TLS Secrets of HTTPS listeners. */
export function routeGatewayTable(table: GatewayTable, req: HttpRequest, cluster?: Cluster): RouteDecision {
  const reasons = [...table.notes];
  const host = hostnameOf(req.host);
  const gl = selectListener(table, req, host, reasons);
  if (!gl) return { matched: false, status: 404, reasons };
  const tls = req.scheme === 'https' && cluster ? listenerTls(cluster, table, gl, host, reasons) : undefined;
  const withTls = <T extends object>(d: T): T => (tls ? { ...d, tls } : d);
  const query = firstValues(parseQuery(req.query));
  const holding: Candidate[] = [];
  for (const route of gl.routes) {
    const score = hostnameScore(route, host);
    if (!score) continue;
    for (const rule of route.rules) {
      for (const match of rule.matches)
        if (matchHolds(match, req, query)) holding.push({ route, rule, match, host: score });
    }
  }
  if (holding.length === 0) {
    reasons.push(
      `no rule of the ${gl.routes.length} route(s) attached to listener ${gl.listener.name} matches: 404`,
    );
    return withTls({ matched: false as const, status: 404 as const, reasons });
  }
  holding.sort(comparePrecedence);
  const win = holding[0];
  const name = win.route.route;
  const rule = {
    listener: gl.listener.name,
    rule: win.rule.index,
    ...(win.rule.name ? { ruleName: win.rule.name } : {}),
    match: win.match.index,
  };
  reasons.push(
    `${name} rule ${win.rule.index}${win.rule.name ? ` (${win.rule.name})` : ''} matches: ${describeMatch(win.match)}` +
      (holding.length > 1 ? ` (best of ${holding.length} matching entries by precedence)` : ''),
  );
  const base = { kind: 'HTTPRoute' as const, name, rule, matched: true as const };
  const filters: AppliedFilters = {};
  const ctx = { req, port: gl.listener.port, match: win.match, filters, reasons };
  const ruleAnswer = applyFilters(win.rule.filters, ctx, req.headers, '');
  if ('status' in ruleAnswer) return withTls({ ...base, ...ruleAnswer, filters, reasons });
  const candidates = win.rule.candidates.map(({ filters: _f, ...c }) => c);
  const pick = pickCandidate(win.rule.candidates);
  const done = Object.keys(filters).length ? { filters } : {};
  if (!pick.chosen) {
    reasons.push(`${pick.reason}: 500`);
    return withTls({ ...base, status: 500, ...done, candidates, reasons });
  }
  if (!pick.chosen.usable) {
    reasons.push(`${pick.reason} cannot be used: ${pick.chosen.reason}: 500`);
    return withTls({ ...base, status: 500, ...done, candidates, reasons });
  }
  reasons.push(`${pick.reason}: ${pick.chosen.reason}`);
  // httproute_types.go (HTTPBackendRef.Filters): "executed if and only if the request is being
  // forwarded to the backend defined here"; a redirect there answers as one on the rule does
  // (conformance httproute-backend-request-redirect).
  const backendAnswer = applyFilters(pick.chosen.filters, ctx, ruleAnswer.headers, 'backendRef ');
  if ('status' in backendAnswer) return withTls({ ...base, ...backendAnswer, filters, candidates, reasons });
  const backend = {
    service: pick.chosen.name,
    namespace: pick.chosen.namespace,
    port: pick.chosen.port as number,
  };
  return withTls({
    ...base,
    backend,
    ...(Object.keys(filters).length ? { filters } : {}),
    candidates,
    reasons,
  });
}

interface FilterContext {
  req: HttpRequest;
  /** The listener's port, the default a redirect keeps. */
  port: number;
  match: Candidate['match'];
  /** What the filters did so far, filled in. */
  filters: AppliedFilters;
  reasons: string[];
}

/**
 * Applies one list of HTTPRoute filters (a rule's or a backendRef's, named by `where`) in order:
 * the request's headers after them, or the answer the gateway gives itself (a RequestRedirect,
 * or 500 for an ExtensionRef it cannot resolve). Filters that do not change where the request
 * goes or what it carries (ResponseHeaderModifier, RequestMirror, CORS...) are listed as not applied.
 */
function applyFilters(
  list: HTTPRouteFilter[],
  ctx: FilterContext,
  headers: HttpRequest['headers'],
  where: string,
): { headers: HttpRequest['headers'] } | { status: number; location?: string } {
  const { filters, reasons } = ctx;
  for (const f of list) {
    if (f.type === 'RequestRedirect' && f.requestRedirect) {
      const r = applyRedirect(f.requestRedirect, ctx.req, ctx.port, ctx.match);
      filters.requestRedirect = r;
      reasons.push(`${where}RequestRedirect: ${r.statusCode} to ${r.location}`);
      return { status: r.statusCode, location: r.location };
    }
    if (f.type === 'RequestHeaderModifier' && f.requestHeaderModifier) {
      filters.requestHeaderModifier = applyHeaderModifier(
        f.requestHeaderModifier,
        headers,
        filters.requestHeaderModifier,
      );
      headers = filters.requestHeaderModifier.headers;
    } else if (f.type === 'URLRewrite' && f.urlRewrite) {
      filters.urlRewrite = {
        hostname: f.urlRewrite.hostname,
        path: modifyPath(f.urlRewrite.path, ctx.req.path, ctx.match),
      };
    } else if (f.type === 'ExtensionRef') {
      // httproute_types.go (HTTPRouteFilter): an unresolvable custom filter MUST NOT be skipped.
      reasons.push(
        `${where}filter ExtensionRef ${f.extensionRef?.kind}/${f.extensionRef?.name} is not supported: 500`,
      );
      return { status: 500 };
    } else {
      (filters.notApplied ??= []).push(`${where}${f.type}`);
    }
  }
  return { headers };
}

/**
 * The listener on the request's port whose hostname matches most specifically
 * (gateway_types.go: "inbound request hostnames MUST match from the most specific to least
 * specific Hostname values": exact, then longer wildcards, then no hostname); one whose
 * protocol fits the scheme is preferred.
 */
function selectListener(
  table: GatewayTable,
  req: HttpRequest,
  host: string,
  reasons: string[],
): GatewayListener | undefined {
  if (!table.found) return undefined;
  if (table.notAccepted) {
    reasons.push(`Gateway ${table.gateway} is not Accepted (${table.notAccepted}) and programs nothing: 404`);
    return undefined;
  }
  const onPort = table.listeners.filter(
    (l) => l.listener.port === req.port && ['HTTP', 'HTTPS'].includes(l.listener.protocol),
  );
  if (onPort.length === 0) {
    reasons.push(`Gateway ${table.gateway} has no HTTP/HTTPS listener on port ${req.port}: 404`);
    return undefined;
  }
  const want = req.scheme === 'https' ? 'HTTPS' : 'HTTP';
  const spec = (l: GatewayListener): number => {
    const h = l.listener.hostname?.toLowerCase();
    if (!h) return 1;
    if (!gatewayHostMatches(h, host)) return 0;
    return isWildcard(h) ? 2 + h.length : 1000 + h.length;
  };
  let best: GatewayListener | undefined;
  let bestScore = 0;
  for (const l of onPort) {
    const s = spec(l) && spec(l) + (l.listener.protocol === want ? 10000 : 0);
    if (s > bestScore) [best, bestScore] = [l, s];
  }
  if (!best) {
    reasons.push(`no listener on port ${req.port} matches host ${host || '(none)'}: 404`);
    return undefined;
  }
  const lh = best.listener.hostname;
  reasons.push(
    `listener ${best.listener.name} (port ${req.port}, ${best.listener.protocol}${lh ? `, hostname ${lh}` : ', any hostname'}) takes host ${host || '(none)'}`,
  );
  return best;
}

function listenerTls(
  cluster: Cluster,
  table: GatewayTable,
  gl: GatewayListener,
  host: string,
  reasons: string[],
): TlsInfo | undefined {
  const ref = gl.listener.tls?.certificateRefs?.[0];
  if (gl.listener.protocol !== 'HTTPS' || !ref) return undefined;
  const { tls, reason } = inspectTlsSecret(cluster, ref.namespace ?? table.namespace, ref.name, host);
  reasons.push(`https: listener ${gl.listener.name} certificateRef ${ref.name}; ${reason}`);
  return tls;
}
