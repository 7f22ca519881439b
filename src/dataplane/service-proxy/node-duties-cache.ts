// The node duties (node-duties.ts) kept per Service, so that a sync told which Services changed
// redoes only theirs: at 10,000 Services (one in ten a LoadBalancer) announcedAddresses and
// healthCheckNodePorts took 9 and 6 ms of every sync over the whole input, most of it grouping
// every EndpointSlice. Both are unions of per-Service results, and only LoadBalancer Services
// contribute, so only those are kept.
import type { EndpointSlice, Service } from '../../api/types.js';
import type { ProxyContext, ServiceChange } from './partial.js';
import { announcedAddresses, healthCheckNodePorts, type HealthCheckTarget } from './node-duties.js';

interface Duties {
  announced: string[];
  health: Map<number, HealthCheckTarget>;
}

export class NodeDutiesCache {
  private readonly byService = new Map<string, Duties>();

  /** Forgets everything and takes each Service of `changes` (all of them, after a full render). */
  reset(context: ProxyContext, changes: Iterable<ServiceChange>): void {
    this.byService.clear();
    this.update(context, changes);
  }

  /** Takes the changed Services; true when the duties may differ from before. */
  update(context: ProxyContext, changes: Iterable<ServiceChange>): boolean {
    let touched = false;
    for (const { key, service, slices } of changes) {
      const had = this.byService.delete(key);
      const duties = service?.spec?.type === 'LoadBalancer' ? dutiesOf(context, service, slices) : undefined;
      if (duties) this.byService.set(key, duties);
      touched ||= had || !!duties;
    }
    return touched;
  }

  /** announcedAddresses of the whole input: the LoadBalancer IPs this node announces, sorted. */
  announced(): string[] {
    const out = new Set<string>();
    for (const d of this.byService.values()) for (const ip of d.announced) out.add(ip);
    return [...out].sort();
  }

  /** healthCheckNodePorts of the whole input. */
  healthCheckNodePorts(): Map<number, HealthCheckTarget> {
    const out = new Map<number, HealthCheckTarget>();
    for (const d of this.byService.values()) for (const [port, t] of d.health) out.set(port, t);
    return out;
  }
}

function dutiesOf(context: ProxyContext, svc: Service, slices: EndpointSlice[]): Duties | undefined {
  const input = { ...context, services: [svc], endpointSlices: slices };
  const duties = { announced: announcedAddresses(input), health: healthCheckNodePorts(input) };
  return duties.announced.length > 0 || duties.health.size > 0 ? duties : undefined;
}
