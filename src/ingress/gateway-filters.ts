// HTTPRoute filters as they apply to one request: RequestRedirect (status + Location),
// RequestHeaderModifier (resulting headers), URLRewrite (reported). Sources: gateway-api
// apis/v1/httproute_types.go (HTTPRequestRedirectFilter, HTTPHeaderFilter, HTTPPathModifier
// and its ReplacePrefixMatch table); conformance tests httproute-redirect-*.go and
// httproute-request-header-modifier.go.
import type { CompiledMatch } from './gateway-table.js';
import type { HTTPHeaderFilter, HTTPPathModifier, HTTPRequestRedirectFilter } from './gateway-types.js';
import { hostnameOf } from './request.js';
import type { AppliedFilters, HttpRequest } from './types.js';

const wellKnownPort: Record<string, number> = { http: 80, https: 443 };

/**
 * The path after a path modifier. ReplacePrefixMatch replaces the matched PathPrefix element
 * by element: /foo/bar with prefix /foo and replacement /xyz/ gives /xyz/bar; an empty
 * result is "/".
 */
export function modifyPath(mod: HTTPPathModifier | undefined, path: string, match: CompiledMatch): string {
  if (!mod) return path;
  if (mod.type === 'ReplaceFullPath') return mod.replaceFullPath ?? path;
  if (mod.type === 'ReplacePrefixMatch' && match.pathType === 'PathPrefix') {
    const prefix = match.pathValue === '/' ? '' : match.pathValue;
    const rest = path.slice(prefix.length);
    const repl = (mod.replacePrefixMatch ?? '').replace(/\/+$/, '');
    const out = repl + (rest === '' || rest.startsWith('/') ? rest : `/${rest}`);
    return out === '' ? '/' : out;
  }
  return path;
}

/**
 * The redirect response: statusCode defaults to 302; scheme, hostname and path default to
 * the request's; port is the filter's, else the scheme's well-known port when a scheme is
 * given, else the listener port; :80 for http and :443 for https are left out.
 */
export function applyRedirect(
  f: HTTPRequestRedirectFilter,
  req: HttpRequest,
  listenerPort: number,
  match: CompiledMatch,
): { statusCode: number; location: string } {
  const scheme = f.scheme ?? req.scheme;
  const host = f.hostname ?? hostnameOf(req.host);
  const port = f.port ?? (f.scheme ? (wellKnownPort[f.scheme] ?? listenerPort) : listenerPort);
  const showPort = wellKnownPort[scheme] !== port;
  const path = modifyPath(f.path, req.path, match);
  const query = req.query ? `?${req.query}` : '';
  return {
    statusCode: f.statusCode ?? 302,
    location: `${scheme}://${host}${showPort ? `:${port}` : ''}${path}${query}`,
  };
}

/**
 * Applies a RequestHeaderModifier to `headers` (names lower-cased): set replaces, add
 * appends to an existing value with ",", remove deletes; names are case-insensitive.
 */
export function applyHeaderModifier(
  f: HTTPHeaderFilter,
  headers: Record<string, string>,
  into?: AppliedFilters['requestHeaderModifier'],
): NonNullable<AppliedFilters['requestHeaderModifier']> {
  const out = { ...headers };
  for (const h of f.set ?? []) out[h.name.toLowerCase()] = h.value;
  for (const h of f.add ?? []) {
    const k = h.name.toLowerCase();
    out[k] = k in out ? `${out[k]},${h.value}` : h.value;
  }
  for (const name of f.remove ?? []) delete out[name.toLowerCase()];
  return {
    set: [...(into?.set ?? []), ...(f.set ?? [])],
    add: [...(into?.add ?? []), ...(f.add ?? [])],
    remove: [...(into?.remove ?? []), ...(f.remove ?? [])],
    headers: out,
  };
}
