// What the kubelet and the CNI plugin would do for pods on a simulated cluster: give each
// scheduled pod an IP from its node's pod CIDR (host-local style: skip the network address and
// the node's gateway .1; keep an IP already in status.podIP), report the node's InternalIP,
// and mark the pod Running and Ready unless its status already says otherwise.
// On a live cluster (`podnet up`) the node agent does this for real; this controller is the
// offline stand-in and is not used there.
import { cidrAddress, formatIP, formatIPv4, parseCIDR } from '../lib/netaddr/index.js';
import type { ClusterConfig } from '../api/cluster.js';
import type { Node, Pod, PodCondition } from '../api/types.js';
import type { ObjectClient } from '../store/client.js';
import type { Controller } from './controller.js';

export function nodeInternalIP(node: Node): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}

/** Node i (1-based, creation order) gets 172.18.0.(i+1) on the node network (DESIGN.md §2). */
export function planNodeAddresses(nodes: Node[], config: ClusterConfig): Map<Node, string> {
  const net = parseCIDR(config.nodeCIDR)!;
  const taken = new Set(nodes.map(nodeInternalIP).filter(Boolean));
  const out = new Map<Node, string>();
  let next = 2n;
  for (const n of nodes) {
    if (nodeInternalIP(n)) continue;
    let ip = formatIP(cidrAddress(net, next++));
    while (taken.has(ip)) ip = formatIP(cidrAddress(net, next++));
    out.set(n, ip);
  }
  return out;
}

const TERMINAL = new Set(['Succeeded', 'Failed']);

/** Status for a scheduled pod: its IP (given or allocated), host IP, phase and conditions. */
export function planPodStatuses(pods: Pod[], nodes: Node[]): Map<Pod, Pod['status']> {
  const byName = new Map(nodes.map((n) => [n.metadata.name!, n]));
  const used = new Set(pods.map((p) => p.status?.podIP).filter(Boolean));
  const cursor = new Map<string, number>();
  const out = new Map<Pod, Pod['status']>();
  for (const p of pods) {
    const node = p.spec?.nodeName ? byName.get(p.spec.nodeName) : undefined;
    const st = p.status ?? {};
    const hostIP = node ? nodeInternalIP(node) : undefined;
    if (!node || !hostIP) continue;
    let podIP = st.podIP;
    if (!podIP && p.spec?.hostNetwork) podIP = hostIP;
    if (!podIP && !TERMINAL.has(st.phase ?? '')) podIP = allocate(node, used, cursor);
    const phase = st.phase ?? (podIP ? 'Running' : 'Pending');
    const hasReady = st.conditions?.some((c) => c.type === 'Ready') ?? false;
    if (phase === st.phase && hostIP === st.hostIP && podIP === st.podIP && hasReady && (!podIP || st.podIPs))
      continue;
    const conditions = hasReady
      ? st.conditions
      : [...(st.conditions ?? []), readyCondition(phase === 'Running' && !p.metadata.deletionTimestamp)];
    out.set(p, {
      ...st,
      phase,
      hostIP,
      conditions,
      ...(podIP ? { podIP, podIPs: st.podIPs ?? [{ ip: podIP }] } : {}),
    });
  }
  return out;
}

function readyCondition(ready: boolean): PodCondition {
  return { type: 'Ready', status: ready ? 'True' : 'False' };
}

function allocate(
  node: Node,
  used: Set<string | undefined>,
  cursor: Map<string, number>,
): string | undefined {
  const cidr = node.spec?.podCIDR ? parseCIDR(node.spec.podCIDR) : null;
  if (!cidr || cidr.family !== 4) return undefined;
  // IPv4 fits in a double: plain numbers here, not bigints (this runs once per pod).
  const network = Number(cidr.network);
  const size = 2 ** (32 - cidr.prefix);
  // .0 is the network, .1 the node's gateway on the pod bridge, the last is broadcast.
  for (let i = cursor.get(node.metadata.name!) ?? 2; i < size - 1; i++) {
    const ip = formatIPv4(network + i);
    if (used.has(ip)) continue;
    used.add(ip);
    cursor.set(node.metadata.name!, i + 1);
    return ip;
  }
  return undefined; // the node's range is exhausted: the pod stays Pending without an IP
}

export function kubeletSimController(config: ClusterConfig): Controller {
  return {
    name: 'kubelet-sim',
    reads: ['Node', 'Pod'],
    async sync(client: ObjectClient) {
      let writes = 0;
      const nodes = await client.list<Node>('Node');
      for (const [n, ip] of planNodeAddresses(nodes, config)) {
        const addresses = [
          ...(n.status?.addresses ?? []),
          { type: 'InternalIP', address: ip },
          { type: 'Hostname', address: n.metadata.name! },
        ];
        await client.update<Node>({ ...n, status: { ...n.status, addresses } });
        writes++;
      }
      if (writes > 0) return writes; // pods need the node addresses first
      for (const [p, status] of planPodStatuses(await client.list<Pod>('Pod'), nodes)) {
        await client.update<Pod>({ ...p, status });
        writes++;
      }
      return writes;
    },
  };
}
