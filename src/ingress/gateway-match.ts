// One HTTPRouteMatch against one request, and the precedence among matching entries.
// Sources: gateway-api apis/v1/httproute_types.go (HTTPRouteMatch: "all conditions must be
// satisfied"; HTTPHeaderMatch: names case-insensitive; HTTPQueryParamMatch: names and values
// case-sensitive, only the first value of a repeated parameter; HTTPRouteRule.Matches:
// precedence order); conformance tests httproute-matching, -header-matching,
// -query-param-matching, -method-matching, -path-match-order, -matching-across-routes.
import type { AttachedRoute, CompiledMatch, CompiledRule, CompiledValueMatch } from './gateway-table.js';
import { gatewayHostMatches, isWildcard, matchesExact, matchesPrefix } from './match.js';
import type { HttpRequest } from './types.js';

/** True when every condition of the match holds for the request. */
export function matchHolds(m: CompiledMatch, req: HttpRequest, query: Map<string, string>): boolean {
  if (m.invalid) return false;
  if (m.pathType === 'Exact' && !matchesExact(m.pathValue, req.path)) return false;
  if (m.pathType === 'PathPrefix' && !matchesPrefix(m.pathValue, req.path)) return false;
  if (m.pathType === 'RegularExpression' && !m.pathRegex?.test(req.path)) return false;
  if (m.method !== undefined && m.method !== req.method.toUpperCase()) return false;
  if (!m.headers.every((h) => valueHolds(h, req.headers[h.name]))) return false;
  return m.queryParams.every((q) => valueHolds(q, query.get(q.name)));
}

function valueHolds(v: CompiledValueMatch, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  return v.regex ? v.regex.test(actual) : v.value === actual;
}

/** The first value of each query parameter (httproute_types.go HTTPQueryParamMatch). */
export function firstValues(params: [string, string][]): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of params) if (!m.has(k)) m.set(k, v);
  return m;
}

/**
 * How well a route's hostnames match the request host: [characters of a matching
 * non-wildcard hostname, characters of a matching hostname] (httproute_types.go Hostnames:
 * "precedence must be given to rules from the HTTPRoute with the largest number of ...").
 * Undefined when no hostname of the route matches; [0, 0] for a route that takes every host.
 */
export function hostnameScore(route: AttachedRoute, host: string): [number, number] | undefined {
  if (route.hostnames.length === 0) return [0, 0];
  let best: [number, number] | undefined;
  for (const h of route.hostnames) {
    if (!gatewayHostMatches(h, host)) continue;
    const s: [number, number] = isWildcard(h) ? [0, h.length] : [h.length, h.length];
    if (!best || s[0] > best[0] || (s[0] === best[0] && s[1] > best[1])) best = s;
  }
  return best;
}

/** A match that holds, with everything precedence looks at. */
export interface Candidate {
  route: AttachedRoute;
  rule: CompiledRule;
  match: CompiledMatch;
  host: [number, number];
}

const pathRank = { Exact: 2, PathPrefix: 1, RegularExpression: 0 } as const;

/**
 * Orders two holding matches, best first: hostname score; Exact path, then the longest
 * PathPrefix (RegularExpression paths rank after both: implementation-specific); a method
 * match; more header matches; more query-param matches; the older route; the route first
 * by `ns/name`; the earlier rule; the earlier match in the rule.
 */
export function comparePrecedence(a: Candidate, b: Candidate): number {
  return (
    b.host[0] - a.host[0] ||
    b.host[1] - a.host[1] ||
    pathRank[b.match.pathType] - pathRank[a.match.pathType] ||
    (a.match.pathType === 'PathPrefix' ? b.match.pathValue.length - a.match.pathValue.length : 0) ||
    Number(b.match.method !== undefined) - Number(a.match.method !== undefined) ||
    b.match.headers.length - a.match.headers.length ||
    b.match.queryParams.length - a.match.queryParams.length ||
    compareAge(a.route.creationTimestamp, b.route.creationTimestamp) ||
    (a.route.route < b.route.route ? -1 : a.route.route > b.route.route ? 1 : 0) ||
    a.rule.index - b.rule.index ||
    (a.match.index ?? 0) - (b.match.index ?? 0)
  );
}

function compareAge(a: string | undefined, b: string | undefined): number {
  const ta = a ?? '\uffff';
  const tb = b ?? '\uffff';
  return ta === tb ? 0 : ta < tb ? -1 : 1;
}

/** A readable form of a match for reasons. */
export function describeMatch(m: CompiledMatch): string {
  const parts = [`path ${m.pathType} ${m.pathValue}`];
  if (m.method) parts.push(`method ${m.method}`);
  for (const h of m.headers) parts.push(`header ${h.name}${h.type === 'Exact' ? '=' : '~'}${h.value}`);
  for (const q of m.queryParams) parts.push(`query ${q.name}${q.type === 'Exact' ? '=' : '~'}${q.value}`);
  return m.index === null ? `(no matches: ${parts[0]})` : parts.join(', ');
}
