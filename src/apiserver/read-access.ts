// What the read socket serves: the API for pods that must read cluster objects (the cluster DNS
// server; CoreDNS's ClusterRole system:coredns grants list and watch of endpointslices, services,
// pods and namespaces). Pod processes run as an unprivileged user, so that socket is
// world-accessible: it must never write and never reveal Secrets. Pure: the listener asks it
// before routing.
import { parsePath } from './paths.js';
import { failure, qualifiedResource, type Status } from './status.js';
import type { ApiRequest } from './types.js';

/** Resources readable through the read socket, as `group/plural`. */
const READABLE = new Set(['/services', '/pods', '/namespaces', '/nodes', 'discovery.k8s.io/endpointslices']);

/** The Forbidden Status for a request the read socket refuses; undefined when it is allowed. */
export function readSocketDenial(req: ApiRequest): Status | undefined {
  const route = parsePath(req.path);
  const reading = req.method === 'GET' || req.method === 'HEAD';
  if (route.type !== 'resource') return reading ? undefined : forbidden(req.path, req.method);
  if (reading && !route.subresource && READABLE.has(`${route.group}/${route.plural}`)) return undefined;
  const what = qualifiedResource(route.plural, route.group);
  return forbidden(what, req.method, { kind: route.plural, group: route.group });
}

function forbidden(what: string, method: string, details?: Status['details']): Status {
  return failure(
    403,
    'Forbidden',
    `${what} is forbidden: the read socket serves only get, list and watch of services, ` +
      `endpointslices, pods, namespaces and nodes (method ${method})`,
    details,
  );
}
