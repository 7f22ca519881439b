// podnet trace: the fate of a connection from SRC to DST, hop by hop: name resolution, Ingress
// or Gateway routing, Service translation, endpoint choice, masquerade, route, egress and
// ingress NetworkPolicy, delivery. Policy is evaluated after Service translation, on the
// endpoint's address and port and on the source address the endpoint actually sees.
import { nsName, type Cluster } from '../../api/cluster.js';
import { containerPorts } from '../../api/pod.js';
import type { Pod, Protocol } from '../../api/types.js';
import { nodeInternalIP } from '../../controllers/kubelet-sim.js';
import { buildDnsIndex, type PodsMode } from '../../dns/records.js';
import { resolvConfFor, resolve } from '../../dns/resolver.js';
import {
  addressEndpoint,
  namespaceLabelIndex,
  podEndpoint,
  type PolicyEndpoint,
} from '../../policy/endpoint.js';
import { evaluateTraffic, networkPolicyTier, type PolicyTier } from '../../policy/evaluate.js';
import { buildPolicyModels } from '../../policy/model.js';
import {
  chooseEndpoints,
  findServiceByAddress,
  loadBalancerAnnouncer,
  inRanges,
  loadBalancerSourceRanges,
  serviceEndpoints,
  type EndpointCandidate,
} from '../services.js';
import { traceHttp, type HttpTraceOptions } from './http.js';
import { parseDestination, parseSource, type Source } from './target.js';
import type { Hop, TracePath, TraceResult, Verdict } from './types.js';

export const EXTERNAL_CLIENT_IP = '172.18.0.100';

export interface TraceOptions extends HttpTraceOptions {
  port?: number;
  protocol: Protocol;
  dnsPods?: PodsMode;
}

export interface TraceContext {
  cluster: Cluster;
  tiers: PolicyTier[];
  nsLabels: ReturnType<typeof namespaceLabelIndex>;
  podsByIP: Map<string, Pod>;
}

export function traceContext(cluster: Cluster): TraceContext {
  const podsByIP = new Map<string, Pod>();
  for (const p of cluster.pods) if (p.status?.podIP && !p.spec?.hostNetwork) podsByIP.set(p.status.podIP, p);
  return {
    cluster,
    tiers: [networkPolicyTier(buildPolicyModels(cluster.networkPolicies))],
    nsLabels: namespaceLabelIndex(cluster),
    podsByIP,
  };
}

/** Where a source stands: its policy endpoint and the node it is on. */
export interface Origin {
  endpoint: PolicyEndpoint;
  node?: string;
  namespace?: string;
}

export function originOf(ctx: TraceContext, src: Source): Origin {
  if (src.kind === 'external')
    return {
      endpoint: addressEndpoint(src.ip ?? EXTERNAL_CLIENT_IP, src.ip ? `external:${src.ip}` : 'external'),
    };
  if (src.kind === 'node') {
    const node = ctx.cluster.nodes.find((n) => n.metadata.name === src.name)!;
    return { endpoint: addressEndpoint(nodeInternalIP(node)!, `node/${src.name}`, src.name), node: src.name };
  }
  return {
    endpoint: podEndpoint(src.pod, ctx.nsLabels)!,
    node: src.pod.spec?.nodeName,
    namespace: src.pod.metadata.namespace,
  };
}

function nodeAddress(ctx: TraceContext, name: string | undefined): string | undefined {
  const n = ctx.cluster.nodes.find((x) => x.metadata.name === name);
  return n ? nodeInternalIP(n) : undefined;
}

function endpointFor(ctx: TraceContext, ip: string): { ep: PolicyEndpoint; pod?: Pod } {
  const pod = ctx.podsByIP.get(ip);
  if (pod) return { ep: podEndpoint(pod, ctx.nsLabels)!, pod };
  const node = ctx.cluster.nodes.find((n) => nodeInternalIP(n) === ip)?.metadata.name;
  return { ep: addressEndpoint(ip, node ? `node/${node}` : ip, node) };
}

