// A minimal scheduler: a pod without spec.nodeName goes to the node whose pod CIDR holds its
// status.podIP when it has one (the IP pins it), else to the schedulable node with the fewest
// pods that satisfies its nodeSelector. Ties go to the earlier node, so results are stable.
// Pods without a nodeSelector take the least-loaded node from a heap: O(log nodes) per pod.
import { cidrContains, parseCIDR, parseIP } from '../lib/netaddr/index.js';
import type { Node, Pod } from '../api/types.js';
import type { ObjectClient } from '../store/client.js';
import type { Controller } from './controller.js';

/** A binary min-heap of node indexes ordered by (load, index). */
class LoadHeap {
  private readonly heap: number[] = [];
  constructor(private readonly load: number[]) {}
  private less(a: number, b: number): boolean {
    return this.load[a] < this.load[b] || (this.load[a] === this.load[b] && a < b);
  }
  push(i: number): void {
    const h = this.heap;
    h.push(i);
    for (let c = h.length - 1; c > 0;) {
      const p = (c - 1) >> 1;
      if (!this.less(h[c], h[p])) break;
      [h[c], h[p]] = [h[p], h[c]];
      c = p;
    }
  }
  pop(): number | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      for (let p = 0; ;) {
        const l = 2 * p + 1;
        const r = l + 1;
        let m = p;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === p) break;
        [h[m], h[p]] = [h[p], h[m]];
        p = m;
      }
    }
    return top;
  }
}

export function planSchedule(pods: Pod[], nodes: Node[]): Map<Pod, string> {
  const index = new Map(nodes.map((n, i) => [n.metadata.name!, i]));
  const load = nodes.map(() => 0);
  for (const p of pods) {
    const i = p.spec?.nodeName ? index.get(p.spec.nodeName) : undefined;
    if (i !== undefined) load[i]++;
  }
  const cidrs = nodes.map((n) => (n.spec?.podCIDR ? parseCIDR(n.spec.podCIDR) : null));
  const schedulable = nodes.map((n, i) => (n.spec?.unschedulable ? -1 : i)).filter((i) => i >= 0);
  const out = new Map<Pod, string>();
  const place = (p: Pod, i: number) => {
    load[i]++;
    out.set(p, nodes[i].metadata.name!);
  };
  // First the pods with constraints (an IP that pins the node, or a nodeSelector), then the
  // rest from a heap built on the loads that the first pass left.
  const free: Pod[] = [];
  for (const p of pods) {
    if (p.spec?.nodeName) continue;
    const ip = p.status?.podIP ? parseIP(p.status.podIP) : null;
    let best = ip ? cidrs.findIndex((c) => c !== null && cidrContains(c, ip)) : -1;
    const sel = Object.entries(p.spec?.nodeSelector ?? {});
    if (best < 0 && sel.length === 0) {
      free.push(p);
      continue;
    }
    if (best < 0) {
      for (const i of schedulable) {
        if (!sel.every(([k, v]) => nodes[i].metadata.labels?.[k] === v)) continue;
        if (best < 0 || load[i] < load[best]) best = i;
      }
    }
    if (best >= 0) place(p, best); // else unschedulable: the pod stays Pending
  }
  if (schedulable.length === 0) return out;
  const heap = new LoadHeap(load);
  schedulable.forEach((i) => heap.push(i));
  for (const p of free) {
    const i = heap.pop()!;
    place(p, i);
    heap.push(i);
  }
  return out;
}

export const schedulerController: Controller = {
  name: 'scheduler',
  reads: ['Pod', 'Node'],
  async sync(client: ObjectClient) {
    const plan = planSchedule(await client.list<Pod>('Pod'), await client.list<Node>('Node'));
    for (const [pod, nodeName] of plan) await client.update<Pod>({ ...pod, spec: { ...pod.spec, nodeName } });
    return plan.size;
  },
};
