// Message tables of Ingress (k8s.io/api networking/v1/generated.proto), as `kubectl create ingress`
// sends it. Status (3) is not decoded: upstream's PrepareForCreate resets it. `pointer` marks the Go
// pointer fields of networking/v1/types.go.
import { ObjectMeta } from './meta.js';
import { field, inline, pointer, repeated, type Message } from './wire.js';

/** IngressBackend without 3 resource (a TypedLocalObjectReference kubectl never sends). */
const IngressBackend: Message = {
  fields: {
    4: pointer('service', {
      fields: {
        1: field('name', 'string'),
        2: field('port', { fields: { 1: field('name', 'string'), 2: field('number', 'int32') } }),
      },
    }),
  },
};

const HTTPIngressPath: Message = {
  fields: {
    1: field('path', 'string'),
    3: pointer('pathType', 'string'),
    2: field('backend', IngressBackend),
  },
};

const IngressRule: Message = {
  fields: {
    1: field('host', 'string'),
    // IngressRuleValue is embedded inline in Go: its `http` is a field of the rule in JSON.
    2: inline({ fields: { 1: pointer('http', { fields: { 1: repeated('paths', HTTPIngressPath) } }) } }),
  },
};

const IngressSpec: Message = {
  fields: {
    4: pointer('ingressClassName', 'string'),
    1: pointer('defaultBackend', IngressBackend),
    2: repeated('tls', { fields: { 1: repeated('hosts', 'string'), 2: field('secretName', 'string') } }),
    3: repeated('rules', IngressRule),
  },
};

export const Ingress: Message = {
  fields: { 1: field('metadata', ObjectMeta), 2: field('spec', IngressSpec) },
};
