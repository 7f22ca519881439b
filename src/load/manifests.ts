// From manifest texts to the objects of one input: parse, recognise kinds, validate with
// Kubernetes' rules, and let a later object replace an earlier one with the same identity.
import { formatFieldError, validateObject, warningsForObject } from '../api/validation/index.js';
import type { KubeObject } from '../api/types.js';
import { lookupKind } from './kinds.js';
import { parseManifests, type SourcedObject } from './parse.js';
import type { ManifestText } from './read.js';

export interface Duplicate {
  key: string;
  first: string;
  second: string;
}

export interface LoadedManifests {
  /** Known kinds, valid, deduplicated; input order of first appearance. */
  objects: SourcedObject[];
  warnings: string[];
  /** Every problem that makes the input unusable, each prefixed with `file:line:`. */
  errors: string[];
  duplicates: Duplicate[];
}

export function objectKey(obj: KubeObject): string {
  const md = obj.metadata ?? {};
  return `${obj.kind}/${md.namespace ?? ''}/${md.name ?? ''}`;
}

export function describeObject(obj: KubeObject): string {
  const md = obj.metadata ?? {};
  return `${obj.kind} ${md.namespace ? `${md.namespace}/` : ''}${md.name ?? '<unnamed>'}`;
}

function where(o: SourcedObject, path?: string): string {
  return `${o.file}:${path ? o.lineOf(path) : o.line}`;
}

export function loadManifests(texts: ManifestText[]): LoadedManifests {
  const errors: string[] = [];
  const warnings: string[] = [];
  const byKey = new Map<string, SourcedObject>();
  const duplicates: Duplicate[] = [];

  for (const { file, text } of texts) {
    const parsed = parseManifests(text, file);
    errors.push(...parsed.errors);
    for (const o of parsed.objects) {
      const { kind, apiVersion } = o.object;
      if (typeof kind !== 'string' || !kind) {
        errors.push(`${where(o)}: kind: Required value: every object needs apiVersion and kind`);
        continue;
      }
      if (typeof apiVersion !== 'string' || !apiVersion) {
        errors.push(`${where(o)}: ${kind}: apiVersion: Required value`);
        continue;
      }
      const info = lookupKind(kind, apiVersion);
      if (!info) {
        warnings.push(`${where(o)}: ignoring ${kind} (${apiVersion}): podnet does not model this kind`);
        continue;
      }
      const md = (o.object.metadata ??= {});
      // kubectl puts namespaced objects without a namespace into `default`.
      if (info.namespaced && !md.namespace) md.namespace = 'default';
      if (!info.namespaced && md.namespace) delete md.namespace;
      const fieldErrors = validateObject(o.object);
      for (const fe of fieldErrors) {
        errors.push(`${where(o, fe.path)}: ${describeObject(o.object)}: ${formatFieldError(fe)}`);
      }
      if (fieldErrors.length > 0) continue;
      for (const fw of warningsForObject(o.object)) {
        warnings.push(`${where(o, fw.path)}: ${describeObject(o.object)}: ${fw.path}: ${fw.detail}`);
      }
      const key = objectKey(o.object);
      const earlier = byKey.get(key);
      if (earlier) {
        // Map.set keeps the first position: an update does not change when an object was created.
        duplicates.push({ key, first: where(earlier), second: where(o) });
      }
      byKey.set(key, o);
    }
  }
  return { objects: [...byKey.values()], warnings, errors, duplicates };
}
