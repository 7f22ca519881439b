// Services and EndpointSlices, as seen from one node, normalized once (STYLE rule 2): one entry
// per Service port with its addresses, traffic policies and the endpoints each policy may use.
// Endpoint choice is the predictor's own (src/analysis/services.ts sliceEndpoints and
// chooseEndpoints), so what `podnet trace` predicts and what this node programs cannot diverge.
// The split into "cluster" and "local" endpoints and the flags below are those of kube-proxy's
// CategorizeEndpoints (pkg/proxy/topology.go) and ServicePortInfo (pkg/proxy/serviceport.go).
import type { ClusterConfig } from '../../api/cluster.js';
import { DEFAULT_AFFINITY_TIMEOUT_SECONDS, isHeadless } from '../../api/service-defaults.js';
import type { EndpointSlice, Node, Service, ServicePort } from '../../api/types.js';
import { SERVICE_NAME_LABEL } from '../../controllers/endpointslice/reconcile.js';
import { parseIPv4 } from '../../lib/netaddr/index.js';
import {
  chooseEndpoints,
  loadBalancerAnnouncer,
  inRanges,
  loadBalancerSourceRanges,
  sliceEndpoints,
  type EndpointCandidate,
} from '../../analysis/services.js';
import {
  affinitySet,
  endpointBase,
  endpointChain,
  externalChain,
  firewallChain,
  localChain,
  serviceChain,
  servicePortBase,
} from './names.js';

/** Everything the Service proxy of one node is rendered from. */
export interface ServiceProxyInput {
  clusterName: string;
  nodeName: string;
  /** The node's InternalIP: the source address of masqueraded traffic. */
  nodeIP: string;
  config: ClusterConfig;
  services: Service[];
  endpointSlices: EndpointSlice[];
  nodes: Node[];
}

export interface EndpointModel {
  ip: string;
  port: number;
  /** `ns/pod` when the endpoint is a pod. */
  pod?: string;
  chain: string;
  /** Session affinity: the timeout set of the clients stuck to this endpoint. */
  affinitySet?: string;
}

export interface LoadBalancerIP {
  ip: string;
  /** The node answering ARP for it (L2 mode). */
  announcer?: string;
}

export interface ServicePortModel {
  /** `ns/name` of the Service. */
  service: string;
  /** `ns/name:port` (`ns/name` for an unnamed port), kube-proxy's ServicePortName: every comment. */
  name: string;
  protocol: 'tcp' | 'udp' | 'sctp';
  clusterIP: string;
  port: number;
  nodePort?: number;
  externalIPs: string[];
  loadBalancerIPs: LoadBalancerIP[];
  /**
   * The sources loadBalancerSourceRanges lets reach the LoadBalancer IPs (empty: every source):
   * the ranges, and the LoadBalancer IPs themselves when a range holds this node's address, since
   * the node reaches an address it holds from that address (kube-proxy's allowFromNode).
   */
  loadBalancerSources: string[];
  /** internalTrafficPolicy Local. */
  internalLocal: boolean;
  /** externalTrafficPolicy Local, for a port reachable from outside. */
  externalLocal: boolean;
  externallyAccessible: boolean;
  /** sessionAffinity ClientIP: seconds a client sticks to its endpoint. */
  affinityTimeout?: number;
  /** Endpoints for Cluster policy (empty when no path uses that policy). */
  cluster: EndpointModel[];
  /** Endpoints for Local policy: this node's (empty when no path uses that policy). */
  local: EndpointModel[];
  /** Some endpoint anywhere can serve: without one, traffic is rejected. */
  hasEndpoints: boolean;
  chains: { cluster: string; local: string; external: string; firewall: string };
}

/** The Service ports of the input, sorted by name, ready to render. */
export function buildServicePorts(input: ServiceProxyInput): ServicePortModel[] {
  const slices = slicesByService(input.endpointSlices);
  const out = input.services.flatMap((svc) => buildPortsOf(input, svc, slices.get(serviceKey(svc)) ?? []));
  return out.sort(byName);
}

/** `ns/name` of a Service: how its EndpointSlices find it. */
export const serviceKey = (svc: Service) => `${svc.metadata.namespace}/${svc.metadata.name}`;

export const byName = (a: { name: string }, b: { name: string }) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/**
 * The ports of one Service, from its own EndpointSlices (the rest of the input only for the
 * node and the Nodes), in the Service's port order: what a partial render redoes for a Service
 * whose objects changed.
 */
export function buildPortsOf(
  input: ServiceProxyInput,
  svc: Service,
  own: EndpointSlice[],
): ServicePortModel[] {
  const spec = svc.spec ?? {};
  // This table is IPv4 (a dual-stack Service may list its IPv6 ClusterIP first); headless and
  // ExternalName Services have no virtual IP to program.
  const clusterIP = (spec.clusterIPs ?? [spec.clusterIP]).find((ip) => ip && isIPv4(ip));
  if (spec.type === 'ExternalName' || isHeadless(svc) || !clusterIP) return [];
  const lbIPs = spec.type === 'LoadBalancer' ? loadBalancerIPs(svc) : [];
  const announcer =
    lbIPs.length > 0
      ? loadBalancerAnnouncer(
          input.nodes,
          sliceEndpoints(own, svc, spec.ports?.[0] ?? { port: 0 }),
          spec.externalTrafficPolicy === 'Local',
        )
      : undefined;
  return (spec.ports ?? []).map((port) =>
    buildPort(
      input,
      svc,
      port,
      clusterIP,
      own,
      lbIPs.map((ip) => ({ ip, announcer })),
      lbIPs.length > 0 ? loadBalancerSources(svc, lbIPs, input.nodeIP) : [],
    ),
  );
}

