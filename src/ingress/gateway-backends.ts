// HTTPRoute backendRefs: resolve each to a Service port (or say why it cannot be used) and
// choose one per request. Sources: gateway-api apis/v1/httproute_types.go (HTTPBackendRef,
// BackendRef.Weight, HTTPRouteRule.BackendRefs: "If all entries in BackendRefs are invalid,
// and there are also no filters specified in this route rule, all traffic which matches this
// rule MUST receive a 500 status code"); apis/v1beta1/referencegrant_types.go; conformance
// tests httproute-invalid-*, httproute-reference-grant, httproute-omitted-backendrefs,
// httproute-weight.
import type { Cluster } from '../api/cluster.js';
import {
  GATEWAY_GROUP,
  type HTTPBackendRef,
  type HTTPRouteFilter,
  type ReferenceGrant,
} from './gateway-types.js';
import type { BackendCandidate } from './types.js';

export type Candidate = BackendCandidate & { filters: HTTPRouteFilter[] };

/**
 * True when a ReferenceGrant in `toNs` lets HTTPRoutes of `fromNs` refer to Service `name`
 * (referencegrant_types.go: from group+kind+namespace; to group+kind, name optional).
 */
export function referenceGranted(
  cluster: Cluster,
  fromNs: string,
  toNs: string,
  name: string,
): string | undefined {
  for (const g of cluster.referenceGrants as ReferenceGrant[]) {
    if ((g.metadata?.namespace ?? 'default') !== toNs) continue;
    const from = (g.spec?.from ?? []).some(
      (f) => (f.group ?? '') === GATEWAY_GROUP && f.kind === 'HTTPRoute' && f.namespace === fromNs,
    );
    const to = (g.spec?.to ?? []).some(
      (t) => (t.group ?? '') === '' && t.kind === 'Service' && (!t.name || t.name === name),
    );
    if (from && to) return `${toNs}/${g.metadata?.name}`;
  }
  return undefined;
}

/** Resolves every backendRef of a rule; unusable ones carry the reason (status 500 when chosen). */
export function resolveBackendRefs(cluster: Cluster, routeNs: string, refs: HTTPBackendRef[]): Candidate[] {
  return refs.map((ref) => {
    const kind = ref.kind ?? 'Service';
    const group = ref.group ?? '';
    const namespace = ref.namespace ?? routeNs;
    const base = {
      kind,
      name: ref.name,
      namespace,
      port: ref.port,
      weight: ref.weight ?? 1,
      filters: ref.filters ?? [],
    };
    const bad = (reason: string): Candidate => ({ ...base, usable: false, reason });
    if (group !== '' || kind !== 'Service')
      return bad(`${group ? `${group}/` : ''}${kind} is not a Service (InvalidKind)`);
    let granted = '';
    if (namespace !== routeNs) {
      const grant = referenceGranted(cluster, routeNs, namespace, ref.name);
      if (!grant)
        return bad(
          `no ReferenceGrant in ${namespace} allows HTTPRoutes from ${routeNs} to Service ${ref.name} (RefNotPermitted)`,
        );
      granted = `, allowed by ReferenceGrant ${grant}`;
    }
    const svc = cluster.services.find(
      (s) => s.metadata?.name === ref.name && (s.metadata?.namespace ?? 'default') === namespace,
    );
    if (!svc) return bad(`Service ${namespace}/${ref.name} not found (BackendNotFound)`);
    if (ref.port === undefined) return bad(`backendRef to Service ${namespace}/${ref.name} has no port`);
    if (svc.spec?.type !== 'ExternalName' && !(svc.spec?.ports ?? []).some((p) => p.port === ref.port)) {
      return bad(`Service ${namespace}/${ref.name} has no port ${ref.port}`);
    }
    return { ...base, usable: true, reason: `Service ${namespace}/${ref.name} port ${ref.port}${granted}` };
  });
}

/**
 * The backend a request goes to, deterministically: the highest weight, the first listed on
 * ties (a real proxy splits by weight; this is the most likely one). Undefined with a reason
 * when the rule has no backendRefs or every weight is 0.
 */
export function pickCandidate(candidates: Candidate[]): { chosen?: Candidate; reason: string } {
  if (candidates.length === 0) return { reason: 'rule has no backendRefs' };
  let chosen: Candidate | undefined;
  for (const c of candidates) if (c.weight > 0 && (!chosen || c.weight > chosen.weight)) chosen = c;
  if (!chosen) return { reason: 'every backendRef has weight 0' };
  const total = candidates.reduce((s, c) => s + Math.max(0, c.weight), 0);
  const share =
    candidates.length > 1
      ? ` (weight ${chosen.weight} of ${total}: highest weight, first listed on ties)`
      : '';
  return { chosen, reason: `backendRef ${chosen.kind} ${chosen.namespace}/${chosen.name}${share}` };
}
