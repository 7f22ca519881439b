// The EndpointSlice controller's decision (kubernetes pkg/controller/endpointslice and
// staging/src/k8s.io/endpointslice): for a Service with a selector, the slices that should
// exist. Endpoints are grouped by their resolved ports (a named targetPort may map to
// different numbers on different pods), at most 100 endpoints per slice (the controller's
// default --max-endpoints-per-slice), labelled with the Service name and the managing controller.
import { findPort, isPodReady, isTerminating } from '../../api/pod.js';
import type { Endpoint, EndpointPort, EndpointSlice, Node, Pod, Service } from '../../api/types.js';
import { suffix } from '../names.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
export const MAX_ENDPOINTS_PER_SLICE = 100;
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** endpointutil.ShouldPodBeInEndpoints with terminating pods included: an IP, not finished. */
function podBelongs(pod: Pod): boolean {
  if (!pod.status?.podIP) return false;
  const phase = pod.status.phase;
  if (phase === 'Failed' || phase === 'Succeeded') return false;
  return true;
}

export function endpointForPod(svc: Service, pod: Pod, nodes: Map<string, Node>): Endpoint {
  const terminating = isTerminating(pod);
  const ready = isPodReady(pod);
  const publish = svc.spec?.publishNotReadyAddresses === true;
  const ep: Endpoint = {
    addresses: [pod.status!.podIP!],
    conditions: { ready: publish || (ready && !terminating), serving: publish || ready, terminating },
    targetRef: {
      kind: 'Pod',
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      uid: pod.metadata.uid,
    },
  };
  // A pod is named in DNS through a headless Service only when its subdomain is that Service.
  if (pod.spec?.hostname && pod.spec.subdomain === svc.metadata.name) ep.hostname = pod.spec.hostname;
  if (pod.spec?.nodeName) {
    ep.nodeName = pod.spec.nodeName;
    const zone = nodes.get(pod.spec.nodeName)?.metadata.labels?.[ZONE_LABEL];
    if (zone) ep.zone = zone;
  }
  return ep;
}

export function endpointPortsForPod(svc: Service, pod: Pod): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const protocol = sp.protocol ?? 'TCP';
    const port = findPort(pod, sp.targetPort ?? sp.port, protocol);
    if (port === undefined) continue; // the pod does not declare the named port: no port for it
    const ep: EndpointPort = { name: sp.name ?? '', protocol, port };
    if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

/** The slices the controller wants for a selector Service; empty for a selector-less one. */
export function desiredSlices(svc: Service, pods: Pod[], nodes: Map<string, Node>): EndpointSlice[] {
  const selector = svc.spec?.selector;
  if (!selector || Object.keys(selector).length === 0 || svc.spec?.type === 'ExternalName') return [];
  const ns = svc.metadata.namespace!;
  const name = svc.metadata.name!;
  const groups = new Map<string, { ports: EndpointPort[]; endpoints: Endpoint[] }>();
  const wanted = Object.entries(selector); // hoisted: this loop runs services x pods times
  for (const pod of pods) {
    const labels = pod.metadata.labels ?? {};
    if (pod.metadata.namespace !== ns || !wanted.every(([k, v]) => labels[k] === v) || !podBelongs(pod))
      continue;
    const ports = endpointPortsForPod(svc, pod);
    const key = ports.map((p) => `${p.name}/${p.protocol}/${p.port}`).join(',');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, endpoints: [] }));
    g.endpoints.push(endpointForPod(svc, pod, nodes));
  }
  const labels: Record<string, string> = {
    ...svc.metadata.labels,
    [SERVICE_NAME_LABEL]: name,
    [MANAGED_BY_LABEL]: CONTROLLER_NAME,
  };
  if (svc.spec?.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
  const slice = (ports: EndpointPort[], endpoints: Endpoint[], key: string): EndpointSlice => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${name}-${suffix(`${ns}/${name}/${key}`)}`,
      namespace: ns,
      labels,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata.uid, controller: true }],
    },
    addressType: 'IPv4',
    endpoints,
    ports,
  });
  if (groups.size === 0) {
    // A Service with no endpoints still gets one empty slice carrying its ports.
    const ports = (svc.spec?.ports ?? []).map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP' }));
    return [slice(ports, [], 'empty')];
  }
  const out: EndpointSlice[] = [];
  for (const [key, g] of groups) {
    for (let i = 0; i < g.endpoints.length; i += MAX_ENDPOINTS_PER_SLICE) {
      out.push(slice(g.ports, g.endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE), `${key}/${i}`));
    }
  }
  return out;
}
