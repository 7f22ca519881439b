// Pods that NetworkPolicy cannot tell apart: same namespace (name and labels), same pod labels,
// same declared ports, same host-network flag, and addresses that no ipBlock boundary separates.
// The matrix is computed per class, not per pair; this is what makes 100k pods tractable.
import type { Cluster } from '../api/cluster.js';
import { portsKey } from '../api/pod.js';
import { labelsKey } from '../api/selector.js';
import { cidrSize, type CIDR, type IP } from '../lib/netaddr/index.js';
import { namespaceLabelIndex, podEndpoint, type PolicyEndpoint } from '../policy/endpoint.js';
import type { PolicyModel } from '../policy/model.js';

export interface PodClass {
  id: number;
  /** The member whose endpoint stands for the whole class. */
  representative: PolicyEndpoint;
  members: PolicyEndpoint[];
}

/** Sorted start addresses of the address ranges that ipBlocks (and their excepts) delimit. */
function ipBoundaries(policies: PolicyModel[]): { v4: bigint[]; v6: bigint[] } {
  const v4 = new Set<bigint>();
  const v6 = new Set<bigint>();
  const add = (c: CIDR) => {
    const set = c.family === 4 ? v4 : v6;
    set.add(c.network);
    set.add(c.network + cidrSize(c));
  };
  for (const p of policies) {
    for (const r of [...p.ingress, ...p.egress]) {
      for (const peer of r.peers ?? []) {
        if (!peer.ipBlock) continue;
        add(peer.ipBlock.cidr);
        peer.ipBlock.except.forEach(add);
      }
    }
  }
  const sort = (s: Set<bigint>) => [...s].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { v4: sort(v4), v6: sort(v6) };
}

/** Index of the address range holding `ip` (binary search over the boundaries). */
function rangeOf(ip: IP, bounds: { v4: bigint[]; v6: bigint[] }): string {
  const list = ip.family === 4 ? bounds.v4 : bounds.v6;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] <= ip.value) lo = mid + 1;
    else hi = mid;
  }
  return `${ip.family}:${lo}`;
}

export function buildPodClasses(
  cluster: Cluster,
  policies: PolicyModel[],
): { classes: PodClass[]; endpoints: PolicyEndpoint[] } {
  const nsLabels = namespaceLabelIndex(cluster);
  const bounds = ipBoundaries(policies);
  const byKey = new Map<string, PodClass>();
  const classes: PodClass[] = [];
  const endpoints: PolicyEndpoint[] = [];
  for (const pod of cluster.pods) {
    const ep = podEndpoint(pod, nsLabels);
    if (!ep) continue; // no IP yet: nothing can connect to it
    endpoints.push(ep);
    const key = ep.pod
      ? `${ep.pod.namespace}\0${labelsKey(ep.pod.labels)}\0${portsKey(pod)}\0${rangeOf(ep.ip, bounds)}`
      : `host\0${ep.ipText}`;
    let c = byKey.get(key);
    if (!c) {
      c = { id: classes.length, representative: ep, members: [] };
      byKey.set(key, c);
      classes.push(c);
    }
    c.members.push(ep);
  }
  return { classes, endpoints };
}
