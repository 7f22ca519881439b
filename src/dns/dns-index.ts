// buildDnsIndex: the Cluster normalized once into the maps a question is answered from
// (STYLE rule 2, as CoreDNS object.ToService / object.EndpointSliceToEndpoints and the
// controller's indexes svcIndex, epIndex, svcIPIndex, epIPIndex, podIPIndex).
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
  endpoints: EndpointsInfo[];
}

export interface EndpointRef {
  hostname: string;
  service: string;
  namespace: string;
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
  /** ready endpoint address -> endpoints (CoreDNS epIPIndexFunc); Services need not exist. */
  endpointByIP: Map<string, EndpointRef[]>;
  /** status.podIP -> namespaces of non-terminating pods (CoreDNS podIPIndexFunc, object.ToPod). */
  podNamespacesByIP: Map<string, string[]>;
  /** Addresses of kube-system/kube-dns, answered for `ns.dns.<zone>` (CoreDNS ns.go nsAddrs). */
  nameserverIPs: string[];
}

const key = (name: string, namespace: string) => `${name}.${namespace}`.toLowerCase();

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Protocol as API defaulting leaves it (TCP when omitted). */
const proto = (p: string | undefined) => p ?? 'TCP';

function toService(svc: Service): ServiceInfo {
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
function toEndpoints(slice: EndpointSlice): EndpointsInfo | null {
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

/** Precomputes every map a question needs; rebuild it when objects change. */
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
    podNamespacesByIP: new Map(),
    nameserverIPs: [],
  };
  const byName = (a: { metadata: { name?: string; namespace?: string } }, b: typeof a) =>
    `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`);

  for (const svc of [...cluster.services].sort(byName)) {
    const info = toService(svc);
    index.services.set(key(info.name, info.namespace), info);
    for (const ip of info.clusterIPs) push(index.serviceByIP, ip, info);
  }
  for (const slice of [...cluster.endpointSlices].sort(byName)) {
    const svcName = slice.metadata.labels?.['kubernetes.io/service-name'];
    const eps = svcName ? toEndpoints(slice) : null;
    if (!svcName || !eps) continue;
    const namespace = slice.metadata.namespace ?? 'default';
    index.services.get(key(svcName, namespace))?.endpoints.push(eps);
    for (const a of eps.addresses) {
      push(index.endpointByIP, a.ip, { hostname: a.hostname, service: svcName, namespace });
    }
  }
  for (const pod of cluster.pods) {
    const ip = pod.status?.podIP;
    if (!ip || pod.metadata.deletionTimestamp) continue; // object.ToPod ignores terminating pods
    push(index.podNamespacesByIP, ip.toLowerCase(), pod.metadata.namespace ?? 'default');
  }
  const dns = index.services.get(key('kube-dns', 'kube-system'));
  if (dns) {
    index.nameserverIPs =
      dns.kind === 'Headless' ? dns.endpoints.flatMap((e) => e.addresses.map((a) => a.ip)) : dns.clusterIPs;
  }
  return index;
}
