// kubectl's default columns for each kind (pkg/printers/internalversion/printers.go), with
// two differences offline: no AGE column (a simulated cluster has no history), and pods show
// IP and NODE by default because that is what users come to see.
import { formatSelector } from '../../api/selector.js';
import { isPodReady } from '../../api/pod.js';
import type {
  EndpointSlice,
  Ingress,
  KubeObject,
  NetworkPolicy,
  Node,
  Pod,
  Service,
  Workload,
} from '../../api/types.js';
import { nodeInternalIP } from '../../controllers/kubelet-sim.js';
import { lbAddress } from '../../controllers/loadbalancer.js';

export interface Columns {
  headers: string[];
  wide?: string[];
  row(o: KubeObject, wide: boolean): string[];
}

const none = (s: string | undefined) => (s === undefined || s === '' ? '<none>' : s);

function servicePorts(svc: Service): string {
  const ports = svc.spec?.ports ?? [];
  if (ports.length === 0) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function externalIP(svc: Service): string {
  const type = svc.spec?.type ?? 'ClusterIP';
  if (type === 'ExternalName') return svc.spec?.externalName ?? '<none>';
  const ips = [
    ...(type === 'LoadBalancer' ? [lbAddress(svc) ?? '<pending>'] : []),
    ...(svc.spec?.externalIPs ?? []),
  ];
  return ips.length ? ips.join(',') : '<none>';
}

function sliceEndpoints(s: EndpointSlice): string {
  const addrs = (s.endpoints ?? []).flatMap((e) => e.addresses);
  if (addrs.length === 0) return '<unset>';
  return addrs.length > 3 ? `${addrs.slice(0, 3).join(',')} + ${addrs.length - 3} more...` : addrs.join(',');
}

function workloadColumns(kind: string): Columns {
  return {
    headers: kind === 'Job' ? ['NAME', 'COMPLETIONS'] : ['NAME', 'DESIRED'],
    row: (o) => [
      o.metadata!.name!,
      String(
        (o as Workload).spec?.replicas ?? (kind === 'Job' ? ((o as Workload).spec?.completions ?? 1) : 1),
      ),
    ],
  };
}

export function columnsFor(kind: string, pods: Pod[]): Columns {
  switch (kind) {
    case 'Pod':
      return {
        headers: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'IP', 'NODE'],
        wide: ['LABELS'],
        row: (o, wide) => {
          const p = o as Pod;
          const total = p.spec?.containers?.length ?? 0;
          const cells = [
            p.metadata.name!,
            `${isPodReady(p) ? total : 0}/${total}`,
            // kubectl's printer says Terminating for a pod marked for deletion.
            p.metadata.deletionTimestamp ? 'Terminating' : (p.status?.phase ?? 'Pending'),
            '0',
            none(p.status?.podIP),
            none(p.spec?.nodeName),
          ];
          if (wide)
            cells.push(
              Object.entries(p.metadata.labels ?? {})
                .map(([k, v]) => `${k}=${v}`)
                .join(',') || '<none>',
            );
          return cells;
        },
      };
    case 'Service':
      return {
        headers: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)'],
        wide: ['SELECTOR'],
        row: (o, wide) => {
          const s = o as Service;
          const cells = [
            s.metadata.name!,
            s.spec?.type ?? 'ClusterIP',
            none(s.spec?.clusterIP),
            externalIP(s),
            servicePorts(s),
          ];
          if (wide)
            cells.push(
              Object.entries(s.spec?.selector ?? {})
                .map(([k, v]) => `${k}=${v}`)
                .join(',') || '<none>',
            );
          return cells;
        },
      };
    case 'EndpointSlice':
      return {
        headers: ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS'],
        row: (o) => {
          const s = o as EndpointSlice;
          const ports = (s.ports ?? []).map((p) => String(p.port ?? '<unset>')).join(',') || '<unset>';
          return [s.metadata.name!, s.addressType ?? 'IPv4', ports, sliceEndpoints(s)];
        },
      };
    case 'Node':
      return {
        headers: ['NAME', 'STATUS', 'INTERNAL-IP', 'POD-CIDR', 'PODS'],
        row: (o) => {
          const n = o as Node;
          const count = pods.filter((p) => p.spec?.nodeName === n.metadata.name).length;
          return [
            n.metadata.name!,
            n.spec?.unschedulable ? 'Ready,SchedulingDisabled' : 'Ready',
            none(nodeInternalIP(n)),
            none(n.spec?.podCIDR),
            String(count),
          ];
        },
      };
    case 'Namespace':
      return { headers: ['NAME', 'STATUS'], row: (o) => [o.metadata!.name!, 'Active'] };
    case 'NetworkPolicy':
      return {
        headers: ['NAME', 'POD-SELECTOR', 'POLICY-TYPES'],
        row: (o) => {
          const np = o as NetworkPolicy;
          const types =
            np.spec?.policyTypes?.join(',') ?? (np.spec?.egress?.length ? 'Ingress,Egress' : 'Ingress');
          return [np.metadata.name!, formatSelector(np.spec?.podSelector).replace('<all>', '<none>'), types];
        },
      };
    case 'Ingress':
      return {
        headers: ['NAME', 'CLASS', 'HOSTS', 'PORTS'],
        row: (o) => {
          const i = o as Ingress;
          const hosts = [...new Set((i.spec?.rules ?? []).map((r) => r.host ?? '*'))].join(',') || '*';
          return [
            i.metadata.name!,
            i.spec?.ingressClassName ?? '<none>',
            hosts,
            i.spec?.tls?.length ? '80, 443' : '80',
          ];
        },
      };
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
      return workloadColumns(kind);
    default:
      return { headers: ['NAME'], row: (o) => [o.metadata!.name!] };
  }
}
