// Service defaulting as the API server does it (pkg/apis/core/v1/defaults.go SetDefaults_Service
// and the Service REST strategy): type, protocol, targetPort, sessionAffinity and its timeout,
// traffic policies, IP families. Allocation of addresses and ports is separate (controllers).
import type { Service, ServiceSpec } from './types.js';

export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10800;

export function isHeadless(svc: Service): boolean {
  return svc.spec?.clusterIP === 'None';
}

export function serviceType(svc: Service): string {
  return svc.spec?.type ?? 'ClusterIP';
}

/** Returns the defaulted spec; the input is not modified. */
export function defaultServiceSpec(spec: ServiceSpec = {}): ServiceSpec {
  const type = spec.type ?? 'ClusterIP';
  const out: ServiceSpec = { ...spec, type };
  out.ports = (spec.ports ?? []).map((p) => ({
    ...p,
    protocol: p.protocol ?? 'TCP',
    targetPort: p.targetPort ?? p.port,
  }));
  if (type === 'ExternalName') return out;
  out.sessionAffinity = spec.sessionAffinity ?? 'None';
  if (out.sessionAffinity === 'ClientIP') {
    out.sessionAffinityConfig = {
      clientIP: {
        timeoutSeconds:
          spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS,
      },
    };
  }
  out.internalTrafficPolicy = spec.internalTrafficPolicy ?? 'Cluster';
  if (type === 'NodePort' || type === 'LoadBalancer')
    out.externalTrafficPolicy = spec.externalTrafficPolicy ?? 'Cluster';
  if (type === 'LoadBalancer') out.allocateLoadBalancerNodePorts = spec.allocateLoadBalancerNodePorts ?? true;
  out.ipFamilies = spec.ipFamilies ?? ['IPv4'];
  out.ipFamilyPolicy = spec.ipFamilyPolicy ?? 'SingleStack';
  return out;
}
