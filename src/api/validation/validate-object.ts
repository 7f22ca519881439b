// Dispatch on kind. Unknown kinds get only the generic ObjectMeta checks (DNS-1123 subdomain name),
// which is what every built-in resource without its own name rule uses.

import type {
  EndpointSlice,
  Ingress,
  IngressClass,
  KubeObject,
  NetworkPolicy,
  Pod,
  Service,
  Workload,
} from '../types.js';
import { validateConfigMap, validateNamespace, validateNode, validateSecret } from './core.js';
import { validateEndpointSlice } from './endpoint-slice.js';
import type { FieldError } from './field.js';
import { Path } from './field.js';
import { gatewayGroup, validateGatewayObject } from './gateway.js';
import { validateIngress, validateIngressClass } from './ingress.js';
import { validateObjectMeta } from './metadata.js';
import { nameIsDNSSubdomain } from './names.js';
import { validateNetworkPolicy } from './network-policy.js';
import { validatePod } from './pod.js';
import { validateService } from './service.js';
import { validateWorkload } from './workload.js';

const clusterScoped = new Set([
  'Namespace',
  'Node',
  'IngressClass',
  'GatewayClass',
  'ClusterRole',
  'ClusterRoleBinding',
]);

/** All errors of one object (never stops at the first). Unknown kinds: only metadata checks. */
export function validateObject(o: KubeObject): FieldError[] {
  const group = String(o.apiVersion ?? '')
    .split('/')
    .slice(0, -1)
    .join('/');
  if (group === gatewayGroup && ['GatewayClass', 'Gateway', 'HTTPRoute'].includes(String(o.kind))) {
    return validateGatewayObject(o);
  }
  switch (o.kind) {
    case 'Namespace':
      return validateNamespace(o);
    case 'Node':
      return validateNode(o);
    case 'ConfigMap':
      return validateConfigMap(o);
    case 'Secret':
      return validateSecret(o);
    case 'Pod':
      return validatePod(o as Pod);
    case 'Service':
      return validateService(o as Service);
    case 'EndpointSlice':
      return validateEndpointSlice(o as EndpointSlice);
    case 'NetworkPolicy':
      return validateNetworkPolicy(o as NetworkPolicy);
    case 'Ingress':
      return validateIngress(o as Ingress);
    case 'IngressClass':
      return validateIngressClass(o as IngressClass);
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
      return validateWorkload(o as Workload);
    default:
      return validateObjectMeta(
        o.metadata,
        { nameFn: nameIsDNSSubdomain, namespaced: !clusterScoped.has(String(o.kind)) },
        Path.of('metadata'),
      );
  }
}
