// What kube-proxy decides for a packet addressed to a Service: which Service and port the
// destination (address, port, protocol) names, and which endpoints are candidates. Rules from
// kubernetes pkg/proxy (topology.go CategorizeEndpoints, the nftables proxier) and KEPs 1669
// (terminating endpoints), 2086 (internalTrafficPolicy), 4444 (trafficDistribution).
import type { Cluster } from '../api/cluster.js';
import { isHeadless } from '../api/service-defaults.js';
import type { Endpoint, EndpointSlice, Node, Protocol, Service, ServicePort } from '../api/types.js';
import { nodeInternalIP } from '../controllers/kubelet-sim.js';
import { SERVICE_NAME_LABEL } from '../controllers/endpointslice/reconcile.js';
import { lbAddress } from '../controllers/loadbalancer.js';
import { cidrContains, formatCIDR, parseCIDR, parseIP } from '../lib/netaddr/index.js';

export type ServiceAccess = 'clusterIP' | 'nodePort' | 'loadBalancer' | 'externalIP';

export interface ServiceHit {
  service: Service;
  port: ServicePort;
  access: ServiceAccess;
  /** For nodePort access: the node whose address was used. */
  node?: Node;
}

export interface EndpointCandidate {
  ip: string;
  port: number;
  nodeName?: string;
  podName?: string;
  endpoint: Endpoint;
}

export interface EndpointChoice {
  candidates: EndpointCandidate[];
  /** All endpoints of the port before traffic policies narrowed them. */
  all: EndpointCandidate[];
  reason: string;
}

/** The Service (and port) a destination address names, if any. */
export function findServiceByAddress(
  cluster: Cluster,
  ip: string,
  port: number,
  protocol: Protocol,
): ServiceHit | { service: Service; port?: undefined; access: ServiceAccess } | undefined {
  for (const svc of cluster.services) {
    const spec = svc.spec ?? {};
    const ports = spec.ports ?? [];
    const match = (pred: (p: ServicePort) => boolean) =>
      ports.find((p) => (p.protocol ?? 'TCP') === protocol && pred(p));
    if (!isHeadless(svc) && (spec.clusterIPs ?? [spec.clusterIP]).includes(ip)) {
      const p = match((sp) => sp.port === port);
      return p ? { service: svc, port: p, access: 'clusterIP' } : { service: svc, access: 'clusterIP' };
    }
    if ((spec.externalIPs ?? []).includes(ip)) {
      const p = match((sp) => sp.port === port);
      if (p) return { service: svc, port: p, access: 'externalIP' };
    }
    if (spec.type === 'LoadBalancer' && lbAddress(svc) === ip) {
      const p = match((sp) => sp.port === port);
      return p ? { service: svc, port: p, access: 'loadBalancer' } : { service: svc, access: 'loadBalancer' };
    }
  }
  const node = cluster.nodes.find((n) => nodeInternalIP(n) === ip);
  if (node) {
    for (const svc of cluster.services) {
      if (svc.spec?.type !== 'NodePort' && svc.spec?.type !== 'LoadBalancer') continue;
      const p = (svc.spec.ports ?? []).find(
        (sp) => sp.nodePort === port && (sp.protocol ?? 'TCP') === protocol,
      );
      if (p) return { service: svc, port: p, access: 'nodePort', node };
    }
  }
  return undefined;
}

/** Every endpoint of a Service port, from its EndpointSlices (ours or given in the input). */
export function serviceEndpoints(cluster: Cluster, svc: Service, port: ServicePort): EndpointCandidate[] {
  return sliceEndpoints(cluster.endpointSlices, svc, port);
}

/**
 * Every endpoint of a Service port found in `slices`; slices of other Services are skipped, so
 * callers with many Services pass each one only its own slices (linear, not Services × slices).
 * The data plane (src/dataplane/service-proxy) and the predictor both start here.
 */
export function sliceEndpoints(
  slices: EndpointSlice[],
  svc: Service,
  port: ServicePort,
): EndpointCandidate[] {
  const out: EndpointCandidate[] = [];
  const name = port.name ?? '';
  for (const slice of slices) {
    if (
      slice.metadata.namespace !== svc.metadata.namespace ||
      slice.metadata.labels?.[SERVICE_NAME_LABEL] !== svc.metadata.name
    )
      continue;
    const sp = (slice.ports ?? []).find(
      (p) => (p.name ?? '') === name && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'),
    );
    if (!sp || sp.port === undefined) continue;
    for (const ep of slice.endpoints ?? []) {
      for (const ip of ep.addresses) {
        out.push({
          ip,
          port: sp.port,
          nodeName: ep.nodeName,
          podName:
            ep.targetRef?.kind === 'Pod' ? `${ep.targetRef.namespace}/${ep.targetRef.name}` : undefined,
          endpoint: ep,
        });
      }
    }
  }
  return out;
}

