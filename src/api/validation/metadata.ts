// ObjectMeta checks: k8s.io/apimachinery/pkg/api/validation/objectmeta.go (ValidateObjectMetaAccessor,
// ValidateAnnotations, ValidateOwnerReferences) and pkg/apis/meta/v1/validation/validation.go
// (ValidateLabels, ValidateLabelName).

import type { ObjectMeta } from '../types.js';
import { type FieldError, type Path, invalid, required, tooLong } from './field.js';
import { type NameFunc, isLabelValue, isQualifiedName, nameIsDNSLabel } from './names.js';
import { byteLength, obj, objList, str, strMap } from './read.js';

/** ValidateLabelName: a qualified name. */
export function validateLabelName(name: string, p: Path): FieldError[] {
  return isQualifiedName(name).map((m) => invalid(p, name, m));
}

/**
 * ValidateLabels. Upstream reports every bad key or value at the map's own path
 * (`metadata.labels: Invalid value: "bad key"...`), not at `metadata.labels[key]`.
 */
export function validateLabels(labels: unknown, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(strMap(labels) ?? {})) {
    errs.push(...validateLabelName(k, p));
    errs.push(...isLabelValue(v).map((m) => invalid(p, v, m)));
  }
  return errs;
}

const totalAnnotationSizeLimit = 256 * 1024;

/** ValidateAnnotations: keys are qualified names (checked lower-cased); total size ≤ 256 KiB. */
export function validateAnnotations(annotations: unknown, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(strMap(annotations) ?? {})) {
    errs.push(...isQualifiedName(k.toLowerCase()).map((m) => invalid(p, k, m)));
    size += byteLength(k) + byteLength(v);
  }
  if (size > totalAnnotationSizeLimit) errs.push(tooLong(p, totalAnnotationSizeLimit));
  return errs;
}

function validateOwnerReferences(refs: unknown, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  objList(refs).forEach((ref, i) => {
    const rp = p.index(i);
    const apiVersion = str(ref.apiVersion);
    if (!apiVersion) errs.push(required(rp.child('apiVersion'), 'must not be empty'));
    else if (apiVersion.split('/').length > 2 || apiVersion.endsWith('/'))
      errs.push(invalid(rp.child('apiVersion'), apiVersion, 'must be <group>/<version> or <version>'));
    for (const f of ['kind', 'name', 'uid']) {
      if (!str(ref[f])) errs.push(required(rp.child(f), 'must not be empty'));
    }
    if (ref.controller === true) {
      const name = `${str(ref.kind)}/${str(ref.name)}`;
      if (firstController) {
        errs.push(
          invalid(
            p,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${name}`,
          ),
        );
      } else firstController = name;
    }
  });
  return errs;
}

export interface MetaOptions {
  nameFn: NameFunc;
  /**
   * Namespaced kinds get their namespace from the request (the loader defaults it), so it is only
   * format-checked when present; cluster-scoped kinds ignore it, as core's ValidateObjectMeta does
   * ("namespace should already be cleared before").
   */
  namespaced: boolean;
}

/** ValidateObjectMeta for an object being created (name generation not yet performed). */
export function validateObjectMeta(meta: ObjectMeta | undefined, opts: MetaOptions, p: Path): FieldError[] {
  const m = obj(meta) ?? {};
  const errs: FieldError[] = [];
  const name = str(m.name);
  const generateName = str(m.generateName);
  if (generateName) {
    errs.push(
      ...opts.nameFn(generateName, true).map((msg) => invalid(p.child('generateName'), generateName, msg)),
    );
  }
  if (!name) {
    if (!generateName) errs.push(required(p.child('name'), 'name or generateName is required'));
  } else {
    errs.push(...opts.nameFn(name, false).map((msg) => invalid(p.child('name'), name, msg)));
  }
  const namespace = str(m.namespace);
  if (opts.namespaced && namespace) {
    errs.push(
      ...nameIsDNSLabel(namespace, false).map((msg) => invalid(p.child('namespace'), namespace, msg)),
    );
  }
  if (typeof m.generation === 'number' && m.generation < 0) {
    errs.push(invalid(p.child('generation'), m.generation, 'must be greater than or equal to 0'));
  }
  errs.push(...validateLabels(m.labels, p.child('labels')));
  errs.push(...validateAnnotations(m.annotations, p.child('annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, p.child('ownerReferences')));
  return errs;
}
