// What `podnet probe` connects to, decided before any packet is sent. Pure.
//
// A cell of the matrix is (probe, source pod, destination pod). Every source makes the same
// connections, so the plan is one list of targets plus, per probe and destination column, how
// that column is measured:
//   --via pod      the destination pod's IP and port (the probe's port, or its named port
//                  resolved on that pod);
//   --via service  the ClusterIP and port of a Service whose ready endpoints include the
//                  destination at that port; the Service with the fewest endpoints is used, since
//                  each connection goes to a random endpoint and the destination is recognised by
//                  the pod name it answers with;
//   --via dns      the same Service by its name `<service>.<namespace>`, resolved in the pod.
// A named port the destination does not declare is false without a packet (DESIGN.md §3), as
// in the matrix. SCTP cannot be tested here (no SCTP sockets), and through a Service a column
// with no such Service cannot be: those are reported as untestable, never as false.
import { nsName, type Cluster } from '../api/cluster.js';
import { containerPorts, findPort } from '../api/pod.js';
import { isHeadless } from '../api/service-defaults.js';
import type { Pod, Protocol } from '../api/types.js';
import type { ProbeSpec } from '../analysis/matrix.js';
import { serviceEndpoints } from '../analysis/services.js';
import type { ProberRequest, ProberTask } from './protocol.js';

export type Via = 'pod' | 'service' | 'dns';

export const SCTP_UNTESTABLE = 'this kernel has no SCTP sockets: SCTP cannot be probed';

/** How one destination column of one probe is measured. */
export type Column =
  /** Connect to target `target`; `declared`: the destination declares this port and protocol. */
  | { kind: 'target'; target: number; declared: boolean }
  /** Not connectable by definition: a named port the destination does not declare. */
  | { kind: 'false'; reason: string }
  | { kind: 'untestable'; reason: string };

export interface Target extends Omit<ProberTask, 'id'> {
  /** The Service and the address connected to, with --via service|dns. */
  through?: { service: string; address: string };
  /** Ready endpoints behind the address: with one, any answer is the destination's. */
  endpoints: number;
}

export interface ProbePlan {
  via: Via;
  /** `ns/name` of the selected pods: rows and columns. */
  pods: string[];
  /** Their metadata.name: what netexec answers to `hostname`. */
  podNames: string[];
  /** Probes with at least one connection to make. */
  probes: ProbeSpec[];
  /** Per probe, per destination pod. */
  columns: Column[][];
  targets: Target[];
  /** Probes not tested at all, with the reason. */
  untestable: { port: number | string; protocol: Protocol; reason: string }[];
}

interface ServiceRoute {
  service: string;
  clusterIP: string;
  name: string;
  namespace: string;
  servicePort: number;
  endpoints: number;
}

/**
 * Per destination `ns/name`, port and protocol: the Services that send there, fewest ready
 * endpoints first. Services whose endpoint choice depends on the source's node
 * (internalTrafficPolicy: Local, trafficDistribution) are left out: from some sources the
 * destination could never answer.
 */
function serviceRoutes(cluster: Cluster): Map<string, ServiceRoute[]> {
  const routes = new Map<string, ServiceRoute[]>();
  const services = [...cluster.services].sort((a, b) => (nsName(a) < nsName(b) ? -1 : 1));
  for (const svc of services) {
    const spec = svc.spec ?? {};
    if (isHeadless(svc) || !spec.clusterIP) continue;
    if (spec.internalTrafficPolicy === 'Local' || spec.trafficDistribution) continue;
    for (const sp of spec.ports ?? []) {
      const ready = serviceEndpoints(cluster, svc, sp).filter((e) => e.endpoint.conditions?.ready !== false);
      for (const ep of ready) {
        if (!ep.podName) continue;
        const key = `${ep.podName}|${ep.port}|${sp.protocol ?? 'TCP'}`;
        const list = routes.get(key) ?? [];
        list.push({
          service: nsName(svc),
          clusterIP: spec.clusterIP,
          name: svc.metadata.name!,
          namespace: svc.metadata.namespace!,
          servicePort: sp.port,
          endpoints: ready.length,
        });
        routes.set(key, list);
      }
    }
  }
  for (const list of routes.values()) list.sort((a, b) => a.endpoints - b.endpoints);
  return routes;
}