// EndpointConditions: a nil ready means ready; a nil serving takes the value of ready
// (discovery/v1 types.go).
const isReady = (c: EndpointCandidate) => c.endpoint.conditions?.ready !== false;
const isServingTerminating = (c: EndpointCandidate) =>
  (c.endpoint.conditions?.serving ?? isReady(c)) && c.endpoint.conditions?.terminating === true;

/**
 * The endpoints a packet may go to. `local` is true when the traffic policy that applies is
 * Local (internalTrafficPolicy for traffic from inside, externalTrafficPolicy for NodePort and
 * LoadBalancer traffic from outside); `nodeName` is the node the packet is on.
 */
export function chooseEndpoints(
  all: EndpointCandidate[],
  opts: { local: boolean; nodeName?: string; trafficDistribution?: string; zone?: string },
): EndpointChoice {
  if (opts.local) {
    // Local policy falls back to terminating endpoints on its own: this node's serving-terminating
    // endpoints are used when it has no ready one, even if other nodes do (KEP-1669;
    // pkg/proxy/topology.go CategorizeEndpoints).
    const here = all.filter((c) => c.nodeName === opts.nodeName);
    let local = here.filter(isReady);
    let why = `${local.length} ready endpoint${local.length === 1 ? '' : 's'} on node ${opts.nodeName}`;
    if (local.length === 0) {
      local = here.filter(isServingTerminating);
      if (local.length > 0)
        why = `no ready endpoint on node ${opts.nodeName}; its ${local.length} serving terminating endpoint(s) used (KEP-1669)`;
    }
    return { candidates: local, all, reason: `traffic policy Local: ${why}` };
  }
  // Ready endpoints when there are any; else serving-but-terminating ones (KEP-1669).
  let usable = all.filter(isReady);
  let why = `${usable.length} ready endpoint${usable.length === 1 ? '' : 's'}`;
  if (usable.length === 0) {
    usable = all.filter(isServingTerminating);
    if (usable.length > 0)
      why = `no ready endpoints; ${usable.length} serving terminating endpoint(s) used (KEP-1669)`;
  }
  if (opts.trafficDistribution === 'PreferSameNode' || opts.trafficDistribution === 'PreferClose') {
    const near = usable.filter((c) => c.nodeName === opts.nodeName);
    if (near.length > 0)
      return {
        candidates: near,
        all,
        reason: `${why}; trafficDistribution ${opts.trafficDistribution} prefers the ${near.length} on node ${opts.nodeName}`,
      };
  }
  return { candidates: usable, all, reason: why };
}

/**
 * The IPv4 prefixes of spec.loadBalancerSourceRanges, spaces trimmed and host bits cleared, as
 * kube-proxy reads them (pkg/proxy/serviceport.go: ranges of the other family are ignored by
 * this family's proxy; its tests keep " 203.0.113.0/25" working). Empty: no restriction.
 */
export function loadBalancerSourceRanges(svc: Service): string[] {
  if (svc.spec?.type !== 'LoadBalancer') return [];
  return (svc.spec.loadBalancerSourceRanges ?? []).flatMap((r) => {
    const c = parseCIDR(r.trim());
    return c?.family === 4 ? [formatCIDR(c)] : [];
  });
}

/**
 * Whether `source` lies in one of the prefixes (as loadBalancerSourceRanges gives them): with
 * ranges, what decides if traffic to a LoadBalancer IP passes kube-proxy's firewall chain.
 */
export function inRanges(ranges: string[], source: string): boolean {
  const ip = parseIP(source);
  return !!ip && ranges.some((r) => cidrContains(parseCIDR(r)!, ip));
}

/**
 * The node that answers ARP for a Service's LoadBalancer IP (L2 mode, as MetalLB does it):
 * with externalTrafficPolicy Local, the node of the first ready endpoint (so the traffic lands
 * where an endpoint is); otherwise, or when no endpoint is ready, the first node. Used by
 * `podnet trace` and by the node agent that adds the address (dataplane/service-proxy).
 */
export function loadBalancerAnnouncer(
  nodes: Node[],
  endpoints: EndpointCandidate[],
  local: boolean,
): string | undefined {
  if (local) {
    const withEndpoint = endpoints.find((c) => isReady(c) && c.nodeName)?.nodeName;
    if (withEndpoint) return withEndpoint;
  }
  return nodes[0]?.metadata.name;
}