/** Route, egress policy, ingress policy and delivery to one endpoint. */
export function deliver(
  ctx: TraceContext,
  origin: Origin,
  target: { ip: string; port: number },
  protocol: Protocol,
  seenSourceIP: string,
  hops: Hop[],
  masqueradedBy?: string,
  /** For traffic from outside: the node that received it (NodePort, LoadBalancer). */
  entryNode?: string,
): TracePath {
  const { ep: dst, pod } = endpointFor(ctx, target.ip);
  const dstNode = pod?.spec?.nodeName;
  const where = `${dst.name === target.ip ? target.ip : `${dst.name} (${target.ip})`}:${target.port}`;
  if (pod) {
    const entry = origin.node === undefined ? (entryNode ?? dstNode) : undefined;
    const route =
      entry !== undefined
        ? entry === dstNode
          ? `from outside the cluster to node ${dstNode}, then the node's bridge`
          : `from outside the cluster to node ${entry}, then node ${entry} -> node ${dstNode} over the overlay (VXLAN VNI 1)`
        : origin.node === dstNode
          ? `same node ${dstNode}: across the node's bridge`
          : `node ${origin.node} -> node ${dstNode} over the overlay (VXLAN VNI 1)`;
    hops.push({ step: 'route', detail: route, endpoint: target.ip });
  } else {
    hops.push({
      step: 'route',
      detail: `${target.ip} is not a pod: the packet leaves the pod network`,
      endpoint: target.ip,
    });
  }
  const seen =
    seenSourceIP === origin.endpoint.ipText
      ? origin.endpoint
      : addressEndpoint(
          seenSourceIP,
          masqueradedBy ? `${seenSourceIP} (masqueraded by ${masqueradedBy})` : seenSourceIP,
        );
  // A masqueraded source is the node's address but not the node's own traffic: policy sees it
  // as an address (whether SNAT comes before or after policy is undefined upstream).
  // Egress is decided at the source with the original source; ingress sees the packet as it arrives.
  const egress = evaluateTraffic(ctx.tiers, {
    src: origin.endpoint,
    dst,
    port: target.port,
    protocol,
  }).egress;
  const ingress = evaluateTraffic(ctx.tiers, { src: seen, dst, port: target.port, protocol }).ingress;
  hops.push({
    step: 'policy-egress',
    detail: egress.reason,
    endpoint: target.ip,
    decision: egress.decision,
    isolatedBy: egress.isolatedBy,
    allowedBy: egress.allowedBy,
    misses: egress.misses,
  });
  hops.push({
    step: 'policy-ingress',
    detail: ingress.reason + (seen !== origin.endpoint ? ` (source seen as ${seen.name})` : ''),
    endpoint: target.ip,
    decision: ingress.decision,
    isolatedBy: ingress.isolatedBy,
    allowedBy: ingress.allowedBy,
    misses: ingress.misses,
  });
  const allowed = egress.allowed && ingress.allowed;
  if (!ingress.allowed && seen !== origin.endpoint) {
    // The classic trap: the rule would match the real client, but the client was masqueraded.
    const unmasked = evaluateTraffic(ctx.tiers, {
      src: origin.endpoint,
      dst,
      port: target.port,
      protocol,
    }).ingress;
    if (unmasked.allowed) {
      hops.push({
        step: 'policy-ingress',
        detail: `note: ${origin.endpoint.name} (${origin.endpoint.ipText}) itself would be allowed (${unmasked.reason}), but the packet arrives masqueraded as ${seenSourceIP}; ${origin.node === undefined ? 'externalTrafficPolicy: Local keeps the client address' : 'hairpin traffic (a pod reaching itself through its Service) is masqueraded so the reply returns through the node'}`,
        endpoint: target.ip,
        snatTrap: true,
      });
    }
  }
  if (allowed) hops.push({ step: 'deliver', detail: `delivered to ${where}`, endpoint: target.ip });
  const reason = !egress.allowed ? egress.reason : !ingress.allowed ? ingress.reason : `allowed to ${where}`;
  return {
    endpoint: target.ip,
    port: target.port,
    pod: pod ? nsName(pod) : undefined,
    seenSource: seenSourceIP,
    verdict: allowed ? 'allowed' : 'denied',
    policy: { allowed, egress, ingress, reason },
  };
}

