// Endpoint changes per Service port: which pods (and ports) a Service sends traffic to, and
// whether they are ready. An endpoint is identified by its pod (matched across versions as in
// pod-identity.ts) and target port, not by its address: the simulation assigns pod addresses
// in order, so adding one pod can shift every later address without any change of intent.
// Endpoints without a pod (hand-written EndpointSlices) are identified by address.
import type { Cluster } from '../../api/cluster.js';
import type { EndpointSlice, Protocol, Service, ServicePort } from '../../api/types.js';
import { SERVICE_NAME_LABEL } from '../../controllers/endpointslice/reconcile.js';
import { serviceEndpoints } from '../services.js';
import type { PodMatching } from './pod-identity.js';
import type { EndpointInfo, EndpointsChange } from './types.js';

interface PortEndpoints {
  service: string;
  port: number;
  protocol: Protocol;
  portName?: string;
  /** identity key → endpoint */
  endpoints: Map<string, EndpointInfo>;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function collect(cluster: Cluster, key: (e: EndpointInfo) => string): Map<string, PortEndpoints> {
  const out = new Map<string, PortEndpoints>();
  // serviceEndpoints scans every slice; hand it only the Service's own (linear, not S × slices).
  const slices = new Map<string, EndpointSlice[]>();
  for (const s of cluster.endpointSlices) {
    const k = `${s.metadata.namespace ?? 'default'}/${s.metadata.labels?.[SERVICE_NAME_LABEL]}`;
    const list = slices.get(k);
    if (list) list.push(s);
    else slices.set(k, [s]);
  }
  for (const svc of cluster.services as Service[]) {
    const service = `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`;
    const own: Cluster = { ...cluster, endpointSlices: slices.get(service) ?? [] };
    for (const sp of (svc.spec?.ports ?? []) as ServicePort[]) {
      const protocol = sp.protocol ?? 'TCP';
      const endpoints = new Map<string, EndpointInfo>();
      for (const c of serviceEndpoints(own, svc, sp)) {
        const cond = c.endpoint.conditions ?? {};
        const e: EndpointInfo = {
          ...(c.podName ? { pod: c.podName } : {}),
          ip: c.ip,
          port: c.port,
          // EndpointConditions: nil ready / serving mean true (discovery/v1 types.go).
          ready: cond.ready !== false,
          serving: cond.serving ?? cond.ready !== false,
          terminating: cond.terminating === true,
        };
        endpoints.set(key(e), e);
      }
      out.set(`${service}\0${protocol}\0${sp.port}`, {
        service,
        port: sp.port,
        protocol,
        ...(sp.name ? { portName: sp.name } : {}),
        endpoints,
      });
    }
  }
  return out;
}

const sameConditions = (a: EndpointInfo, b: EndpointInfo) =>
  a.ready === b.ready && a.serving === b.serving && a.terminating === b.terminating;

const endpointOrder = (a: EndpointInfo, b: EndpointInfo) =>
  cmp(a.pod ?? '', b.pod ?? '') || cmp(a.ip, b.ip) || a.port - b.port;

/** Every Service port whose endpoints differ, sorted by Service, protocol, port. */
export function diffEndpoints(
  oldCluster: Cluster,
  newCluster: Cluster,
  matching: PodMatching,
): EndpointsChange[] {
  const oldPorts = collect(oldCluster, (e) => `${e.pod ?? e.ip}:${e.port}`);
  const newPorts = collect(
    newCluster,
    (e) => `${e.pod ? (matching.newToOld.get(e.pod) ?? e.pod) : e.ip}:${e.port}`,
  );
  const out: EndpointsChange[] = [];
  for (const key of new Set([...oldPorts.keys(), ...newPorts.keys()])) {
    const o = oldPorts.get(key);
    const n = newPorts.get(key);
    const before = o?.endpoints ?? new Map<string, EndpointInfo>();
    const after = n?.endpoints ?? new Map<string, EndpointInfo>();
    const change: EndpointsChange = {
      service: (n ?? o)!.service,
      port: (n ?? o)!.port,
      protocol: (n ?? o)!.protocol,
      ...((n ?? o)!.portName ? { portName: (n ?? o)!.portName } : {}),
      status: !o ? 'added' : !n ? 'removed' : 'changed',
      added: [],
      removed: [],
      changed: [],
    };
    for (const [k, e] of after) {
      const was = before.get(k);
      if (!was) change.added.push(e);
      else if (!sameConditions(was, e)) change.changed.push({ old: was, new: e });
    }
    for (const [k, e] of before) if (!after.has(k)) change.removed.push(e);
    if (!change.added.length && !change.removed.length && !change.changed.length) continue;
    change.added.sort(endpointOrder);
    change.removed.sort(endpointOrder);
    change.changed.sort((a, b) => endpointOrder(a.new, b.new));
    out.push(change);
  }
  return out.sort((a, b) => cmp(a.service, b.service) || cmp(a.protocol, b.protocol) || a.port - b.port);
}
