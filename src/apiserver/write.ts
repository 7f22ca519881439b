// POST, PUT and PATCH (and their /status forms). Every write goes through admission, skips the
// store when nothing would change (so resourceVersion stays: kubectl's "unchanged"/"no change"),
// honours dryRun=All, and answers only after the write is durable (ctx.flushed).
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../api/types.js';
import { admitCreate, admitUpdate, isNoop, parseBody } from './admission.js';
import { objectResponse } from './negotiate.js';
import { applyPatch, patchTypeOf } from './patch.js';
import { PROTOBUF_TYPE } from './protobuf/envelope.js';
import { decodeKubeProtobuf, ProtobufDecodeError } from './protobuf/kinds.js';
import type { Resource } from './resources.js';
import type { ResourceRoute } from './rest.js';
import {
  badRequest,
  conflict,
  fromStoreError,
  notFound,
  unsupportedMediaType,
  unsupportedProtobuf,
} from './status.js';
import type { ApiContext, ApiRequest, ApiResponse } from './types.js';

/**
 * Decodes a JSON, YAML or Kubernetes protobuf request body (protobuf for the kinds of
 * protobuf/kinds.ts, those kubectl's `create <generator>` and `auth` send: kubectl-wire.md §1.4).
 */
export function decodeBody(req: ApiRequest): KubeObject {
  const type = (req.contentType ?? 'application/json').split(';')[0].trim();
  if (type === PROTOBUF_TYPE) return decodeProtobuf(req.bytes ?? Buffer.from(req.body));
  if (type.includes('protobuf')) throw unsupportedMediaType(type);
  if (type.endsWith('yaml')) {
    try {
      return parseBody(JSON.stringify(parseYaml(req.body)));
    } catch (e) {
      throw badRequest(`the body of the request could not be decoded as YAML: ${(e as Error).message}`);
    }
  }
  return parseBody(req.body);
}

function decodeProtobuf(bytes: Uint8Array): KubeObject {
  try {
    return decodeKubeProtobuf(bytes);
  } catch (e) {
    if (!(e instanceof ProtobufDecodeError)) throw e;
    if (e.code === 'Malformed')
      throw badRequest(`the body of the request could not be decoded as protobuf: ${e.message}`);
    throw unsupportedProtobuf(e.message);
  }
}

const dryRun = (req: ApiRequest) => req.query.get('dryRun') === 'All';

async function commitCreate(
  ctx: ApiContext,
  req: ApiRequest,
  r: Resource,
  obj: KubeObject,
): Promise<ApiResponse> {
  if (!dryRun(req)) {
    try {
      obj = ctx.store.create(obj);
    } catch (e) {
      throw fromStoreError(e, r.plural, r.group, obj.metadata!.name!);
    }
    await ctx.flushed?.();
  }
  return objectResponse(ctx, r, obj, req.accept, req.query, 201);
}

async function commitUpdate(
  ctx: ApiContext,
  req: ApiRequest,
  r: Resource,
  next: KubeObject,
  current: KubeObject,
): Promise<ApiResponse> {
  const rv = next.metadata?.resourceVersion;
  if (rv && rv !== current.metadata?.resourceVersion)
    throw conflict(r.plural, r.group, current.metadata!.name!);
  if (isNoop(next, current)) return objectResponse(ctx, r, current, req.accept, req.query);
  if (!dryRun(req)) {
    try {
      next = ctx.store.update({
        ...next,
        metadata: { ...next.metadata, resourceVersion: current.metadata!.resourceVersion },
      });
    } catch (e) {
      throw fromStoreError(e, r.plural, r.group, current.metadata!.name!);
    }
    await ctx.flushed?.();
  }
  return objectResponse(ctx, r, next, req.accept, req.query);
}

export async function createObject(
  ctx: ApiContext,
  req: ApiRequest,
  route: ResourceRoute,
  r: Resource,
): Promise<ApiResponse> {
  const obj = admitCreate(decodeBody(req), {
    resource: r,
    namespace: route.namespace,
    randomSuffix: ctx.randomSuffix,
  });
  return commitCreate(ctx, req, r, obj);
}

export async function updateObject(
  ctx: ApiContext,
  req: ApiRequest,
  route: ResourceRoute,
  r: Resource,
): Promise<ApiResponse> {
  const current = ctx.store.get(r.kind, route.namespace, route.name!);
  if (!current) throw notFound(r.plural, r.group, route.name!);
  const next = admitUpdate(decodeBody(req), current, {
    resource: r,
    namespace: route.namespace,
    name: route.name,
    randomSuffix: ctx.randomSuffix,
    statusOnly: route.subresource === 'status',
  });
  return commitUpdate(ctx, req, r, next, current);
}

export async function patchObject(
  ctx: ApiContext,
  req: ApiRequest,
  route: ResourceRoute,
  r: Resource,
): Promise<ApiResponse> {
  const type = patchTypeOf(req.contentType);
  if (!type) throw unsupportedMediaType(req.contentType ?? '');
  let body: unknown;
  try {
    body = type === 'apply' ? parseYaml(req.body) : JSON.parse(req.body);
  } catch (e) {
    throw badRequest(`the patch could not be decoded: ${(e as Error).message}`);
  }
  const opts = { resource: r, namespace: route.namespace, name: route.name, randomSuffix: ctx.randomSuffix };
  const current = ctx.store.get(r.kind, route.namespace, route.name!);
  if (!current) {
    // Server-side apply creates a missing object (kubectl-wire.md §2.12).
    if (type !== 'apply' || route.subresource) throw notFound(r.plural, r.group, route.name!);
    return commitCreate(ctx, req, r, admitCreate(body as KubeObject, opts));
  }
  const patched = applyPatch(type, current, body);
  const next = admitUpdate(patched, current, { ...opts, statusOnly: route.subresource === 'status' });
  return commitUpdate(ctx, req, r, next, current);
}
