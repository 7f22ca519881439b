// buildDnsIndex: the Cluster normalized once into the maps a question is answered from
// (STYLE rule 2, as CoreDNS object.ToService / object.EndpointSliceToEndpoints and the
// controller's indexes svcIndex, epIndex, svcIPIndex, epIPIndex, podIPIndex).
// dns-index-update.ts changes an index in place as objects change; whatever it does must leave
// exactly what buildDnsIndex would make of the objects then (its property test checks that). The
// order of Maps and Sets means nothing (they are only looked up); the order of every list does.
import type { Cluster } from '../api/cluster.js';
import type { EndpointSlice, Service } from '../api/types.js';
import { canonicalIP, dashedIP, fqdn } from './names.js';
import type { DnsOptions, PodsMode } from './types.js';

/** A port of a Service or EndpointSlice; port -1 is CoreDNS's sentinel for "no ports declared". */
export interface PortInfo {
  name: string;
  protocol: string;
  port: number;
}

export interface AddressInfo {
  ip: string;
  /** The endpoint's hostname, else its dashed IP (CoreDNS endpointHostname). */
  hostname: string;
}

/** One EndpointSlice's ready addresses and its ports. */
export interface EndpointsInfo {
  slice: string;
  ports: PortInfo[];
  addresses: AddressInfo[];
}

export interface ServiceInfo {
  namespace: string;
  name: string;
  kind: 'ClusterIP' | 'Headless' | 'ExternalName';
  clusterIPs: string[];
  externalName: string;
  ports: PortInfo[];
  /** Its EndpointSlices' endpoints, in namespace/name order of the slices. */
  endpoints: EndpointsInfo[];
}

export interface EndpointRef {
  hostname: string;
  service: string;
  namespace: string;
  /** The EndpointSlice it came from: its place in the list, and what an update of it removes. */
  slice: string;
}

export interface DnsIndex {
  zone: string;
  zones: string[];
  pods: PodsMode;
  ttl: number;
  serial: number;
  namespaces: Set<string>;
  /** key `name.namespace`, lower case (CoreDNS object.ServiceKey). */
  services: Map<string, ServiceInfo>;
  /** ClusterIP -> Services (CoreDNS svcIPIndexFunc), sorted by namespace/name. */
  serviceByIP: Map<string, ServiceInfo[]>;
  /**
   * ready endpoint address -> endpoints (CoreDNS epIPIndexFunc); Services need not exist. In
   * namespace/name order of the slices, then in the slice's order.
   */
  endpointByIP: Map<string, EndpointRef[]>;
  /**
   * The endpoints of slices whose Service does not exist, under the Service's key; they become its
   * `endpoints` when it is created (each slice is in exactly one of the two places).
   */
  orphanEndpoints: Map<string, EndpointsInfo[]>;
  /** status.podIP -> namespaces of non-terminating pods (CoreDNS podIPIndexFunc, object.ToPod), sorted. */
  podNamespacesByIP: Map<string, string[]>;
  /** Addresses of kube-system/kube-dns, answered for `ns.dns.<zone>` (CoreDNS ns.go nsAddrs). */
  nameserverIPs: string[];
}

/** A Service's key in `services`, also of the slices naming it. */
export const serviceKey = (name: string, namespace: string) => `${name}.${namespace}`.toLowerCase();

/** The order of every list built from objects: by namespace/name (compare with localeCompare). */
export const orderOf = (o: { metadata: { name?: string; namespace?: string } }) =>
  `${o.metadata.namespace ?? 'default'}/${o.metadata.name ?? ''}`;

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Protocol as API defaulting leaves it (TCP when omitted). */
const proto = (p: string | undefined) => p ?? 'TCP';

export function toService(svc: Service): ServiceInfo {
  const spec = svc.spec ?? {};
  const ips = spec.clusterIPs?.length ? spec.clusterIPs : [spec.clusterIP ?? ''];
  // object.Service.Headless(): ClusterIPs[0] == "None"; ExternalName is checked first in findServices.
  const kind = spec.type === 'ExternalName' ? 'ExternalName' : ips[0] === 'None' ? 'Headless' : 'ClusterIP';
  const ports = spec.ports?.length
    ? spec.ports.map((p) => ({ name: p.name ?? '', protocol: proto(p.protocol), port: p.port }))
    : [{ name: '', protocol: '', port: -1 }]; // object.ToService: "Add sentinel if there are no ports."
  return {
    namespace: svc.metadata.namespace ?? 'default',
    name: svc.metadata.name ?? '',
    kind,
    clusterIPs: kind === 'ClusterIP' ? ips.flatMap((ip) => canonicalIP(ip) ?? []) : [],
    externalName: spec.externalName ?? '',
    ports,
    endpoints: [],
  };
}

