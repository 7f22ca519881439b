// Requests: parse a URL given on the command line into an HttpRequest, and the small
// normalisations both routers share (Host without port, query parameters).
import type { HttpRequest } from './types.js';

/** Thrown for a URL or header that cannot be a request; `code` is stable. */
export class RequestParseError extends Error {
  readonly code: 'InvalidURL' | 'UnsupportedScheme' | 'InvalidHeader';
  constructor(code: RequestParseError['code'], message: string) {
    super(message);
    this.name = 'RequestParseError';
    this.code = code;
  }
}

const defaultPorts = { http: 80, https: 443 } as const;

/**
 * Parses `http(s)://host[:port]/path?query` into a request. `headers` are "Name:Value"
 * strings (names lower-cased, repeated names joined with ", " as RFC 9110 §5.3 allows);
 * a `Host` header replaces the URL's host (DESIGN.md §3). The listener port is the URL's
 * port, else 80 / 443. Throws RequestParseError.
 */
export function parseRequestUrl(url: string, method = 'GET', headers: string[] = []): HttpRequest {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RequestParseError('InvalidURL', `not a URL: ${url}`);
  }
  const scheme = u.protocol.replace(/:$/, '');
  if (scheme !== 'http' && scheme !== 'https') {
    throw new RequestParseError('UnsupportedScheme', `scheme ${scheme} is not http or https: ${url}`);
  }
  const parsed: Record<string, string> = {};
  for (const h of headers) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new RequestParseError('InvalidHeader', `header is not Name:Value: ${h}`);
    const name = h.slice(0, colon).trim().toLowerCase();
    const value = h.slice(colon + 1).trim();
    parsed[name] = name in parsed ? `${parsed[name]}, ${value}` : value;
  }
  if (!('host' in parsed)) parsed.host = u.host;
  return {
    scheme,
    host: parsed.host,
    port: u.port ? Number(u.port) : defaultPorts[scheme],
    path: u.pathname || '/',
    query: u.search.replace(/^\?/, ''),
    method: method.toUpperCase(),
    headers: parsed,
  };
}

/**
 * The name a Host header carries: port removed, lower-cased, trailing dot removed.
 * Gateway API httproute_types.go (Hostnames): "Implementations MUST ignore any port value
 * specified in the HTTP Host header while performing a match"; DESIGN.md §3 says the same
 * for Ingress. An IPv6 literal keeps its brackets.
 */
export function hostnameOf(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? h : h.slice(0, end + 1);
  }
  const colon = h.lastIndexOf(':');
  if (colon >= 0 && /^\d*$/.test(h.slice(colon + 1))) h = h.slice(0, colon);
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

/**
 * Query parameters in order of appearance, percent-decoded ('+' is a space, as in
 * application/x-www-form-urlencoded). A malformed escape keeps the raw text.
 */
export function parseQuery(query: string): [string, string][] {
  const out: [string, string][] = [];
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    out.push([decode(name), decode(value)]);
  }
  return out;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
