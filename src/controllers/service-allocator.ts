// ClusterIP and NodePort allocation with the API server's rules, as a controller so it runs
// the same against any store: ClusterIPs from the service CIDR (addresses written in the
// input are kept; `kube-system/kube-dns` gets .10 and `default/kubernetes` .1 as on every
// kubeadm cluster); dynamic allocation starts above the static band of KEP-3070
// (min(max(16, size/16), 256) addresses) and goes up in order, so results are reproducible.
// NodePorts from the node port range for NodePort and LoadBalancer Services, and a health check
// node port for `externalTrafficPolicy: Local` LoadBalancers.
import { cidrAddress, cidrSize, formatIP, parseCIDR } from '../lib/netaddr/index.js';
import type { ClusterConfig } from '../api/cluster.js';
import { defaultServiceSpec, isHeadless } from '../api/service-defaults.js';
import type { Service, ServiceSpec } from '../api/types.js';
import type { ObjectClient } from '../store/client.js';
import type { Controller } from './controller.js';

const WELL_KNOWN: Record<string, bigint> = { 'default/kubernetes': 1n, 'kube-system/kube-dns': 10n };

export interface Allocator {
  clusterIP(key: string): string | undefined;
  nodePort(): number | undefined;
}

export function makeAllocator(services: Service[], config: ClusterConfig): Allocator {
  const cidr = parseCIDR(config.serviceCIDR)!;
  const size = cidrSize(cidr);
  const staticBand = size / 16n < 16n ? 16n : size / 16n > 256n ? 256n : size / 16n;
  const usedIPs = new Set(
    services.flatMap((s) => [s.spec?.clusterIP, ...(s.spec?.clusterIPs ?? [])]).filter(Boolean),
  );
  const usedPorts = new Set(
    services
      .flatMap((s) => [...(s.spec?.ports ?? []).map((p) => p.nodePort), s.spec?.healthCheckNodePort])
      .filter(Boolean),
  );
  let nextIP = staticBand;
  let nextPort = config.nodePortRange[0];
  return {
    clusterIP(key) {
      const known = WELL_KNOWN[key];
      if (known !== undefined) {
        const ip = formatIP(cidrAddress(cidr, known));
        if (!usedIPs.has(ip)) return (usedIPs.add(ip), ip);
      }
      for (; nextIP < size - 1n; nextIP++) {
        const ip = formatIP(cidrAddress(cidr, nextIP));
        if (usedIPs.has(ip) || /\.(0|255)$/.test(ip)) continue; // skip .0/.255: legal, but they read like network addresses
        usedIPs.add(ip);
        return ip;
      }
      return undefined;
    },
    nodePort() {
      for (; nextPort <= config.nodePortRange[1]; nextPort++) {
        if (!usedPorts.has(nextPort)) return (usedPorts.add(nextPort), nextPort++);
      }
      return undefined;
    },
  };
}

/** The defaulted and allocated spec of a Service (pure apart from the allocator's state). */
export function allocateService(svc: Service, alloc: Allocator): ServiceSpec {
  const spec = defaultServiceSpec(svc.spec);
  const type = spec.type;
  if (type !== 'ExternalName' && !isHeadless(svc)) {
    const ip =
      spec.clusterIP ||
      spec.clusterIPs?.[0] ||
      alloc.clusterIP(`${svc.metadata.namespace}/${svc.metadata.name}`);
    if (ip) {
      spec.clusterIP = ip;
      spec.clusterIPs = spec.clusterIPs?.length ? spec.clusterIPs : [ip];
    }
  }
  const wantsNodePorts =
    type === 'NodePort' || (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
  if (wantsNodePorts)
    spec.ports = spec.ports!.map((p) => (p.nodePort ? p : { ...p, nodePort: alloc.nodePort() }));
  if (type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local' && !spec.healthCheckNodePort) {
    spec.healthCheckNodePort = alloc.nodePort();
  }
  return spec;
}

export function serviceAllocatorController(config: ClusterConfig): Controller {
  return {
    name: 'service-allocator',
    reads: ['Service'],
    async sync(client: ObjectClient) {
      const services = await client.list<Service>('Service');
      const alloc = makeAllocator(services, config);
      let writes = 0;
      for (const svc of services) {
        const spec = allocateService(svc, alloc);
        // allocateService keeps the key order of a spec it already processed, so equal text means no change.
        if (JSON.stringify(spec) === JSON.stringify(svc.spec ?? {})) continue;
        await client.update<Service>({ ...svc, spec });
        writes++;
      }
      return writes;
    },
  };
}