function defaultPort(pod: Pod | undefined, protocol: Protocol): number {
  return (pod && containerPorts(pod).find((p) => p.protocol === protocol)?.containerPort) ?? 80;
}

/** Service translation and delivery for a packet to ip:port. */
export function toAddress(
  ctx: TraceContext,
  origin: Origin,
  ip: string,
  port: number,
  protocol: Protocol,
  hops: Hop[],
): { paths: TracePath[]; unreachable?: string } {
  const hit = findServiceByAddress(ctx.cluster, ip, port, protocol);
  if (!hit) {
    if (origin.node === undefined && ctx.podsByIP.has(ip)) {
      return {
        paths: [],
        unreachable: `pod addresses are not routed from outside the cluster; reach ${ip} through a NodePort, LoadBalancer or Ingress`,
      };
    }
    const src = origin.endpoint.ipText;
    return { paths: [deliver(ctx, origin, { ip, port }, protocol, src, hops)] };
  }
  const svc = hit.service;
  const name = nsName(svc);
  if (!hit.port) {
    hops.push({
      step: 'service',
      detail: `${ip} is Service ${name}, which has no ${protocol} port ${port}`,
      service: name,
    });
    return {
      paths: [],
      unreachable: `Service ${name} does not define ${protocol} port ${port}: the packet is rejected`,
    };
  }
  if (hit.access === 'clusterIP' && origin.node === undefined) {
    hops.push({ step: 'service', detail: `${ip} is the ClusterIP of ${name}`, service: name });
    return { paths: [], unreachable: `ClusterIP ${ip} is only reachable inside the cluster` };
  }
  // kube-proxy's firewall chain runs before DNAT and before the endpoint checks, for every
  // source (pods and nodes too; no short-circuit), on LoadBalancer IPs only.
  const source = origin.endpoint.ipText;
  const sourceRanges = hit.access === 'loadBalancer' ? loadBalancerSourceRanges(svc) : [];
  if (sourceRanges.length > 0 && !inRanges(sourceRanges, source)) {
    const ranges = sourceRanges.join(', ');
    hops.push({
      step: 'service',
      detail: `${ip}:${port}/${protocol} is the LoadBalancer IP of ${name}, open only to loadBalancerSourceRanges ${ranges}`,
      service: name,
      access: hit.access,
      servicePort: hit.port.port,
    });
    return {
      paths: [],
      unreachable: `${source} is outside the loadBalancerSourceRanges of Service ${name} (${ranges}): the packet is dropped and the connection times out`,
    };
  }
  const external = hit.access !== 'clusterIP';
  const spec = svc.spec ?? {};
  // kube-proxy short-circuits traffic from pods and from nodes to an externalTrafficPolicy Local
  // Service to all of its endpoints (the "external" chain jumps to the cluster chain for pod
  // and node sources, pkg/proxy/nftables/proxier.go), and a node catches LoadBalancer and
  // external IPs itself, before any announcing node is involved.
  const inside = origin.node !== undefined;
  const local = external
    ? spec.externalTrafficPolicy === 'Local' && !inside
    : spec.internalTrafficPolicy === 'Local';
  // NodePort traffic is handled by the node it was sent to; LoadBalancer traffic from outside
  // by the node announcing the IP.
  const all = serviceEndpoints(ctx.cluster, svc, hit.port);
  let node = origin.node;
  if (hit.access === 'nodePort') node = hit.node!.metadata.name;
  if ((hit.access === 'loadBalancer' || hit.access === 'externalIP') && !inside)
    node = loadBalancerAnnouncer(ctx.cluster.nodes, all, local);
  const choice = chooseEndpoints(all, {
    local,
    nodeName: node,
    trafficDistribution: spec.trafficDistribution,
  });
  const accessText = {
    clusterIP: 'ClusterIP',
    nodePort: `NodePort on node ${node}`,
    loadBalancer: `LoadBalancer IP (announced by node ${node})`,
    externalIP: 'external IP',
  }[hit.access];
  const serviceHop: Hop = {
    step: 'service',
    detail: `${ip}:${port}/${protocol} is the ${accessText} of ${name} port ${hit.port.name || hit.port.port}`,
    service: name,
    access: hit.access,
    servicePort: hit.port.port,
  };
  if (hit.access === 'nodePort' || hit.access === 'loadBalancer') {
    serviceHop.nodes = ctx.cluster.nodes.map((n) => {
      const nName = n.metadata.name!;
      const accepts =
        !local || all.some((c) => c.nodeName === nName && c.endpoint.conditions?.ready !== false);
      return { node: nName, address: nodeInternalIP(n), accepts };
    });
    serviceHop.externalTrafficPolicy = spec.externalTrafficPolicy ?? 'Cluster';
  }
  hops.push(serviceHop);
  hops.push({
    step: 'endpoint',
    detail:
      choice.reason +
      (spec.sessionAffinity === 'ClientIP'
        ? `; sessionAffinity ClientIP: each client address sticks to one endpoint for ${spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800} s`
        : ''),
    candidates: choice.candidates.map(describeCandidate),
    sessionAffinity: spec.sessionAffinity ?? 'None',
  });
  if (choice.candidates.length === 0) {
    const why =
      all.length === 0
        ? 'has no endpoints'
        : choice.candidates.length === 0 && local
          ? `has no ready endpoint on node ${node} (traffic policy Local)`
          : 'has no ready endpoints';
    return {
      paths: [],
      unreachable: `Service ${name} ${why}: the connection is rejected (ICMP port unreachable), as kube-proxy does`,
    };
  }
  const paths: TracePath[] = [];
  for (const c of choice.candidates) {
    // Masquerade (kube-proxy's external chain): every external-destination packet of a Cluster
    // policy Service, and with Local policy only the node's own ones; plus hairpin (a pod
    // reaching itself through its Service). Pods short-circuited under Local keep their address.
    const hairpin = c.ip === origin.endpoint.ipText;
    const fromNode = origin.node !== undefined && origin.endpoint.name.startsWith('node/');
    const masq = (external && (spec.externalTrafficPolicy !== 'Local' || fromNode)) || hairpin;
    const snatBy = masq ? (node ?? c.nodeName) : undefined;
    const seen = masq ? (nodeAddress(ctx, snatBy) ?? origin.endpoint.ipText) : origin.endpoint.ipText;
    const natDetail =
      `DNAT ${ip}:${port} -> ${c.ip}:${c.port}` +
      (masq
        ? `; SNAT ${origin.endpoint.ipText} -> ${seen} (${hairpin ? 'hairpin' : 'externalTrafficPolicy Cluster'})`
        : local && external
          ? '; client address kept (externalTrafficPolicy Local)'
          : '');
    hops.push({
      step: 'nat',
      detail: natDetail,
      endpoint: c.ip,
      dnat: `${c.ip}:${c.port}`,
      ...(masq ? { snat: seen } : {}),
    });
    paths.push(
      deliver(
        ctx,
        origin,
        { ip: c.ip, port: c.port },
        protocol,
        seen,
        hops,
        snatBy ? `node ${snatBy}` : undefined,
        external ? node : undefined,
      ),
    );
  }
  return { paths };
}

