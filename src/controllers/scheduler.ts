// A minimal scheduler: a pod without spec.nodeName goes to the node whose pod CIDR holds its
// status.podIP when it has one (the IP pins it), else to the schedulable node with the fewest
// pods that satisfies its nodeSelector. Ties go to the earlier node, so results are stable.
import { cidrContains, parseCIDR, parseIP } from '../lib/netaddr/index.js';
import type { Node, Pod } from '../api/types.js';
import type { ObjectClient } from '../store/client.js';
import type { Controller } from './controller.js';

export function planSchedule(pods: Pod[], nodes: Node[]): Map<Pod, string> {
  const load = new Map<string, number>(nodes.map((n) => [n.metadata.name!, 0]));
  for (const p of pods) if (p.spec?.nodeName) load.set(p.spec.nodeName, (load.get(p.spec.nodeName) ?? 0) + 1);
  const cidrs = nodes.map((n) => ({
    name: n.metadata.name!,
    cidr: n.spec?.podCIDR ? parseCIDR(n.spec.podCIDR) : null,
  }));
  const out = new Map<Pod, string>();
  for (const p of pods) {
    if (p.spec?.nodeName) continue;
    const ip = p.status?.podIP ? parseIP(p.status.podIP) : null;
    let chosen = ip ? cidrs.find((c) => c.cidr && cidrContains(c.cidr, ip))?.name : undefined;
    if (!chosen) {
      let best = Infinity;
      for (const n of nodes) {
        if (n.spec?.unschedulable) continue;
        const sel = p.spec?.nodeSelector ?? {};
        if (!Object.entries(sel).every(([k, v]) => n.metadata.labels?.[k] === v)) continue;
        const l = load.get(n.metadata.name!)!;
        if (l < best) [best, chosen] = [l, n.metadata.name!];
      }
    }
    if (!chosen) continue; // unschedulable: stays Pending
    load.set(chosen, load.get(chosen)! + 1);
    out.set(p, chosen);
  }
  return out;
}

export const schedulerController: Controller = {
  name: 'scheduler',
  async sync(client: ObjectClient) {
    const plan = planSchedule(await client.list<Pod>('Pod'), await client.list<Node>('Node'));
    for (const [pod, nodeName] of plan) await client.update<Pod>({ ...pod, spec: { ...pod.spec, nodeName } });
    return plan.size;
  },
};
