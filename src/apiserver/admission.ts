// What the API server does to an object before it is stored: type meta and namespace from the URL,
// generateName, defaulting (Service spec, Secret type, Namespace label and phase), generation, and
// validation with Kubernetes' rules (422 Invalid with one cause per field error), and the Job
// selector generated from a new uid. Pure but for that random uid.
import { randomUUID } from 'node:crypto';
import type { KubeObject, Service } from '../api/types.js';
import { defaultServiceSpec } from '../api/service-defaults.js';
import { validateObject } from '../api/validation/index.js';
import { stableJson } from '../lib/collections/stable-json.js';
import type { Resource } from './resources.js';
import { apiVersionOf } from './resources.js';
import { badRequest, invalid } from './status.js';

export interface AdmitOptions {
  resource: Resource;
  /** The namespace of the URL (undefined for cluster-scoped resources). */
  namespace?: string;
  /** The name of the URL (update/patch), undefined on create. */
  name?: string;
  randomSuffix: () => string;
}

/** Parses a request body as a JSON object (400 otherwise). */
export function parseBody(body: string): KubeObject {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch (e) {
    throw badRequest(`the body of the request could not be decoded as JSON: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw badRequest('the body must be a JSON object');
  return v as KubeObject;
}

/** Fills and checks type meta, namespace and name; returns a fresh object. */
export function prepare(input: KubeObject, opts: AdmitOptions): KubeObject {
  const r = opts.resource;
  const obj: KubeObject = { ...input, metadata: { ...(input.metadata ?? {}) } };
  const md = obj.metadata!;
  const apiVersion = apiVersionOf(r);
  if (obj.kind !== undefined && obj.kind !== r.kind)
    throw badRequest(
      `the kind "${String(obj.kind)}" of the object does not match the resource ${r.plural} (kind ${r.kind})`,
    );
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion)
    throw badRequest(
      `the API version "${String(obj.apiVersion)}" of the object does not match ${apiVersion}`,
    );
  obj.apiVersion = apiVersion;
  obj.kind = r.kind;
  if (r.namespaced) {
    if (md.namespace && opts.namespace && md.namespace !== opts.namespace)
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    md.namespace = md.namespace || opts.namespace;
    if (!md.namespace) throw badRequest('a namespaced object needs a namespace');
  } else delete md.namespace;
  if (opts.name !== undefined) {
    if (md.name && md.name !== opts.name)
      throw badRequest(
        `the name of the object (${md.name}) does not match the name on the URL (${opts.name})`,
      );
    md.name = opts.name;
  } else if (!md.name && md.generateName) {
    md.name = md.generateName + opts.randomSuffix();
  }
  if (!md.name) {
    throw invalid(r.kind, r.group, '', [
      { path: 'metadata.name', type: 'Required value', detail: 'name or generateName is required' },
    ]);
  }
  return obj;
}

/** Defaulting as the upstream REST strategies do it for the kinds podnet needs. */
export function applyDefaults(obj: KubeObject): KubeObject {
  if (obj.kind === 'Service') {
    const svc = obj as Service;
    svc.spec = defaultServiceSpec(svc.spec);
  }
  // SetDefaults_Secret (pkg/apis/core/v1/defaults.go): no type is Opaque.
  if (obj.kind === 'Secret' && !obj.type) obj.type = 'Opaque';
  if (obj.kind === 'Namespace') {
    // The NamespaceDefaultLabelName feature: every namespace carries its name as a label, which
    // is what NetworkPolicy namespaceSelectors match on.
    obj.metadata!.labels = {
      ...(obj.metadata!.labels ?? {}),
      'kubernetes.io/metadata.name': obj.metadata!.name!,
    };
    obj.spec = { finalizers: ['kubernetes'], ...((obj.spec as object) ?? {}) };
    obj.status = { phase: 'Active', ...((obj.status as object) ?? {}) };
  }
  return obj;
}

export function validate(obj: KubeObject, r: Resource): void {
  const errs = validateObject(obj);
  if (errs.length > 0) throw invalid(r.kind, r.group, obj.metadata?.name ?? '', errs);
}

/** A new object for create: prepared, defaulted, generation 1, validated. */
export function admitCreate(input: KubeObject, opts: AdmitOptions): KubeObject {
  const obj = applyDefaults(prepare(input, opts));
  const md = obj.metadata!;
  for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp'] as const) delete md[k];
  md.generation = 1;
  if (obj.kind === 'Job') generateJobSelector(obj);
  validate(obj, opts.resource);
  return obj;
}

/**
 * The Job strategy's generateSelector (pkg/registry/batch/job/strategy.go): unless
 * spec.manualSelector, the Job selects its pods by its own uid, and the pod template carries
 * that uid and the job name as labels, so pods of other workloads are never taken for the Job's.
 * The uid is assigned here, as upstream assigns it before the strategy runs.
 */
function generateJobSelector(job: KubeObject): void {
  const spec = (job.spec ?? {}) as {
    manualSelector?: boolean;
    selector?: unknown;
    template?: { metadata?: { labels?: Record<string, string> } };
  };
  if (spec.manualSelector) return;
  const uid = randomUUID();
  job.metadata!.uid = uid;
  const name = job.metadata!.name!;
  spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  spec.template = {
    ...spec.template,
    metadata: {
      ...spec.template?.metadata,
      labels: {
        ...spec.template?.metadata?.labels,
        'batch.kubernetes.io/controller-uid': uid,
        'batch.kubernetes.io/job-name': name,
        'controller-uid': uid,
        'job-name': name,
      },
    },
  };
  job.spec = spec;
}

/**
 * The object for an update of `current`: identity and server-set metadata are kept, status is
 * kept unless `statusOnly` (the /status subresource keeps everything but status instead), and
 * generation is bumped when the spec changed.
 */
export function admitUpdate(
  input: KubeObject,
  current: KubeObject,
  opts: AdmitOptions & { statusOnly?: boolean },
): KubeObject {
  const prepared = prepare(input, opts);
  let obj: KubeObject;
  if (opts.statusOnly) {
    obj = { ...current, metadata: { ...current.metadata }, status: prepared.status };
    obj.metadata!.resourceVersion = prepared.metadata!.resourceVersion;
  } else {
    obj = applyDefaults(prepared);
    if (opts.resource.hasStatus) obj.status = current.status;
    if (obj.status === undefined) delete obj.status;
    const md = obj.metadata!;
    md.uid = current.metadata!.uid;
    md.creationTimestamp = current.metadata!.creationTimestamp;
    const changed = JSON.stringify(obj.spec) !== JSON.stringify(current.spec);
    md.generation = (current.metadata!.generation ?? 1) + (changed ? 1 : 0);
  }
  validate(obj, opts.resource);
  return obj;
}

/** True when the update would store exactly what is stored (kubectl's "unchanged"/"no change"). */
export function isNoop(next: KubeObject, current: KubeObject): boolean {
  const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return stableJson(strip(next)) === stableJson(strip(current));
}
