// Path and hostname matching shared by Ingress and Gateway API routing.

/**
 * A Prefix path without its trailing slash ("/" stays "/"): kubernetes/api networking/v1
 * types.go (PathTypePrefix) "Matching is done on a path element by element basis ... a
 * trailing '/' is ignored"; gateway-api httproute_types.go (PathMatchPathPrefix) the same.
 */
export function normalizePrefix(prefix: string): string {
  const p = prefix.replace(/\/+$/, '');
  return p === '' ? '/' : p;
}

/**
 * Element-wise prefix match: `/foo` matches `/foo`, `/foo/` and `/foo/bar`, not `/foobar`
 * (ingress-controller-conformance features/path_rules.feature: "prefix /aaa does not match
 * request /aaaccc"). Case sensitive.
 */
export function matchesPrefix(prefix: string, path: string): boolean {
  const p = normalizePrefix(prefix);
  if (p === '/') return true;
  return path === p || path.startsWith(`${p}/`);
}

/** Exact path match: the whole path, trailing slash included, case sensitive. */
export function matchesExact(value: string, path: string): boolean {
  return value === path;
}

/** True when `host` is a wildcard hostname (`*.example.com`). */
export function isWildcard(host: string): boolean {
  return host.startsWith('*.');
}

/**
 * Ingress host match. kubernetes/api networking/v1 types.go (IngressRule.Host): "a
 * wildcard ... must appear by itself as the first DNS label and matches only a single
 * label"; kubernetes/website ingress.md (Hostname wildcards): `*.foo.com` matches
 * `bar.foo.com`, not `baz.bar.foo.com` nor `foo.com`. Names compare case-insensitively.
 */
export function ingressHostMatches(ruleHost: string, host: string): boolean {
  const rule = ruleHost.toLowerCase();
  if (!isWildcard(rule)) return rule === host;
  const suffix = rule.slice(1); // ".foo.com"
  if (!host.endsWith(suffix)) return false;
  const label = host.slice(0, host.length - suffix.length);
  return label !== '' && !label.includes('.');
}

/**
 * Gateway API hostname match. gateway-api httproute_types.go (Hostnames): "a match for
 * `*.example.com` would match both `test.example.com`, and `foo.test.example.com`, but not
 * `example.com`" — a wildcard covers one or more labels.
 */
export function gatewayHostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  if (!isWildcard(p)) return p === host;
  const suffix = p.slice(1);
  return host.endsWith(suffix) && host.length > suffix.length;
}

/**
 * The intersection of a listener hostname and a route hostname (gateway-api
 * httproute_types.go, Hostnames): the more specific of the two when one covers the other,
 * else undefined. Both may be wildcards.
 */
export function intersectHostnames(listener: string, route: string): string | undefined {
  const l = listener.toLowerCase();
  const r = route.toLowerCase();
  if (l === r) return l;
  if (isWildcard(l) && gatewayHostMatches(l, isWildcard(r) ? r.slice(2) : r)) {
    // `*.example.com` ∩ `*.foo.example.com` = `*.foo.example.com`; ∩ `a.example.com` = itself.
    return isWildcard(r) && r.slice(2) === l.slice(2) ? l : r;
  }
  if (isWildcard(r) && gatewayHostMatches(r, isWildcard(l) ? l.slice(2) : l)) return l;
  return undefined;
}

/** Compiles a RegularExpression match as a full match (RE2-style anchoring); undefined if invalid. */
export function compileFullRegex(source: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${source})$`);
  } catch {
    return undefined;
  }
}