function describeCandidate(c: EndpointCandidate) {
  return {
    address: c.ip,
    port: c.port,
    pod: c.podName,
    node: c.nodeName,
    ready: c.endpoint.conditions?.ready !== false,
  };
}

/** The verdict of a trace; `answered` says a proxy answered the request itself (a redirect). */
export function summarize(
  paths: TracePath[],
  unreachable?: string,
  answered?: string,
): { verdict: Verdict; reason: string } {
  if (unreachable) return { verdict: 'unreachable', reason: unreachable };
  if (answered) return { verdict: 'allowed', reason: answered };
  const allowed = paths.filter((p) => p.verdict === 'allowed');
  if (allowed.length === paths.length)
    return {
      verdict: 'allowed',
      reason: paths.length === 1 ? paths[0].policy!.reason : `allowed to all ${paths.length} endpoints`,
    };
  const denied = paths.find((p) => p.verdict !== 'allowed')!;
  if (allowed.length === 0) return { verdict: 'denied', reason: denied.policy?.reason ?? 'denied' };
  return {
    verdict: 'denied',
    reason: `${paths.length - allowed.length} of ${paths.length} endpoints deny it (connections fail depending on the endpoint chosen): ${denied.policy?.reason}`,
  };
}

export function trace(cluster: Cluster, srcText: string, dstText: string, opts: TraceOptions): TraceResult {
  const ctx = traceContext(cluster);
  const src = parseSource(cluster, srcText);
  const dst = parseDestination(cluster, dstText);
  const origin = originOf(ctx, src);
  const hops: Hop[] = [];
  const base = {
    source: origin.endpoint.name,
    destination: dstText,
    protocol: opts.protocol,
    hops,
    ingress: null as unknown,
  };
  let result: { paths: TracePath[]; unreachable?: string; answered?: string };
  if (dst.kind === 'url') {
    const http = traceHttp(ctx, origin, src, dst.url, opts, hops);
    base.ingress = http.ingress;
    result = http;
  } else if (dst.kind === 'pod') {
    const ip = dst.pod.status?.podIP;
    if (!ip) result = { paths: [], unreachable: `pod ${nsName(dst.pod)} has no IP` };
    else
      result = toAddress(
        ctx,
        origin,
        ip,
        opts.port ?? dst.port ?? defaultPort(dst.pod, opts.protocol),
        opts.protocol,
        hops,
      );
  } else if (dst.kind === 'ip') {
    const port = opts.port ?? dst.port ?? defaultPort(ctx.podsByIP.get(dst.ip), opts.protocol);
    result = toAddress(ctx, origin, dst.ip, port, opts.protocol, hops);
  } else {
    result = toName(ctx, origin, dst.name, opts.port ?? dst.port, opts, hops);
  }
  return { ...base, ...summarize(result.paths, result.unreachable, result.answered), paths: result.paths };
}

