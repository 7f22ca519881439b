// Compiles one Gateway into a route table: its listeners, and for each the HTTPRoute rules
// attached to it with matches compiled and backendRefs resolved. Built once;
// routeGateway() reads it per request.
import type { Cluster } from '../api/cluster.js';
import { nsName } from '../api/cluster.js';
import { attachRoute } from './gateway-attach.js';
import { resolveBackendRefs } from './gateway-backends.js';
import type { Gateway, HTTPRoute, HTTPRouteFilter, HTTPRouteMatch, Listener } from './gateway-types.js';
import { compileFullRegex, normalizePrefix } from './match.js';
import type { BackendCandidate } from './types.js';

export interface CompiledValueMatch {
  name: string;
  type: string;
  value: string;
  regex?: RegExp;
}

export interface CompiledMatch {
  /** Index in the rule's `matches`; null for a rule without matches. */
  index: number | null;
  pathType: 'Exact' | 'PathPrefix' | 'RegularExpression';
  pathValue: string;
  pathRegex?: RegExp;
  method?: string;
  headers: CompiledValueMatch[];
  queryParams: CompiledValueMatch[];
  /** Why the match can never hold (an invalid regular expression, an unknown type). */
  invalid?: string;
}

export interface CompiledRule {
  index: number;
  name?: string;
  matches: CompiledMatch[];
  filters: HTTPRouteFilter[];
  /** Absent when the rule has no backendRefs (requests get 500). */
  candidates: (BackendCandidate & { filters: HTTPRouteFilter[] })[];
}

export interface AttachedRoute {
  /** `ns/name` */
  route: string;
  creationTimestamp?: string;
  /** Effective hostnames on the listener; empty = every host. */
  hostnames: string[];
  rules: CompiledRule[];
}

export interface GatewayListener {
  listener: Listener;
  routes: AttachedRoute[];
}

export interface GatewayTable {
  gateway: string;
  found: boolean;
  namespace: string;
  listeners: GatewayListener[];
  /** How the Gateway and each route referring to it were handled. */
  notes: string[];
  /** Why the Gateway is not Accepted: it then programs nothing, and every request gets 404. */
  notAccepted?: string;
}

export function buildGatewayTable(cluster: Cluster, gateway: string): GatewayTable {
  const [ns, name] = gateway.includes('/') ? gateway.split('/', 2) : ['default', gateway];
  const gw = (cluster.gateways as Gateway[]).find(
    (g) => g.metadata?.name === name && (g.metadata?.namespace ?? 'default') === ns,
  );
  const table: GatewayTable = {
    gateway: `${ns}/${name}`,
    found: gw !== undefined,
    namespace: ns,
    listeners: [],
    notes: [],
  };
  if (!gw) {
    table.notes.push(`Gateway ${ns}/${name} not found`);
    return table;
  }
  const className = gw.spec?.gatewayClassName;
  const cls = cluster.gatewayClasses.find((c) => c.metadata?.name === className);
  table.notes.push(
    cls
      ? `Gateway ${ns}/${name} of GatewayClass ${className}`
      : `Gateway ${ns}/${name}: GatewayClass ${className} not found (routed anyway)`,
  );
  const rejected = notAccepted(gw);
  if (rejected) {
    table.notAccepted = rejected;
    table.notes.push(`Gateway ${ns}/${name} is not Accepted: ${rejected}`);
    return table;
  }
  table.listeners = (gw.spec?.listeners ?? []).map((listener) => ({ listener, routes: [] }));
  const byListener = new Map(table.listeners.map((l) => [l.listener.name, l]));
  for (const route of cluster.httpRoutes as HTTPRoute[]) {
    const refersHere = (route.spec?.parentRefs ?? []).some(
      (r) => r.name === name && (r.namespace ?? route.metadata?.namespace ?? 'default') === ns,
    );
    if (!refersHere) continue;
    const { attached, reasons } = attachRoute(cluster, gw, route);
    table.notes.push(
      `HTTPRoute ${nsName(route)}: ${reasons.join('; ') || 'no parentRef names this Gateway'}`,
    );
    if (attached.length === 0) continue;
    const rules = compileRules(cluster, route);
    for (const a of attached) {
      byListener.get(a.listener)?.routes.push({
        route: nsName(route),
        creationTimestamp: route.metadata?.creationTimestamp,
        hostnames: a.hostnames,
        rules,
      });
    }
  }
  return table;
}