function loadBalancerSources(svc: Service, lbIPs: string[], nodeIP: string): string[] {
  const ranges = loadBalancerSourceRanges(svc);
  return inRanges(ranges, nodeIP) ? [...ranges, ...lbIPs] : ranges;
}

function buildPort(
  input: ServiceProxyInput,
  svc: Service,
  port: ServicePort,
  clusterIP: string,
  slices: EndpointSlice[],
  loadBalancerIPs: LoadBalancerIP[],
  loadBalancerSources: string[],
): ServicePortModel {
  const spec = svc.spec ?? {};
  const ns = svc.metadata.namespace ?? 'default';
  const protocol = (port.protocol ?? 'TCP').toLowerCase() as ServicePortModel['protocol'];
  const base = servicePortBase(ns, svc.metadata.name ?? '', protocol, port.name ?? '');
  const nodePort =
    (spec.type === 'NodePort' || spec.type === 'LoadBalancer') && port.nodePort ? port.nodePort : undefined;
  const externalIPs = (spec.externalIPs ?? []).filter(isIPv4);
  const externallyAccessible = nodePort !== undefined || externalIPs.length > 0 || loadBalancerIPs.length > 0;
  const internalLocal = spec.internalTrafficPolicy === 'Local';
  const externalLocal = externallyAccessible && spec.externalTrafficPolicy === 'Local';
  // pkg/proxy/serviceport.go: Cluster endpoints are needed unless both policies are Local
  // (even with externalTrafficPolicy Local, pods on this node short-circuit to them).
  const usesCluster = !internalLocal || externallyAccessible;
  const usesLocal = internalLocal || externalLocal;
  const affinityTimeout =
    spec.sessionAffinity === 'ClientIP'
      ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS)
      : undefined;

  const all = sliceEndpoints(slices, svc, port);
  const clusterChoice = chooseEndpoints(all, {
    local: false,
    nodeName: input.nodeName,
    trafficDistribution: spec.trafficDistribution,
  }).candidates;
  const localChoice = chooseEndpoints(all, { local: true, nodeName: input.nodeName }).candidates;
  const endpoint = (c: EndpointCandidate): EndpointModel => {
    const eb = endpointBase(base, c.ip, c.port);
    return {
      ip: c.ip,
      port: c.port,
      ...(c.podName ? { pod: c.podName } : {}),
      chain: endpointChain(eb),
      ...(affinityTimeout !== undefined ? { affinitySet: affinitySet(eb) } : {}),
    };
  };
  return {
    service: `${ns}/${svc.metadata.name}`,
    name: port.name ? `${ns}/${svc.metadata.name}:${port.name}` : `${ns}/${svc.metadata.name}`,
    protocol,
    clusterIP,
    port: port.port,
    ...(nodePort !== undefined ? { nodePort } : {}),
    externalIPs,
    loadBalancerIPs,
    loadBalancerSources,
    internalLocal,
    externalLocal,
    externallyAccessible,
    ...(affinityTimeout !== undefined ? { affinityTimeout } : {}),
    cluster: usesCluster ? distinctSorted(clusterChoice).map(endpoint) : [],
    local: usesLocal ? distinctSorted(localChoice).map(endpoint) : [],
    // Cluster candidates exist exactly when some endpoint anywhere is ready or serving-terminating.
    hasEndpoints: clusterChoice.length > 0,
    chains: {
      cluster: serviceChain(base),
      local: localChain(base),
      external: externalChain(base),
      firewall: firewallChain(base),
    },
  };
}

/** LoadBalancer addresses from status.loadBalancer.ingress (IPv4 ones; hostnames are not ours). */
export function loadBalancerIPs(svc: Service): string[] {
  return (svc.status?.loadBalancer?.ingress ?? [])
    .map((i) => i.ip)
    .filter((ip): ip is string => !!ip && isIPv4(ip));
}

/**
 * The `ns/service` key of the Service an EndpointSlice belongs to, for IPv4 (or unspecified)
 * slices; undefined for the others, which this table does not program.
 */
export function sliceOwner(s: EndpointSlice): string | undefined {
  if (s.addressType !== undefined && s.addressType !== 'IPv4') return undefined;
  return `${s.metadata.namespace}/${s.metadata.labels?.[SERVICE_NAME_LABEL]}`;
}

/** IPv4 EndpointSlices by `ns/service`, so each Service scans only its own. */
export function slicesByService(slices: EndpointSlice[]): Map<string, EndpointSlice[]> {
  const out = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const k = sliceOwner(s);
    if (k === undefined) continue;
    const list = out.get(k);
    if (list) list.push(s);
    else out.set(k, [s]);
  }
  return out;
}

/**
 * One endpoint per address and port, in address order: an endpoint listed in two slices (as
 * during a slice handover) gets one chain, and the rendering does not depend on slice order.
 */
function distinctSorted(cs: EndpointCandidate[]): EndpointCandidate[] {
  const seen = new Map<string, { c: EndpointCandidate; n: number }>();
  for (const c of cs) {
    const k = `${c.ip}:${c.port}`;
    if (seen.has(k)) continue;
    const n = parseIPv4(c.ip);
    if (n !== null) seen.set(k, { c, n });
  }
  return [...seen.values()].sort((a, b) => a.n - b.n || a.c.port - b.c.port).map((x) => x.c);
}

const isIPv4 = (s: string) => parseIPv4(s) !== null;