/** Resolves a name as the source's resolver would, then follows the address. */
export function toName(
  ctx: TraceContext,
  origin: Origin,
  name: string,
  port: number | undefined,
  opts: TraceOptions,
  hops: Hop[],
): { paths: TracePath[]; unreachable?: string } {
  const index = buildDnsIndex(ctx.cluster, {
    zone: ctx.cluster.config.clusterDomain,
    pods: opts.dnsPods ?? 'insecure',
  });
  const conf = origin.namespace
    ? resolvConfFor(origin.namespace, ctx.cluster.config.clusterDomain)
    : undefined;
  const r = resolve(index, name, 'A', conf);
  const tried = r.tried.map((t) => `${t.name} ${t.rcode}${t.answers ? ` (${t.answers})` : ''}`);
  const addresses = r.final.answers.filter((a) => a.type === 'A').map((a) => String(a.data));
  const cname = r.final.answers.find((a) => a.type === 'CNAME');
  hops.push({
    step: 'dns',
    detail: addresses.length
      ? `${r.final.name} -> ${addresses.join(', ')}`
      : `${r.final.name}: ${r.final.rcode}${cname ? ` CNAME ${cname.data}` : ''}`,
    tried,
    rcode: r.final.rcode,
    answers: r.final.answers,
  });
  if (addresses.length === 0) {
    if (cname)
      return {
        paths: [],
        unreachable: `${name} is an alias (CNAME) for ${cname.data}, outside the cluster; podnet resolves only cluster names offline`,
      };
    return {
      paths: [],
      unreachable: `${name} does not resolve (${r.final.rcode}) after trying ${r.tried.length} name${r.tried.length === 1 ? '' : 's'}`,
    };
  }
  const paths: TracePath[] = [];
  for (const ip of addresses) {
    const p = port ?? defaultServicePort(ctx, ip) ?? defaultPort(ctx.podsByIP.get(ip), opts.protocol);
    const sub = toAddress(ctx, origin, ip, p, opts.protocol, hops);
    if (sub.unreachable && addresses.length === 1) return sub;
    paths.push(...sub.paths);
  }
  return { paths };
}

function defaultServicePort(ctx: TraceContext, ip: string): number | undefined {
  const svc = ctx.cluster.services.find((s) => (s.spec?.clusterIPs ?? [s.spec?.clusterIP]).includes(ip));
  return svc?.spec?.ports?.[0]?.port;
}
