// URLs in a trace. From `external` the request enters through the Ingress controller (or the
// Gateway named by --gateway), which routes it to a backend Service and proxies it from its own
// pod, so NetworkPolicy at the backend sees the controller's pod as the source. From a pod, the
// URL's host is resolved like any name and the request goes there directly.
import { nsName } from '../../api/cluster.js';
import type { Cluster } from '../../api/cluster.js';
import { cidrAddress, cidrSize, formatIP, parseCIDR } from '../../lib/netaddr/index.js';
import {
  isRouted,
  parseRequestUrl,
  routeGateway,
  routeIngress,
  type RouteDecision,
} from '../../ingress/index.js';
import { podEndpoint } from '../../policy/endpoint.js';
import type { Pod } from '../../api/types.js';
import type { Hop, TracePath } from './types.js';
import type { Source } from './target.js';
import { toAddress, toName, type Origin, type TraceContext, type TraceOptions } from './trace.js';
import { isIP } from '../../lib/netaddr/index.js';

export interface HttpTraceOptions {
  method?: string;
  headers?: string[];
  gateway?: string;
  ingressClass?: string;
}

export const INGRESS_NAMESPACE = 'podnet-system';
export const INGRESS_POD = 'podnet-ingress';
export const INGRESS_LABELS = {
  'app.kubernetes.io/name': 'podnet-ingress',
  'app.kubernetes.io/component': 'controller',
};

/**
 * The ingress controller's pod: the one in the input if there is one (namespace podnet-system,
 * labels above), else a stand-in on the first node with that node's last pod address, which
 * the offline allocator hands out last.
 */
export function ingressControllerPod(cluster: Cluster): Pod | undefined {
  const given = cluster.pods.find(
    (p) =>
      p.metadata.namespace === INGRESS_NAMESPACE &&
      p.metadata.labels?.['app.kubernetes.io/name'] === INGRESS_LABELS['app.kubernetes.io/name'],
  );
  if (given) return given;
  const node = cluster.nodes[0];
  const cidr = node?.spec?.podCIDR ? parseCIDR(node.spec.podCIDR) : null;
  if (!node || !cidr) return undefined;
  const ip = formatIP(cidrAddress(cidr, cidrSize(cidr) - 2n));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: INGRESS_POD, namespace: INGRESS_NAMESPACE, labels: INGRESS_LABELS },
    spec: {
      nodeName: node.metadata.name,
      containers: [{ name: 'proxy', ports: [{ containerPort: 80 }, { containerPort: 443 }] }],
    },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function describeDecision(d: RouteDecision): string {
  if (isRouted(d))
    return `${d.kind} ${d.name} routes to Service ${d.backend.namespace}/${d.backend.service} port ${d.backend.port}`;
  if (!d.matched) {
    // The router's last reason says why nothing took the request (no listener, no rule, a
    // Gateway not Accepted, no defaultBackend).
    const why = d.reasons.at(-1)?.replace(/: 404$/, '') ?? 'no rule matches';
    return `the controller answers 404: ${why}`;
  }
  return `${d.kind} ${d.name} matches; the proxy answers ${d.status}${d.location ? ` (Location: ${d.location})` : ''}`;
}

export function traceHttp(
  ctx: TraceContext,
  origin: Origin,
  src: Source,
  url: URL,
  opts: TraceOptions,
  hops: Hop[],
): { paths: TracePath[]; unreachable?: string; answered?: string; ingress: RouteDecision | null } {
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  if (src.kind !== 'external') {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const r = isIP(host)
      ? toAddress(ctx, origin, host, port, 'TCP', hops)
      : toName(ctx, origin, host, port, opts, hops);
    return { ...r, ingress: null };
  }
  const req = parseRequestUrl(url.toString(), opts.method ?? 'GET', opts.headers ?? []);
  const decision = opts.gateway
    ? routeGateway(ctx.cluster, req, opts.gateway)
    : routeIngress(ctx.cluster, req, opts.ingressClass);
  hops.push({ step: 'ingress', detail: describeDecision(decision), reasons: decision.reasons });
  if (!isRouted(decision)) {
    // A redirect is the proxy's own answer: the request is served, by no backend.
    if (decision.matched && decision.status >= 300 && decision.status < 400)
      return { paths: [], answered: describeDecision(decision), ingress: decision };
    return { paths: [], unreachable: describeDecision(decision), ingress: decision };
  }
  const { backend } = decision;
  const svc = ctx.cluster.services.find(
    (s) => s.metadata.namespace === backend.namespace && s.metadata.name === backend.service,
  );
  const proxy = ingressControllerPod(ctx.cluster);
  if (!svc || !proxy)
    return {
      paths: [],
      unreachable: `backend Service ${backend.namespace}/${backend.service} not found`,
      ingress: decision,
    };
  const proxyOrigin: Origin = {
    endpoint: podEndpoint(proxy, ctx.nsLabels)!,
    node: proxy.spec?.nodeName,
    namespace: proxy.metadata.namespace,
  };
  hops.push({
    step: 'route',
    detail: `the ingress controller ${nsName(proxy)} (${proxy.status?.podIP}) opens a new connection to the backend`,
  });
  const vip = svc.spec?.clusterIP;
  if (!vip || vip === 'None')
    return {
      paths: [],
      unreachable: `backend Service ${backend.namespace}/${backend.service} has no ClusterIP`,
      ingress: decision,
    };
  return { ...toAddress(ctx, proxyOrigin, vip, backend.port, 'TCP', hops), ingress: decision };
}
