// One entry point for every API request: route the path, answer discovery/OpenAPI/health, hand
// resource requests to rest.ts, and turn every thrown error into a metav1.Status response.
import {
  AGGREGATED_TYPE,
  aggregatedDiscovery,
  apiResourceList,
  legacyApiGroup,
  legacyApiGroupList,
  legacyApiVersions,
  versionInfo,
} from './discovery.js';
import { wantsAggregatedV2 } from './negotiate.js';
import { openapiDocument, openapiIndex } from './openapi.js';
import { parsePath } from './paths.js';
import { findResource, groupVersions } from './resources.js';
import { handleResource } from './rest.js';
import { ApiError, fromStoreError, methodNotAllowed, pathNotFound } from './status.js';
import type { ApiContext, ApiRequest, ApiResponse } from './types.js';
import { jsonResponse } from './types.js';

export interface RouterOptions {
  /** host:port advertised in the legacy /api answer. */
  serverAddress: string;
  /** The Prometheus text exposition of /metrics; without it /metrics is not found. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
}

export async function handleRequest(
  ctx: ApiContext,
  req: ApiRequest,
  opts: RouterOptions,
): Promise<ApiResponse> {
  try {
    return await route(ctx, req, opts);
  } catch (e) {
    const err = e instanceof ApiError ? e : fromStoreError(e, '', '', '');
    return jsonResponse(err.code, err.status);
  }
}

function readOnly(req: ApiRequest): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(req.method);
}

async function route(ctx: ApiContext, req: ApiRequest, opts: RouterOptions): Promise<ApiResponse> {
  const r = parsePath(req.path);
  switch (r.type) {
    case 'version':
      readOnly(req);
      return jsonResponse(200, versionInfo());
    case 'metrics': {
      readOnly(req);
      if (!opts.metrics) throw pathNotFound();
      const m = await opts.metrics();
      return { status: 200, contentType: m.contentType, body: m.body };
    }
    case 'health':
      readOnly(req);
      return { status: 200, contentType: 'text/plain; charset=utf-8', body: 'ok' };
    case 'api':
      readOnly(req);
      return wantsAggregatedV2(req.accept)
        ? jsonResponse(200, aggregatedDiscovery(true), AGGREGATED_TYPE)
        : jsonResponse(200, legacyApiVersions(opts.serverAddress));
    case 'apis':
      readOnly(req);
      return wantsAggregatedV2(req.accept)
        ? jsonResponse(200, aggregatedDiscovery(false), AGGREGATED_TYPE)
        : jsonResponse(200, legacyApiGroupList());
    case 'group': {
      readOnly(req);
      const g = legacyApiGroup(r.group);
      if (!g) throw pathNotFound();
      return jsonResponse(200, g);
    }
    case 'groupVersion':
      readOnly(req);
      if (!groupVersions().some((gv) => gv.group === r.group && gv.version === r.version))
        throw pathNotFound();
      return jsonResponse(200, apiResourceList(r.group, r.version));
    case 'openapi': {
      readOnly(req);
      const doc = r.groupVersion === undefined ? openapiIndex() : openapiDocument(r.groupVersion);
      if (!doc) throw pathNotFound();
      return jsonResponse(200, doc);
    }
    case 'resource': {
      const res = findResource(r.group, r.version, r.plural);
      if (!res) throw pathNotFound();
      return handleResource(ctx, req, r, res);
    }
    case 'notFound':
      throw pathNotFound();
  }
}