/** object.EndpointSliceToEndpoints: ready (nil = true) addresses, slice ports or the -1 sentinel. */
export function toEndpoints(slice: EndpointSlice): EndpointsInfo | null {
  // FQDN slices (deprecated) carry names, not addresses; a DNS answer cannot use them.
  if (slice.addressType === 'FQDN') return null;
  const ports = slice.ports?.length
    ? slice.ports.map((p) => ({ name: p.name ?? '', protocol: proto(p.protocol), port: p.port ?? -1 }))
    : [{ name: '', protocol: '', port: -1 }];
  const addresses: AddressInfo[] = [];
  for (const ep of slice.endpoints ?? []) {
    if (ep.conditions?.ready === false) continue;
    for (const a of ep.addresses ?? []) {
      const ip = canonicalIP(a);
      if (ip) addresses.push({ ip, hostname: ep.hostname || dashedIP(ip) });
    }
  }
  return { slice: slice.metadata.name ?? '', ports, addresses };
}

/** Precomputes every map a question needs (from scratch; updateDnsIndex follows single changes). */
export function buildDnsIndex(cluster: Cluster, opts: DnsOptions): DnsIndex {
  const zone = fqdn(opts.zone.toLowerCase());
  const index: DnsIndex = {
    zone,
    zones: [zone, 'in-addr.arpa.', 'ip6.arpa.'],
    pods: opts.pods,
    ttl: opts.ttl ?? 5,
    serial: opts.serial ?? 1,
    namespaces: new Set(cluster.namespaces.map((n) => (n.metadata.name ?? '').toLowerCase())),
    services: new Map(),
    serviceByIP: new Map(),
    endpointByIP: new Map(),
    orphanEndpoints: new Map(),
    podNamespacesByIP: new Map(),
    nameserverIPs: [],
  };
  const byName = (a: { metadata: { name?: string; namespace?: string } }, b: typeof a) =>
    orderOf(a).localeCompare(orderOf(b));

  for (const svc of [...cluster.services].sort(byName)) {
    const info = toService(svc);
    index.services.set(serviceKey(info.name, info.namespace), info);
    for (const ip of info.clusterIPs) push(index.serviceByIP, ip, info);
  }
  for (const slice of [...cluster.endpointSlices].sort(byName)) {
    const svcName = slice.metadata.labels?.['kubernetes.io/service-name'];
    const eps = svcName ? toEndpoints(slice) : null;
    if (!svcName || !eps) continue;
    const namespace = slice.metadata.namespace ?? 'default';
    const k = serviceKey(svcName, namespace);
    const svc = index.services.get(k);
    if (svc) svc.endpoints.push(eps);
    else push(index.orphanEndpoints, k, eps);
    for (const a of eps.addresses) {
      push(index.endpointByIP, a.ip, { hostname: a.hostname, service: svcName, namespace, slice: eps.slice });
    }
  }
  for (const pod of cluster.pods) {
    const ip = pod.status?.podIP;
    if (!ip || pod.metadata.deletionTimestamp) continue; // object.ToPod ignores terminating pods
    push(index.podNamespacesByIP, ip.toLowerCase(), pod.metadata.namespace ?? 'default');
  }
  // Sorted, so that the list does not depend on the order the pods came in.
  for (const list of index.podNamespacesByIP.values()) if (list.length > 1) list.sort();
  index.nameserverIPs = nameserverIPs(index);
  return index;
}

/** The addresses of kube-system/kube-dns: its ClusterIPs, or its endpoints when headless. */
export function nameserverIPs(index: DnsIndex): string[] {
  const dns = index.services.get(serviceKey('kube-dns', 'kube-system'));
  if (!dns) return [];
  return dns.kind === 'Headless'
    ? dns.endpoints.flatMap((e) => e.addresses.map((a) => a.ip))
    : dns.clusterIPs;
}
