// Which HTTPRoutes attach to which listeners of a Gateway, and with which hostnames.
// Sources: kubernetes-sigs/gateway-api apis/v1/gateway_types.go (Listener, AllowedRoutes,
// RouteNamespaces), apis/v1/shared_types.go (ParentReference: namespace defaults to the
// route's, sectionName and port narrow the listeners), apis/v1/httproute_types.go
// (Hostnames: listener/route intersection); conformance tests
// httproute-invalid-parentref-*, httproute-invalid-cross-namespace-parent-ref,
// httproute-disallowed-kind, httproute-hostname-intersection.
import type { Cluster } from '../api/cluster.js';
import type { Labels } from '../api/types.js';
import { GATEWAY_GROUP, type Gateway, type HTTPRoute, type Listener } from './gateway-types.js';
import { intersectHostnames } from './match.js';
import { selectorMatches } from '../api/selector.js';

/** Route kinds an HTTP/HTTPS listener accepts when allowedRoutes.kinds is empty. */
const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTPS']);

export interface Attachment {
  listener: string;
  /** Effective hostnames on this listener; empty = every host. */
  hostnames: string[];
}

export type AttachResult = { attached: Attachment[]; reasons: string[] };

/** Labels of a namespace, with the automatic `kubernetes.io/metadata.name`. */
export function namespaceLabels(cluster: Cluster, ns: string): Labels {
  const obj = cluster.namespaces.find((n) => n.metadata?.name === ns);
  return { ...(obj?.metadata?.labels ?? {}), 'kubernetes.io/metadata.name': ns };
}

/**
 * Whether a listener admits HTTPRoutes from `routeNs` (gateway_types.go AllowedRoutes:
 * namespaces.from defaults to Same; kinds defaults to the kinds the protocol supports).
 */
export function listenerAllows(
  cluster: Cluster,
  gwNs: string,
  l: Listener,
  routeNs: string,
): string | undefined {
  if (!HTTP_PROTOCOLS.has(l.protocol)) return `listener ${l.name} has protocol ${l.protocol}, not HTTP/HTTPS`;
  const kinds = l.allowedRoutes?.kinds ?? [];
  if (
    kinds.length &&
    !kinds.some((k) => k.kind === 'HTTPRoute' && (k.group ?? GATEWAY_GROUP) === GATEWAY_GROUP)
  ) {
    return `listener ${l.name} allows kinds ${kinds.map((k) => k.kind).join(', ')}, not HTTPRoute`;
  }
  const from = l.allowedRoutes?.namespaces?.from ?? 'Same';
  if (from === 'All') return undefined;
  if (from === 'Same')
    return routeNs === gwNs ? undefined : `listener ${l.name} allows routes from namespace ${gwNs} only`;
  if (from === 'Selector') {
    const sel = l.allowedRoutes?.namespaces?.selector;
    // An absent selector selects every namespace, like an empty one.
    return selectorMatches(sel ?? {}, namespaceLabels(cluster, routeNs))
      ? undefined
      : `listener ${l.name}: namespace ${routeNs} does not match the allowedRoutes selector`;
  }
  return `listener ${l.name}: unknown allowedRoutes.namespaces.from ${from}`;
}

/**
 * Effective hostnames of a route on a listener: the listener's when the route gives none;
 * the route's when the listener gives none; else the intersections. Undefined when both give
 * hostnames and none intersect (the route is not accepted there).
 */
export function effectiveHostnames(
  listenerHost: string | undefined,
  routeHosts: string[],
): string[] | undefined {
  if (!listenerHost) return routeHosts.map((h) => h.toLowerCase());
  if (routeHosts.length === 0) return [listenerHost.toLowerCase()];
  const out = new Set<string>();
  for (const h of routeHosts) {
    const i = intersectHostnames(listenerHost, h);
    if (i !== undefined) out.add(i);
  }
  return out.size ? [...out] : undefined;
}

/** The listeners of `gw` a route attaches to, through each of its parentRefs. */
export function attachRoute(cluster: Cluster, gw: Gateway, route: HTTPRoute): AttachResult {
  const gwNs = gw.metadata?.namespace ?? 'default';
  const gwName = gw.metadata?.name;
  const routeNs = route.metadata?.namespace ?? 'default';
  const listeners = gw.spec?.listeners ?? [];
  const attached = new Map<string, Attachment>();
  const reasons: string[] = [];
  for (const ref of route.spec?.parentRefs ?? []) {
    if ((ref.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP || (ref.kind ?? 'Gateway') !== 'Gateway') continue;
    if (ref.name !== gwName || (ref.namespace ?? routeNs) !== gwNs) continue;
    const narrowed = listeners.filter(
      (l) =>
        (ref.sectionName === undefined || l.name === ref.sectionName) &&
        (ref.port === undefined || l.port === ref.port),
    );
    const refText = `parentRef${ref.sectionName ? ` sectionName ${ref.sectionName}` : ''}${ref.port ? ` port ${ref.port}` : ''}`;
    if (narrowed.length === 0) {
      reasons.push(`${refText} matches no listener (NoMatchingParent)`);
      continue;
    }
    for (const l of narrowed) {
      const denied = listenerAllows(cluster, gwNs, l, routeNs);
      if (denied) {
        reasons.push(`${denied} (NotAllowedByListeners)`);
        continue;
      }
      const hosts = effectiveHostnames(l.hostname, route.spec?.hostnames ?? []);
      if (!hosts) {
        reasons.push(
          `listener ${l.name} hostname ${l.hostname} intersects none of ${route.spec?.hostnames?.join(', ')} (NoMatchingListenerHostname)`,
        );
        continue;
      }
      const prev = attached.get(l.name);
      attached.set(l.name, {
        listener: l.name,
        hostnames: prev ? [...new Set([...prev.hostnames, ...hosts])] : hosts,
      });
      reasons.push(`attached to listener ${l.name}${hosts.length ? ` for ${hosts.join(', ')}` : ''}`);
    }
  }
  return { attached: [...attached.values()], reasons };
}
