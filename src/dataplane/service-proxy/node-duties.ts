// What a node must do for Services besides its nftables table, decided from the same input:
// which LoadBalancer IPs it answers ARP for (L2 mode: the agent adds them as /32 on its fabric
// interface, so they are also local addresses and NodePort-style lookups see them), and the
// health check node ports it serves for externalTrafficPolicy Local (kube-proxy's
// pkg/proxy/healthcheck/service_health.go: 200 with local endpoints, 503 without).
import { chooseEndpoints, loadBalancerAnnouncer, sliceEndpoints } from '../../analysis/services.js';
import { loadBalancerIPs, slicesByService, type ServiceProxyInput } from './model.js';

const own = (
  bySvc: ReturnType<typeof slicesByService>,
  svc: { metadata: { namespace?: string; name?: string } },
) => bySvc.get(`${svc.metadata.namespace}/${svc.metadata.name}`) ?? [];

/** The LoadBalancer IPs this node announces, sorted. */
export function announcedAddresses(input: ServiceProxyInput): string[] {
  const out = new Set<string>();
  const slices = slicesByService(input.endpointSlices);
  for (const svc of input.services) {
    if (svc.spec?.type !== 'LoadBalancer') continue;
    const ips = loadBalancerIPs(svc);
    if (ips.length === 0) continue;
    // One announcer per Service (ARP cannot split an address by port): the endpoints of its
    // first port decide, as for `podnet trace` on a single-port Service.
    const endpoints = sliceEndpoints(own(slices, svc), svc, svc.spec.ports?.[0] ?? { port: 0 });
    const local = svc.spec.externalTrafficPolicy === 'Local';
    if (loadBalancerAnnouncer(input.nodes, endpoints, local) === input.nodeName)
      for (const ip of ips) out.add(ip);
  }
  return [...out].sort();
}

export interface HealthCheckTarget {
  namespace: string;
  name: string;
  /** Ready endpoints of the Service on this node (distinct addresses over all its ports). */
  localEndpoints: number;
}

/** healthCheckNodePort -> the Service it reports on, for LoadBalancer Services with eTP Local. */
export function healthCheckNodePorts(input: ServiceProxyInput): Map<number, HealthCheckTarget> {
  const out = new Map<number, HealthCheckTarget>();
  const slices = slicesByService(input.endpointSlices);
  for (const svc of input.services) {
    const spec = svc.spec;
    if (spec?.type !== 'LoadBalancer' || spec.externalTrafficPolicy !== 'Local' || !spec.healthCheckNodePort)
      continue;
    const ready = new Set<string>();
    for (const port of spec.ports ?? []) {
      const { candidates } = chooseEndpoints(sliceEndpoints(own(slices, svc), svc, port), {
        local: true,
        nodeName: input.nodeName,
      });
      // Terminating endpoints still serve, but the check fails so that load balancers drain
      // the node (KEP-1669).
      for (const c of candidates) if (c.endpoint.conditions?.ready !== false) ready.add(c.ip);
    }
    out.set(spec.healthCheckNodePort, {
      namespace: svc.metadata.namespace ?? 'default',
      name: svc.metadata.name ?? '',
      localEndpoints: ready.size,
    });
  }
  return out;
}
