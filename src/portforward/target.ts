// What `podnet port-forward` connects to, as kubectl decides it (staging/src/k8s.io/kubectl/pkg/
// cmd/portforward/portforward.go): a resource (pod/NAME, NAME, svc/NAME, deploy/NAME) becomes
// one pod, the most active one its selector matches (ActivePods order, reversed by kubectl's
// AttachablePodForObject); port arguments `[LOCAL]:REMOTE`; for a Service, REMOTE is a Service
// port (number or name) translated to the pod's targetPort (translateServicePortToTargetPort).
// Like the kubelet, the connection is then made to localhost:port inside the pod's network
// namespace, not through the Service's virtual IP. Pure.
import { isPodReady, findPort } from '../api/pod.js';
import { mapSelectorMatches, selectorMatches } from '../api/selector.js';
import type { KubeObject, LabelSelector, Pod, Service } from '../api/types.js';

export interface PortMapping {
  /** 0: pick a free port (`:REMOTE`). */
  local: number;
  remote: number;
  /** As given, for messages. */
  given: string;
}

export class ForwardError extends Error {}

const PORT_RE = /^\d{1,5}$/;
const validPort = (n: number) => n >= 1 && n <= 65535;

/** `8080:80`, `80`, `:80`; a name stands for a Service or container port name (resolved later). */
export function parsePortArgs(args: string[]): { local: string; remote: string; given: string }[] {
  if (args.length === 0) throw new ForwardError('at least 1 PORT is required for port-forward');
  return args.map((given) => {
    const parts = given.split(':');
    if (parts.length > 2)
      throw new ForwardError(`invalid port format "${given}": use [LOCAL_PORT:]REMOTE_PORT`);
    const [local, remote] = parts.length === 2 ? parts : [parts[0], parts[0]];
    if (local !== '' && !(PORT_RE.test(local) && validPort(Number(local))))
      throw new ForwardError(`invalid local port "${local}" in "${given}": a number from 1 to 65535`);
    if (remote === '') throw new ForwardError(`invalid port format "${given}": the remote port is missing`);
    if (PORT_RE.test(remote) && !validPort(Number(remote)))
      throw new ForwardError(`invalid remote port "${remote}" in "${given}": a number from 1 to 65535`);
    return { local, remote, given };
  });
}

/** `pod/NAME`, `pods/NAME`, `NAME` (a pod), `svc/NAME`, `service/NAME`, `deploy/NAME`... */
export function parseResource(ref: string): { kind: 'Pod' | 'Service' | 'Workload'; name: string } {
  const slash = ref.indexOf('/');
  if (slash < 0) return { kind: 'Pod', name: ref };
  const type = ref.slice(0, slash).toLowerCase();
  const name = ref.slice(slash + 1);
  if (!name) throw new ForwardError(`invalid resource "${ref}": TYPE/NAME`);
  if (['pod', 'pods', 'po'].includes(type)) return { kind: 'Pod', name };
  if (['svc', 'service', 'services'].includes(type)) return { kind: 'Service', name };
  if (
    [
      'deploy',
      'deployment',
      'deployments',
      'rs',
      'replicaset',
      'replicasets',
      'sts',
      'statefulset',
      'statefulsets',
    ].includes(type)
  )
    return { kind: 'Workload', name };
  throw new ForwardError(`cannot port-forward to "${type}": use pod/NAME, svc/NAME or deploy/NAME`);
}

/** The Kubernetes kind behind a workload shorthand. */
export function workloadKind(ref: string): string {
  const type = ref.slice(0, ref.indexOf('/')).toLowerCase();
  if (type.startsWith('rs') || type.startsWith('replicaset')) return 'ReplicaSet';
  if (type.startsWith('sts') || type.startsWith('statefulset')) return 'StatefulSet';
  return 'Deployment';
}

/**
 * kubectl's ActivePods order, most active first: scheduled, Running before Pending, Ready, then
 * the older pod (a stable pick across calls).
 */
function activity(p: Pod): number[] {
  const phase = { Running: 2, Unknown: 1, Pending: 0 }[p.status?.phase ?? 'Pending'] ?? -1;
  return [p.spec?.nodeName ? 1 : 0, phase, isPodReady(p) ? 1 : 0];
}

export function pickPod(pods: Pod[], selects: (p: Pod) => boolean, what: string): Pod {
  const matching = pods.filter((p) => selects(p) && !p.metadata.deletionTimestamp);
  if (matching.length === 0) throw new ForwardError(`no pods found for ${what}`);
  return matching.sort((a, b) => {
    const [x, y] = [activity(a), activity(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return y[i] - x[i];
    const ta = a.metadata.creationTimestamp ?? '';
    const tb = b.metadata.creationTimestamp ?? '';
    return ta < tb ? -1 : ta > tb ? 1 : (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
  })[0];
}

export const podsOfService = (svc: Service) => (p: Pod) =>
  !!svc.spec?.selector &&
  Object.keys(svc.spec.selector).length > 0 &&
  mapSelectorMatches(svc.spec.selector, p.metadata.labels);

export const podsOfWorkload = (w: KubeObject & { spec?: { selector?: LabelSelector } }) => (p: Pod) =>
  !!w.spec?.selector && selectorMatches(w.spec.selector, p.metadata.labels);

/** Remote ports on the pod: numbers stay, names are container port names (kubectl does the same). */
export function podPorts(pod: Pod, args: { local: string; remote: string; given: string }[]): PortMapping[] {
  return args.map((a) => {
    const remote = PORT_RE.test(a.remote) ? Number(a.remote) : findPort(pod, a.remote, 'TCP');
    if (remote === undefined)
      throw new ForwardError(`pod ${pod.metadata.name} has no container port named "${a.remote}"`);
    return { local: a.local === '' ? 0 : Number(a.local), remote, given: a.given };
  });
}

/**
 * Service port (number or name) -> the chosen pod's port: targetPort as a number, a named
 * targetPort looked up in the pod, or the port itself when targetPort is unset. `REMOTE` alone
 * listens locally on the Service port, as kubectl does.
 */
export function servicePorts(
  svc: Service,
  pod: Pod,
  args: { local: string; remote: string; given: string }[],
): PortMapping[] {
  return args.map((a) => {
    const byNumber = PORT_RE.test(a.remote);
    const sp = (svc.spec?.ports ?? []).find((p) =>
      byNumber ? p.port === Number(a.remote) : p.name === a.remote,
    );
    if (!sp) throw new ForwardError(`Service ${svc.metadata.name} does not have a service port ${a.remote}`);
    if ((sp.protocol ?? 'TCP') !== 'TCP')
      throw new ForwardError(
        `port ${a.remote} of Service ${svc.metadata.name} is ${sp.protocol}: only TCP is forwarded`,
      );
    const remote = findPort(pod, sp.targetPort ?? sp.port, 'TCP');
    if (remote === undefined)
      throw new ForwardError(
        `pod ${pod.metadata.name} has no container port named "${sp.targetPort}" (targetPort of Service ${svc.metadata.name} port ${sp.port})`,
      );
    return { local: a.local === '' ? 0 : Number(a.local), remote, given: a.given };
  });
}
