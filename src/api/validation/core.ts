// Namespace, Node, ConfigMap and Secret: kubernetes/kubernetes pkg/apis/core/validation/validation.go
// (ValidateNamespace, ValidateNode, ValidateConfigMap, ValidateSecret).

import type { KubeObject } from '../types.js';
import { type FieldError, Path, duplicate, invalid, required, tooLong } from './field.js';
import { isDualStack, parseCIDRSloppy, validateCIDR } from './ip.js';
import { validateObjectMeta } from './metadata.js';
import { isConfigMapKey, nameIsDNSLabel, nameIsDNSSubdomain } from './names.js';
import { byteLength, has, list, obj, str, strMap } from './read.js';

const maxDataSize = 1024 * 1024; // core.MaxSecretSize, also the ConfigMap limit

export function validateNamespace(ns: KubeObject): FieldError[] {
  return validateObjectMeta(ns.metadata, { nameFn: nameIsDNSLabel, namespaced: false }, Path.of('metadata'));
}

/** ValidateNode: name, and spec.podCIDRs (v1 `podCIDR` is podCIDRs[0]) canonical, one per family. */
export function validateNode(node: KubeObject): FieldError[] {
  const errs = validateObjectMeta(
    node.metadata,
    { nameFn: nameIsDNSSubdomain, namespaced: false },
    Path.of('metadata'),
  );
  const spec = obj(node.spec) ?? {};
  const cidrs =
    list(spec.podCIDRs).length > 0
      ? list(spec.podCIDRs).map(str)
      : has(spec, 'podCIDR')
        ? [str(spec.podCIDR)]
        : [];
  const p = Path.of('spec', 'podCIDRs');
  cidrs.forEach((c, i) => errs.push(...validateCIDR(p.index(i), c)));
  if (cidrs.length > 1) {
    const parsed = cidrs.map(parseCIDRSloppy);
    if (parsed.every((c) => c) && (!isDualStack(parsed.map((c) => c?.ip.is4 ?? false)) || cidrs.length > 2)) {
      errs.push(invalid(p, cidrs, 'may specify no more than one CIDR for each IP family'));
    }
    const seen = new Set<string>();
    cidrs.forEach((c, i) => {
      if (seen.has(c)) errs.push(duplicate(p.index(i), c));
      seen.add(c);
    });
  }
  return errs;
}

export function validateConfigMap(cm: KubeObject): FieldError[] {
  const errs = validateObjectMeta(
    cm.metadata,
    { nameFn: nameIsDNSSubdomain, namespaced: true },
    Path.of('metadata'),
  );
  const data = strMap(cm.data) ?? {};
  const binary = strMap(cm.binaryData) ?? {};
  let size = 0;
  for (const [bag, other, otherName] of [
    ['data', binary, 'binaryData'],
    ['binaryData', data, 'data'],
  ] as const) {
    for (const [key, value] of Object.entries(bag === 'data' ? data : binary)) {
      const kp = Path.of(bag).key(key);
      errs.push(...isConfigMapKey(key).map((m) => invalid(kp, key, m)));
      if (Object.hasOwn(other, key)) errs.push(invalid(kp, key, `duplicate of key present in ${otherName}`));
      size += byteLength(value);
    }
  }
  if (size > maxDataSize) errs.push(tooLong(Path.of(''), maxDataSize));
  return errs;
}

/** ValidateSecret: data keys (stringData is merged into data first), size, and the TLS type's keys. */
export function validateSecret(secret: KubeObject): FieldError[] {
  const errs = validateObjectMeta(
    secret.metadata,
    { nameFn: nameIsDNSSubdomain, namespaced: true },
    Path.of('metadata'),
  );
  const data = { ...(strMap(secret.data) ?? {}), ...(strMap(secret.stringData) ?? {}) };
  const p = Path.of('data');
  let size = 0;
  for (const [key, value] of Object.entries(data)) {
    errs.push(...isConfigMapKey(key).map((m) => invalid(p.key(key), key, m)));
    size += byteLength(value);
  }
  if (size > maxDataSize) errs.push(tooLong(p, maxDataSize));
  if (secret.type === 'kubernetes.io/tls') {
    for (const key of ['tls.crt', 'tls.key']) if (!Object.hasOwn(data, key)) errs.push(required(p.key(key)));
  }
  return errs;
}
