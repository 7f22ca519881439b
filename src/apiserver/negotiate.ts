// Content negotiation (kubectl-wire.md §1.1, §3): the Accept header's media-type parameters decide
// between Table, aggregated discovery and plain JSON. Pure.
import type { KubeObject, Pod } from '../api/types.js';
import type { Resource } from './resources.js';
import { toTable, type IncludeObject } from './table.js';
import { jsonResponse, TABLE_TYPE, type ApiContext, type ApiResponse } from './types.js';

export interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export function parseAccept(accept: string): MediaRange[] {
  return accept
    .split(',')
    .map((part) => {
      const [type, ...ps] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of ps) {
        const eq = p.indexOf('=');
        if (eq > 0) params[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
      }
      return { type, params };
    })
    .filter((m) => m.type !== '');
}

/** The client asks for meta.k8s.io Table (v1 or v1beta1; both get the v1 shape). */
export function wantsTable(accept: string): boolean {
  return parseAccept(accept).some(
    (m) => m.params.as === 'Table' && (m.params.g ?? 'meta.k8s.io') === 'meta.k8s.io',
  );
}

/** The aggregated-discovery version asked for: only v2 is served (v2beta1 clients get legacy). */
export function wantsAggregatedV2(accept: string): boolean {
  return parseAccept(accept).some(
    (m) =>
      m.params.as === 'APIGroupDiscoveryList' && m.params.g === 'apidiscovery.k8s.io' && m.params.v === 'v2',
  );
}

export function includeObjectOf(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function podsFor(ctx: ApiContext, r: Resource): Pod[] {
  return r.kind === 'Node' ? (ctx.store.list('Pod') as Pod[]) : [];
}

/** A list (or Table) response for objects of one resource. */
export function listResponse(
  ctx: ApiContext,
  r: Resource,
  items: KubeObject[],
  accept: string,
  query: URLSearchParams,
  meta: { resourceVersion: string; continue?: string },
): ApiResponse {
  if (wantsTable(accept)) {
    const table = toTable(r.kind, items, {
      includeObject: includeObjectOf(query),
      resourceVersion: meta.resourceVersion,
      pods: podsFor(ctx, r),
      now: ctx.now(),
    });
    if (meta.continue) table.metadata.continue = meta.continue;
    return jsonResponse(200, table, TABLE_TYPE);
  }
  return jsonResponse(200, {
    kind: `${r.kind}List`,
    apiVersion: r.group ? `${r.group}/${r.version}` : r.version,
    metadata: meta,
    items,
  });
}

/** One object, as itself or as a one-row Table. */
export function objectResponse(
  ctx: ApiContext,
  r: Resource,
  obj: KubeObject,
  accept: string,
  query: URLSearchParams,
  status = 200,
): ApiResponse {
  if (wantsTable(accept)) {
    const table = toTable(r.kind, [obj], {
      includeObject: includeObjectOf(query),
      resourceVersion: obj.metadata?.resourceVersion,
      pods: podsFor(ctx, r),
      now: ctx.now(),
    });
    return jsonResponse(status, table, TABLE_TYPE);
  }
  return jsonResponse(status, obj);
}
