// A LoadBalancer implementation in L2 mode, like MetalLB: each LoadBalancer Service gets an
// address from the pool (DESIGN.md §2), written to status.loadBalancer.ingress. A requested
// spec.loadBalancerIP inside the pool is honoured. The address is announced on the fabric by
// one node; on a live cluster the node agent does that.
import { formatIPv4, parseIPv4 } from '../lib/netaddr/index.js';
import type { ClusterConfig } from '../api/cluster.js';
import type { Service } from '../api/types.js';
import type { ObjectClient } from '../store/client.js';
import type { Controller } from './controller.js';

export function lbAddress(svc: Service): string | undefined {
  return svc.status?.loadBalancer?.ingress?.[0]?.ip;
}

export function planLoadBalancers(services: Service[], config: ClusterConfig): Map<Service, string> {
  const first = parseIPv4(config.loadBalancerPool[0])!;
  const last = parseIPv4(config.loadBalancerPool[1])!;
  const used = new Set(services.map(lbAddress).filter(Boolean));
  const out = new Map<Service, string>();
  let next = first;
  for (const svc of services) {
    if (svc.spec?.type !== 'LoadBalancer' || lbAddress(svc)) continue;
    const requested = svc.spec.loadBalancerIP ? parseIPv4(svc.spec.loadBalancerIP) : null;
    if (requested !== null && requested >= first && requested <= last && !used.has(svc.spec.loadBalancerIP)) {
      used.add(svc.spec.loadBalancerIP);
      out.set(svc, svc.spec.loadBalancerIP!);
      continue;
    }
    while (next <= last && used.has(formatIPv4(next))) next++;
    if (next > last) continue; // pool exhausted: the Service stays <pending>, as with any LB
    used.add(formatIPv4(next));
    out.set(svc, formatIPv4(next));
  }
  return out;
}

export function loadBalancerController(config: ClusterConfig): Controller {
  return {
    name: 'loadbalancer',
    reads: ['Service'],
    async sync(client: ObjectClient) {
      const plan = planLoadBalancers(await client.list<Service>('Service'), config);
      for (const [svc, ip] of plan) {
        await client.update<Service>({
          ...svc,
          status: { ...svc.status, loadBalancer: { ingress: [{ ip, ipMode: 'VIP' } as { ip: string }] } },
        });
      }
      return plan.size;
    },
  };
}
