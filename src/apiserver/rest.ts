// The REST verbs on one resource: GET (one, list, watch), POST, PUT, PATCH, DELETE (one or the
// collection), and the /status subresource. Dispatches on method and route; reads happen here,
// writes in write.ts, watches in watch.ts, the create-only reviews in reviews.ts.
import type { KubeObject } from '../api/types.js';
import { deleteObject, type DeleteOptions } from '../store/graceful.js';
import type { Route } from './paths.js';
import type { Resource } from './resources.js';
import { listResponse, objectResponse } from './negotiate.js';
import { handleReview } from './reviews.js';
import { objectFilter } from './selectors.js';
import {
  badRequest,
  conflict,
  fromStoreError,
  methodNotAllowed,
  notFound,
  pathNotFound,
  success,
} from './status.js';
import type { ApiContext, ApiRequest, ApiResponse } from './types.js';
import { jsonResponse } from './types.js';
import { handleWatch } from './watch.js';
import { createObject, patchObject, updateObject } from './write.js';

export type ResourceRoute = Extract<Route, { type: 'resource' }>;

export async function handleResource(
  ctx: ApiContext,
  req: ApiRequest,
  route: ResourceRoute,
  r: Resource,
): Promise<ApiResponse> {
  // A namespaced object needs its namespace in the URL; a cluster-scoped one must not have one.
  if ((r.namespaced && route.name && !route.namespace) || (!r.namespaced && route.namespace))
    throw pathNotFound();
  if (r.review) return handleReview(req, route, r);
  const sub = route.subresource;
  if (sub !== undefined && !(sub === 'status' && r.hasStatus)) throw pathNotFound();
  const m = req.method;
  if (route.name === undefined) {
    if (m === 'GET' && isWatch(req.query)) return handleWatch(ctx, req, route, r);
    if (m === 'GET') return list(ctx, req, route, r);
    if (m === 'POST') return createObject(ctx, req, route, r);
    if (m === 'DELETE') return deleteCollection(ctx, req, route, r);
    throw methodNotAllowed(m);
  }
  if (m === 'GET') return objectResponse(ctx, r, getOrThrow(ctx, r, route), req.accept, req.query);
  if (m === 'PUT') return updateObject(ctx, req, route, r);
  if (m === 'PATCH') return patchObject(ctx, req, route, r);
  if (m === 'DELETE' && sub === undefined) return deleteOne(ctx, req, route, r);
  throw methodNotAllowed(m);
}

function isWatch(q: URLSearchParams): boolean {
  const w = q.get('watch');
  return w === 'true' || w === '1';
}

export function getOrThrow(ctx: ApiContext, r: Resource, route: ResourceRoute): KubeObject {
  const obj = ctx.store.get(r.kind, route.namespace, route.name!);
  if (!obj) throw notFound(r.plural, r.group, route.name!);
  return obj;
}

/** Objects of the collection that match the query's selectors, in creation order. */
export function selected(ctx: ApiContext, req: ApiRequest, route: ResourceRoute, r: Resource): KubeObject[] {
  const filter = objectFilter(req.query.get('labelSelector'), req.query.get('fieldSelector'));
  return ctx.store.list(r.kind, route.namespace).filter(filter);
}

/**
 * LIST. `limit`/`continue` page through a consistent prefix: the continue token carries the list's
 * resourceVersion and the offset (objects created or deleted between pages may shift an item).
 */
function list(ctx: ApiContext, req: ApiRequest, route: ResourceRoute, r: Resource): ApiResponse {
  const items = selected(ctx, req, route, r);
  let rv = String(ctx.store.resourceVersion);
  let offset = 0;
  const token = req.query.get('continue');
  if (token) {
    try {
      const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { rv: string; o: number };
      rv = t.rv;
      offset = t.o;
    } catch {
      throw badRequest('invalid continue token');
    }
  }
  const limit = Number(req.query.get('limit') ?? 0);
  let page = items.slice(offset);
  let next: string | undefined;
  if (limit > 0 && page.length > limit) {
    page = page.slice(0, limit);
    next = Buffer.from(JSON.stringify({ rv, o: offset + limit })).toString('base64url');
  }
  return listResponse(
    ctx,
    r,
    page,
    req.accept,
    req.query,
    next ? { resourceVersion: rv, continue: next } : { resourceVersion: rv },
  );
}

async function deleteOne(
  ctx: ApiContext,
  req: ApiRequest,
  route: ResourceRoute,
  r: Resource,
): Promise<ApiResponse> {
  const current = getOrThrow(ctx, r, route);
  if (req.query.get('dryRun') === 'All') return jsonResponse(200, current);
  const opts = deleteOptions(req);
  checkPreconditions(opts, current, r);
  let result: { object: KubeObject; removed: boolean };
  try {
    result = deleteObject(ctx.store, r.kind, route.namespace, route.name!, opts, ctx.now());
  } catch (e) {
    throw fromStoreError(e, r.plural, r.group, route.name!);
  }
  await ctx.flushed?.();
  // A pod marked for graceful deletion is returned as it now is (kubectl then waits for it to go).
  if (!result.removed) return jsonResponse(200, result.object);
  return jsonResponse(
    200,
    success({ name: route.name, group: r.group, kind: r.plural, uid: result.object.metadata?.uid }),
  );
}

/** DeleteOptions from the body (kubectl sends one) or the gracePeriodSeconds query parameter. */
function deleteOptions(req: ApiRequest): DeleteOptions {
  let opts: DeleteOptions = {};
  if (req.body.trim()) {
    try {
      opts = JSON.parse(req.body) as DeleteOptions;
    } catch {
      throw badRequest('the DeleteOptions body could not be decoded as JSON');
    }
  }
  const q = req.query.get('gracePeriodSeconds');
  if (q !== null) {
    if (!/^-?\d+$/.test(q)) throw badRequest(`invalid gracePeriodSeconds "${q}"`);
    opts.gracePeriodSeconds = Number(q);
  }
  return opts;
}

/** DeleteOptions.preconditions (uid, resourceVersion): 409 Conflict when they do not hold. */
function checkPreconditions(opts: DeleteOptions, current: KubeObject, r: Resource): void {
  const p = opts.preconditions;
  const md = current.metadata!;
  if ((p?.uid && p.uid !== md.uid) || (p?.resourceVersion && p.resourceVersion !== md.resourceVersion)) {
    throw conflict(r.plural, r.group, md.name!);
  }
}

async function deleteCollection(
  ctx: ApiContext,
  req: ApiRequest,
  route: ResourceRoute,
  r: Resource,
): Promise<ApiResponse> {
  const items = selected(ctx, req, route, r);
  const deleted =
    req.query.get('dryRun') === 'All'
      ? items
      : items.map(
          (o) =>
            deleteObject(
              ctx.store,
              r.kind,
              o.metadata?.namespace,
              o.metadata!.name!,
              deleteOptions(req),
              ctx.now(),
            ).object,
        );
  await ctx.flushed?.();
  return listResponse(ctx, r, deleted, 'application/json', req.query, {
    resourceVersion: String(ctx.store.resourceVersion),
  });
}
