// PATCH bodies (api-concepts.md "Patch"; kubectl-wire.md §2.11-2.16): JSON merge patch (RFC 7386),
// JSON patch (RFC 6902) and strategic merge patch with the directives kubectl sends. Pure.
//
// Strategic merge: lists merge by the upstream patch merge key of the field (table below, from the
// `patchMergeKey` tags of k8s.io/api); other lists are replaced. Supported directives: `$patch:
// delete|replace|merge` on maps and list items, `$setElementOrder/<f>`, `$retainKeys`,
// `$deleteFromPrimitiveList/<f>`, null = delete. Not supported: merge keys of kinds outside
// core/apps/batch/networking/discovery (their lists are replaced), `$patch: replace` on primitives.
import type { KubeObject } from '../api/types.js';
import { badRequest, failure, ApiError } from './status.js';

type Json = unknown;
type JsonMap = Record<string, Json>;

const isMap = (v: Json): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/** RFC 7386: maps merge recursively, null deletes, anything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isMap(patch)) return clone(patch);
  const out: JsonMap = isMap(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** The merge key of a list field, given the field names from the root (indexes skipped). */
export function mergeKeyFor(kind: string, fieldPath: string[]): string | undefined {
  const field = fieldPath[fieldPath.length - 1];
  const parent = fieldPath[fieldPath.length - 2];
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'volumes':
    case 'env':
    case 'imagePullSecrets':
      return 'name';
    case 'ports':
      if (parent === 'containers' || parent === 'initContainers' || parent === 'ephemeralContainers')
        return 'containerPort';
      return kind === 'Service' && parent === 'spec' ? 'port' : undefined;
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'hostAliases':
      return 'ip';
    case 'topologySpreadConstraints':
      return 'topologyKey';
    case 'conditions':
      return 'type';
    case 'ownerReferences':
      return 'uid';
    default:
      return undefined;
  }
}

/** Primitive lists merged as sets (patchStrategy:"merge" on a []string). */
const primitiveSetFields = new Set(['finalizers']);

export function strategicMergePatch(kind: string, target: Json, patch: Json, fieldPath: string[] = []): Json {
  if (!isMap(patch)) return clone(patch);
  if (patch.$patch === 'delete') return undefined;
  const base: JsonMap = patch.$patch === 'replace' || !isMap(target) ? {} : { ...target };
  const order: Record<string, Json[]> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith('$setElementOrder/')) {
      order[k.slice('$setElementOrder/'.length)] = v as Json[];
      continue;
    }
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const f = k.slice('$deleteFromPrimitiveList/'.length);
      const drop = new Set((v as Json[]).map((x) => JSON.stringify(x)));
      if (Array.isArray(base[f])) base[f] = (base[f] as Json[]).filter((x) => !drop.has(JSON.stringify(x)));
      continue;
    }
    if (v === null) {
      delete base[k];
      continue;
    }
    const path = [...fieldPath, k];
    if (Array.isArray(v)) base[k] = mergeList(kind, base[k], v, path);
    else {
      const merged = strategicMergePatch(kind, base[k], v, path);
      if (merged === undefined) delete base[k];
      else base[k] = merged;
    }
  }
  for (const [f, want] of Object.entries(order)) {
    if (Array.isArray(base[f]))
      base[f] = reorder(base[f] as Json[], want, mergeKeyFor(kind, [...fieldPath, f]));
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[]);
    for (const k of Object.keys(base)) if (!keep.has(k)) delete base[k];
  }
  return base;
}

function mergeList(kind: string, target: Json, patch: Json[], path: string[]): Json[] {
  const field = path[path.length - 1];
  if (patch.some((x) => isMap(x) && x.$patch === 'replace')) {
    return clone(patch.filter((x) => !(isMap(x) && x.$patch === 'replace')));
  }
  const current = Array.isArray(target) ? [...target] : [];
  const key = mergeKeyFor(kind, path);
  if (!key) {
    if (primitiveSetFields.has(field)) {
      const out = [...current];
      for (const x of patch) if (!out.some((y) => JSON.stringify(y) === JSON.stringify(x))) out.push(x);
      return out;
    }
    return clone(patch.filter((x) => !(isMap(x) && x.$patch === 'delete')));
  }
  for (const item of patch) {
    if (!isMap(item)) continue;
    const i = current.findIndex((c) => isMap(c) && c[key] === item[key]);
    if (item.$patch === 'delete') {
      if (i >= 0) current.splice(i, 1);
    } else if (i >= 0) current[i] = strategicMergePatch(kind, current[i], item, path);
    else current.push(strategicMergePatch(kind, {}, item, path));
  }
  return current;
}