/** The address types of the Gateway API; domain-prefixed types are implementation-specific. */
const ADDRESS_TYPES = new Set(['IPAddress', 'Hostname', 'NamedAddress']);

/**
 * Why a Gateway is not Accepted by podnet's controller, or null (gateway_types.go): an
 * `infrastructure.parametersRef` "refers to an unsupported kind" (the controller takes no
 * parameters: InvalidParameters, conformance gateway-invalid-parameters-ref), and an address
 * "is a type which is not supported by the implementation" (UnsupportedAddress, conformance
 * gateway-static-addresses).
 */
function notAccepted(gw: Gateway): string | null {
  const ref = gw.spec?.infrastructure?.parametersRef;
  if (ref) {
    return `InvalidParameters: infrastructure.parametersRef ${ref.group ?? ''}/${ref.kind ?? ''} ${ref.name ?? ''} is a kind podnet's controller does not take`;
  }
  const odd = (gw.spec?.addresses ?? []).find((a) => !ADDRESS_TYPES.has(a.type ?? 'IPAddress'));
  if (odd) return `UnsupportedAddress: address type ${odd.type} is not supported`;
  return null;
}

function compileRules(cluster: Cluster, route: HTTPRoute): CompiledRule[] {
  const routeNs = route.metadata?.namespace ?? 'default';
  return (route.spec?.rules ?? []).map((rule, index) => ({
    index,
    name: rule.name,
    // httproute_types.go (HTTPRouteRule.Matches): "If no matches are specified, the default
    // is a prefix path match on "/", which has the effect of matching every HTTP request."
    matches: rule.matches?.length ? rule.matches.map((m, i) => compileMatch(m, i)) : [compileMatch({}, null)],
    filters: rule.filters ?? [],
    candidates: resolveBackendRefs(cluster, routeNs, rule.backendRefs ?? []),
  }));
}

export function compileMatch(m: HTTPRouteMatch, index: number | null): CompiledMatch {
  const type = m.path?.type ?? 'PathPrefix';
  const value = m.path?.value ?? '/';
  const out: CompiledMatch = {
    index,
    pathType: 'PathPrefix',
    pathValue: value,
    headers: [],
    queryParams: [],
  };
  if (type === 'Exact' || type === 'PathPrefix') {
    out.pathType = type;
    if (type === 'PathPrefix') out.pathValue = normalizePrefix(value);
  } else if (type === 'RegularExpression') {
    out.pathType = type;
    out.pathRegex = compileFullRegex(value);
    if (!out.pathRegex) out.invalid = `path regular expression ${value} is invalid`;
  } else {
    out.invalid = `path match type ${type} is not supported`;
  }
  if (m.method) out.method = m.method.toUpperCase();
  out.headers = (m.headers ?? []).map((h) => compileValue(h.name.toLowerCase(), h.type, h.value, out));
  out.queryParams = (m.queryParams ?? []).map((q) => compileValue(q.name, q.type, q.value, out));
  return out;
}

function compileValue(
  name: string,
  type: string | undefined,
  value: string,
  into: CompiledMatch,
): CompiledValueMatch {
  const t = type ?? 'Exact';
  if (t === 'Exact') return { name, type: t, value };
  if (t === 'RegularExpression') {
    const regex = compileFullRegex(value);
    if (!regex) into.invalid = `regular expression ${value} for ${name} is invalid`;
    return { name, type: t, value, regex };
  }
  into.invalid = `match type ${t} for ${name} is not supported`;
  return { name, type: t, value };
}
