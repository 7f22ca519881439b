// Message tables of k8s.io/apimachinery: ObjectMeta and LabelSelector
// (pkg/apis/meta/v1/generated.proto), IntOrString (pkg/util/intstr/generated.proto), Quantity
// (pkg/api/resource/generated.proto) and Time (meta/v1 generated.proto + time_proto.go).
import { field, map, pointer, repeated, type Json, type Message } from './wire.js';

/** metav1.Time: `{1: seconds, 2: nanos}`; JSON is RFC 3339 in whole seconds; empty is the zero time. */
export const Time: Message = {
  fields: { 1: field('seconds', 'int64'), 2: field('nanos', 'int32') },
  // time_proto.go drops the nanoseconds on decode ("our JSON only handled seconds").
  toJson: (m) =>
    typeof m.seconds === 'number'
      ? new Date(m.seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
      : undefined,
};

/** intstr.IntOrString: `{1: type (0 int, 1 string), 2: intVal, 3: strVal}`; JSON is the value itself. */
export const IntOrString: Message = {
  fields: { 1: field('type', 'int64'), 2: field('intVal', 'int32'), 3: field('strVal', 'string') },
  toJson: (m): Json => (m.type === 1 ? (m.strVal ?? '') : (m.intVal ?? 0)),
};

/** resource.Quantity: `{1: string}`; JSON is the string ("500m", "1Gi"). */
export const Quantity: Message = {
  fields: { 1: field('string', 'string') },
  toJson: (m) => m.string,
};

export const OwnerReference: Message = {
  fields: {
    5: field('apiVersion', 'string'),
    1: field('kind', 'string'),
    3: field('name', 'string'),
    4: field('uid', 'string'),
    6: pointer('controller', 'bool'),
    7: pointer('blockOwnerDeletion', 'bool'),
  },
};

/**
 * ObjectMeta without 4 selfLink (deprecated, never set by clients) and 17 managedFields (this
 * server keeps none).
 */
export const ObjectMeta: Message = {
  fields: {
    1: field('name', 'string'),
    2: field('generateName', 'string'),
    3: field('namespace', 'string'),
    5: field('uid', 'string'),
    6: field('resourceVersion', 'string'),
    7: field('generation', 'int64'),
    8: field('creationTimestamp', Time),
    9: pointer('deletionTimestamp', Time),
    10: pointer('deletionGracePeriodSeconds', 'int64'),
    11: map('labels', 'string'),
    12: map('annotations', 'string'),
    13: repeated('ownerReferences', OwnerReference),
    14: repeated('finalizers', 'string'),
  },
};

export const LabelSelectorRequirement: Message = {
  fields: { 1: field('key', 'string'), 2: field('operator', 'string'), 3: repeated('values', 'string') },
};

export const LabelSelector: Message = {
  fields: { 1: map('matchLabels', 'string'), 2: repeated('matchExpressions', LabelSelectorRequirement) },
};
