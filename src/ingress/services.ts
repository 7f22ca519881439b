// Service lookups for backends: find the Service, resolve the port to the Service port number.
import type { Cluster } from '../api/cluster.js';
import type { Service } from '../api/types.js';

export type PortResult = { ok: true; port: number; reason: string } | { ok: false; reason: string };

/** Services by `ns/name`, built once per route table. */
export type ServiceIndex = Map<string, Service>;

export function indexServices(cluster: Cluster): ServiceIndex {
  const index: ServiceIndex = new Map();
  for (const s of cluster.services) index.set(`${s.metadata?.namespace ?? 'default'}/${s.metadata?.name}`, s);
  return index;
}

/**
 * Resolves a backend port against the Service: by number (the Service must declare it,
 * except an ExternalName Service, which has no proxy ports) or by name (kubernetes/api
 * networking/v1 types.go ServiceBackendPort: "Name is the name of the port on the
 * Service"). A missing Service or port makes the backend unusable.
 */
export function resolveServicePort(
  services: ServiceIndex,
  namespace: string,
  name: string,
  port: { number?: number; name?: string } | undefined,
): PortResult {
  const svc = services.get(`${namespace}/${name}`);
  if (!svc) return { ok: false, reason: `Service ${namespace}/${name} not found` };
  const ports = svc.spec?.ports ?? [];
  if (port?.name !== undefined && port.name !== '') {
    const p = ports.find((sp) => sp.name === port.name);
    if (!p) return { ok: false, reason: `Service ${namespace}/${name} has no port named ${port.name}` };
    return { ok: true, port: p.port, reason: `port name ${port.name} is Service port ${p.port}` };
  }
  if (port?.number === undefined)
    return { ok: false, reason: `backend of Service ${namespace}/${name} gives no port` };
  if (svc.spec?.type === 'ExternalName' || ports.some((sp) => sp.port === port.number)) {
    return { ok: true, port: port.number, reason: `Service port ${port.number}` };
  }
  return { ok: false, reason: `Service ${namespace}/${name} has no port ${port.number}` };
}