function reorder(items: Json[], order: Json[], key: string | undefined): Json[] {
  const id = (x: Json) => JSON.stringify(key && isMap(x) ? x[key] : x);
  const rank = new Map(order.map((o, i) => [id(o), i]));
  const ranked = items.filter((x) => rank.has(id(x))).sort((a, b) => rank.get(id(a))! - rank.get(id(b))!);
  return [...ranked, ...items.filter((x) => !rank.has(id(x)))];
}

interface JsonPatchOp {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

function pointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw badRequest(`invalid JSON pointer "${p}"`);
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, parts: string[], op: string): { parent: Json; last: string } {
  let cur = doc;
  for (const k of parts.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[Number(k)] : isMap(cur) ? cur[k] : undefined;
    if (cur === undefined)
      throw badRequest(`jsonpatch ${op} operation does not apply: doc is missing path: /${parts.join('/')}`);
  }
  return { parent: cur, last: parts[parts.length - 1] };
}

function getAt(doc: Json, parts: string[]): Json {
  let cur = doc;
  for (const k of parts) cur = Array.isArray(cur) ? cur[Number(k)] : isMap(cur) ? cur[k] : undefined;
  return cur;
}

/** RFC 6902 (add, remove, replace, move, copy, test). A failing `test` is a 422 Invalid. */
export function jsonPatch(target: Json, ops: JsonPatchOp[]): Json {
  if (!Array.isArray(ops)) throw badRequest('a JSON patch must be a list of operations');
  let doc = clone(target);
  for (const o of ops) {
    const parts = pointer(o.path);
    if (o.op === 'test') {
      if (JSON.stringify(getAt(doc, parts)) !== JSON.stringify(o.value))
        throw new ApiError(
          failure(
            422,
            'Invalid',
            `the server rejected our request due to an error in our request: testing value ${o.path} failed`,
          ),
        );
      continue;
    }
    if (o.op === 'move' || o.op === 'copy') {
      const v = clone(getAt(doc, pointer(o.from ?? '')));
      if (v === undefined)
        throw badRequest(`jsonpatch ${o.op} operation does not apply: doc is missing from path: ${o.from}`);
      if (o.op === 'move') doc = jsonPatch(doc, [{ op: 'remove', path: o.from! }]);
      doc = jsonPatch(doc, [{ op: 'add', path: o.path, value: v }]);
      continue;
    }
    if (parts.length === 0) {
      if (o.op === 'remove') throw badRequest('cannot remove the whole document');
      doc = clone(o.value);
      continue;
    }
    const { parent, last } = parentOf(doc, parts, o.op);
    if (Array.isArray(parent)) {
      const i = last === '-' ? parent.length : Number(last);
      if (o.op === 'add') parent.splice(i, 0, clone(o.value));
      else if (i >= parent.length)
        throw badRequest(`jsonpatch ${o.op} operation does not apply: doc is missing key: ${o.path}`);
      else if (o.op === 'remove') parent.splice(i, 1);
      else if (o.op === 'replace') parent[i] = clone(o.value);
      else throw badRequest(`unexpected JSON patch op "${o.op}"`);
    } else if (isMap(parent)) {
      if (o.op !== 'add' && !(last in parent))
        throw badRequest(`jsonpatch ${o.op} operation does not apply: doc is missing key: ${o.path}`);
      if (o.op === 'add' || o.op === 'replace') parent[last] = clone(o.value);
      else if (o.op === 'remove') delete parent[last];
      else throw badRequest(`unexpected JSON patch op "${o.op}"`);
    } else throw badRequest(`jsonpatch ${o.op} operation does not apply: doc is missing path: ${o.path}`);
  }
  return doc;
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  const t = (contentType ?? '').split(';')[0].trim();
  return (
    {
      'application/merge-patch+json': 'merge',
      'application/strategic-merge-patch+json': 'strategic',
      'application/json-patch+json': 'json',
      'application/apply-patch+yaml': 'apply',
    } as const
  )[t];
}

/**
 * The object after the patch. Server-side apply is approximated: the applied configuration is
 * merged into the live object strategically (no field ownership, no conflicts, fields dropped from
 * the configuration are kept).
 */
export function applyPatch(type: PatchType, current: KubeObject, body: Json): KubeObject {
  const kind = current.kind ?? '';
  switch (type) {
    case 'merge':
      return mergePatch(current, body) as KubeObject;
    case 'json':
      return jsonPatch(current, body as JsonPatchOp[]) as KubeObject;
    case 'strategic':
    case 'apply':
      return strategicMergePatch(kind, current, body) as KubeObject;
  }
}
