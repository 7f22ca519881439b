// URL routing of the Kubernetes REST API (api-concepts.md "Resource URIs"):
//   /api/v1/{resource}                                   cluster-scoped, or all namespaces
//   /api/v1/{resource}/{name}[/{subresource}]            cluster-scoped object
//   /api/v1/namespaces/{ns}/{resource}[/{name}[/{sub}]]  namespaced
//   /apis/{group}/{version}/...                          the same under a named group
// plus discovery (/api, /apis, /api/v1, /apis/{g}, /apis/{g}/{v}), /version, /metrics, health
// and OpenAPI.
// Pure: a path in, a route out.

export type Route =
  | { type: 'version' }
  | { type: 'metrics' }
  | { type: 'health'; name: string }
  | { type: 'api' }
  | { type: 'apis' }
  | { type: 'group'; group: string }
  | { type: 'groupVersion'; group: string; version: string }
  | { type: 'openapi'; groupVersion?: string }
  | {
      type: 'resource';
      group: string;
      version: string;
      plural: string;
      /** undefined: cluster-scoped resource, or a list across all namespaces. */
      namespace?: string;
      name?: string;
      subresource?: string;
    }
  | { type: 'notFound' };

const health = new Set(['healthz', 'livez', 'readyz']);

export function parsePath(pathname: string): Route {
  const parts = pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  const [first] = parts;
  if (parts.length === 1 && first === 'version') return { type: 'version' };
  if (parts.length === 1 && first === 'metrics') return { type: 'metrics' };
  if (first && health.has(first)) return { type: 'health', name: first };
  if (first === 'openapi' && parts[1] === 'v3') {
    return parts.length === 2
      ? { type: 'openapi' }
      : { type: 'openapi', groupVersion: parts.slice(2).join('/') };
  }
  if (first === 'api') {
    if (parts.length === 1) return { type: 'api' };
    const version = parts[1];
    if (parts.length === 2) return { type: 'groupVersion', group: '', version };
    return resourceRoute('', version, parts.slice(2));
  }
  if (first === 'apis') {
    if (parts.length === 1) return { type: 'apis' };
    if (parts.length === 2) return { type: 'group', group: parts[1] };
    if (parts.length === 3) return { type: 'groupVersion', group: parts[1], version: parts[2] };
    return resourceRoute(parts[1], parts[2], parts.slice(3));
  }
  return { type: 'notFound' };
}

function resourceRoute(group: string, version: string, rest: string[]): Route {
  // `namespaces/{ns}/{resource}...` is namespaced; `namespaces` and `namespaces/{name}[/status]`
  // are the Namespace objects themselves.
  // ...except `namespaces/{name}/status|finalize`, subresources of a Namespace.
  const namespaceSub = rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize');
  if (rest[0] === 'namespaces' && rest.length >= 3 && !namespaceSub) {
    const [, namespace, plural, name, subresource, extra] = rest;
    if (extra !== undefined) return { type: 'notFound' };
    return { type: 'resource', group, version, plural, namespace, name, subresource };
  }
  const [plural, name, subresource, extra] = rest;
  if (extra !== undefined) return { type: 'notFound' };
  return { type: 'resource', group, version, plural, name, subresource };
}

/** The URL path of one object (or of its collection when name is omitted). */
export function objectPath(
  r: { group: string; version: string; plural: string; namespaced: boolean },
  namespace: string | undefined,
  name?: string,
): string {
  const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${r.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
}
