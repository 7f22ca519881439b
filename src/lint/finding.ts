// One lint finding and how rules build it. Rules return findings without a source location;
// lint() adds `file` and `line` from the manifests (SourcedObject.lineOf of the field).
import type { KubeObject } from '../api/types.js';
import { CODES, type Code, type Severity } from './codes.js';

export interface Finding {
  code: Code;
  severity: Severity;
  /** `Kind/ns/name` for namespaced objects, `Kind/name` for cluster-scoped ones. */
  object: string;
  /** Kubernetes field path inside the object, e.g. `spec.ingress[0].from[1]`; '' for the whole object. */
  field: string;
  /** What is wrong, why it matters and how to fix it. */
  message: string;
  file?: string;
  line?: number;
}

/** `Kind/ns/name`, or `Kind/name` for an object without a namespace. */
export function objectRef(obj: KubeObject): string {
  const md = obj.metadata ?? {};
  return md.namespace ? `${obj.kind}/${md.namespace}/${md.name}` : `${obj.kind}/${md.name}`;
}

/** A finding of `code` about `obj` (an object, or a ready-made reference string). */
export function finding(code: Code, obj: KubeObject | string, field: string, message: string): Finding {
  return {
    code,
    severity: CODES[code].severity,
    object: typeof obj === 'string' ? obj : objectRef(obj),
    field,
    message,
  };
}

/** `ns/name` of a namespaced object, the way messages name other objects. */
export function nn(obj: KubeObject): string {
  const md = obj.metadata ?? {};
  return md.namespace ? `${md.namespace}/${md.name}` : `${md.name}`;
}

/** "a, b, c and 2 more": lists in messages stay short. */
export function listSome(items: string[], max = 3): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
