// The request and decision shapes shared by Ingress and Gateway API routing.
// The JSON of a RouteDecision is the `ingress` field of `podnet trace` (DESIGN.md §3):
// fields may be added, never renamed.

/** One HTTP request as the ingress proxy sees it. */
export interface HttpRequest {
  scheme: 'http' | 'https';
  /** The Host header (the TLS SNI name for https); may carry `:port`, ignored for matching. */
  host: string;
  /** The listener port the request arrived on: 80 / 443 by default. */
  port: number;
  /** The URL path, without the query. */
  path: string;
  /** The raw query string, without '?'. */
  query: string;
  method: string;
  /** Header names are lower-cased. */
  headers: Record<string, string>;
}

/** A Service port the request is proxied to; `port` is the Service port number. */
export interface BackendTarget {
  service: string;
  namespace: string;
  port: number;
}

/** The certificate served for an https request. */
export interface TlsInfo {
  secretName: string;
  secretNamespace: string;
  secretFound: boolean;
  /** Present when the Secret has a parsable `tls.crt`. */
  certCoversHost?: boolean;
}

/** A Gateway API backendRef as considered for a rule, usable or not. */
export interface BackendCandidate {
  kind: string;
  name: string;
  namespace: string;
  port?: number;
  weight: number;
  usable: boolean;
  reason: string;
}

/** The filters of the winning rule (and of its chosen backendRef), as they apply to the request. */
export interface AppliedFilters {
  requestRedirect?: { statusCode: number; location: string };
  requestHeaderModifier?: {
    set: { name: string; value: string }[];
    add: { name: string; value: string }[];
    remove: string[];
    /** The request headers after the modifiers (lower-cased names). */
    headers: Record<string, string>;
  };
  urlRewrite?: { hostname?: string; path?: string };
  /** Filters reported but not acted on by routing (ResponseHeaderModifier, RequestMirror, CORS, ...). */
  notApplied?: string[];
}

export type RouteKind = 'Ingress' | 'HTTPRoute';

/** A rule matched and its backend can be used. */
export interface RoutedDecision {
  kind: RouteKind;
  /** `ns/name` of the Ingress or HTTPRoute. */
  name: string;
  rule: unknown;
  matched: true;
  backend: BackendTarget;
  tls?: TlsInfo;
  filters?: AppliedFilters;
  /** Gateway API: every backendRef of the rule with its weight. */
  candidates?: BackendCandidate[];
  reasons: string[];
}

/** A rule matched and the proxy answers itself: 500 (backend unusable) or a 3xx redirect. */
export interface StatusDecision {
  kind: RouteKind;
  name: string;
  rule: unknown;
  matched: true;
  status: number;
  location?: string;
  tls?: TlsInfo;
  filters?: AppliedFilters;
  candidates?: BackendCandidate[];
  reasons: string[];
}

/** No rule matched: the proxy answers 404. */
export interface UnmatchedDecision {
  matched: false;
  status: 404;
  tls?: TlsInfo;
  reasons: string[];
}

export type RouteDecision = RoutedDecision | StatusDecision | UnmatchedDecision;

export function isRouted(d: RouteDecision): d is RoutedDecision {
  return d.matched && 'backend' in d;
}