/** Connections to a Service address: enough that each endpoint very likely answers once. */
function serviceTarget(route: ServiceRoute, via: Via, protocol: 'TCP' | 'UDP'): Target {
  const host = via === 'dns' ? `${route.name}.${route.namespace}` : route.clusterIP;
  const n = route.endpoints;
  return {
    host,
    port: route.servicePort,
    protocol,
    // Waves of 2n, at most 4: an endpoint is missed with probability (1-1/n)^8n < e^-8.
    attempts: n === 1 ? 1 : 8 * n,
    wave: n === 1 ? 1 : 2 * n,
    expect: [],
    through: { service: route.service, address: `${host}:${route.servicePort}` },
    endpoints: n,
  };
}

export function planProbe(cluster: Cluster, pods: Pod[], probes: ProbeSpec[], via: Via): ProbePlan {
  const plan: ProbePlan = {
    via,
    pods: pods.map(nsName),
    podNames: pods.map((p) => p.metadata.name!),
    probes: [],
    columns: [],
    targets: [],
    untestable: [],
  };
  const routes = via === 'pod' ? new Map<string, ServiceRoute[]>() : serviceRoutes(cluster);
  const targetIds = new Map<string, number>();
  const targetFor = (key: string, make: () => Target): number => {
    let id = targetIds.get(key);
    if (id === undefined) {
      id = plan.targets.push(make()) - 1;
      targetIds.set(key, id);
    }
    return id;
  };

  for (const probe of probes) {
    const protocol = probe.protocol;
    if (protocol === 'SCTP') {
      plan.untestable.push({ port: probe.port, protocol, reason: SCTP_UNTESTABLE });
      continue;
    }
    const columns = pods.map((dst, d): Column => {
      const port = findPort(dst, probe.port, protocol);
      if (port === undefined)
        return { kind: 'false', reason: `${plan.pods[d]} declares no ${protocol} port named ${probe.port}` };
      const declared = containerPorts(dst).some((p) => p.containerPort === port && p.protocol === protocol);
      if (via === 'pod') {
        const ip = dst.status!.podIP!;
        const target = targetFor(`${ip}|${port}|${protocol}`, () => ({
          host: ip,
          port,
          protocol,
          attempts: 1,
          wave: 1,
          expect: [plan.podNames[d]],
          endpoints: 1,
        }));
        return { kind: 'target', target, declared };
      }
      const route = routes.get(`${plan.pods[d]}|${port}|${protocol}`)?.[0];
      if (!route)
        return {
          kind: 'untestable',
          reason: `no Service with a ClusterIP sends ${protocol} to ${plan.pods[d]} port ${port}`,
        };
      const target = targetFor(`${route.service}|${route.servicePort}|${protocol}`, () =>
        serviceTarget(route, via, protocol),
      );
      const expect = plan.targets[target].expect;
      if (!expect.includes(plan.podNames[d])) expect.push(plan.podNames[d]);
      return { kind: 'target', target, declared };
    });
    plan.probes.push(probe);
    plan.columns.push(columns);
  }
  return plan;
}

/** What every source's prober is asked: the same connections from each pod. */
export function proberRequest(plan: ProbePlan, timeoutMs: number, concurrency: number): ProberRequest {
  return {
    timeoutMs,
    concurrency,
    tasks: plan.targets.map((t, id) => ({
      id,
      host: t.host,
      port: t.port,
      protocol: t.protocol,
      attempts: t.attempts,
      wave: t.wave,
      expect: t.expect,
    })),
  };
}
