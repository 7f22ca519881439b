// PN106/PN107: policy ports that cannot match what reaches the pods.
// NetworkPolicy is enforced on the packet after kube-proxy's DNAT, so a rule must name the
// pod's (container) port, not the Service port (DESIGN.md §4 known traps; network-policies.md:
// "port ... on the given protocol ... This can either be a numerical or named port on a pod").
// A named port is resolved on the destination pod: a name no destination declares matches nothing.
import { containerPorts, findPort } from '../api/pod.js';
import { mapSelectorMatches } from '../api/selector.js';
import type { IntOrString, NetworkPolicy, Pod, Service } from '../api/types.js';
import { buildPolicyModel, type PeerModel, type PortModel, type RuleModel } from '../policy/model.js';
import { selectNamespaces, selectPods, type LintContext } from './context.js';
import { finding, listSome, nn, type Finding } from './finding.js';

function peerPods(ctx: LintContext, peer: PeerModel): Pod[] {
  if (!peer.pods) return [];
  const { namespaceSelector, podSelector, namespace } = peer.pods;
  const namespaces = namespaceSelector ? selectNamespaces(ctx, namespaceSelector) : [namespace];
  return namespaces.flatMap((n) => selectPods(ctx, n, podSelector));
}

function declares(pod: Pod, p: PortModel): boolean {
  return containerPorts(pod).some(
    (cp) => cp.protocol === p.protocol && (cp.name === p.port || cp.containerPort === p.port),
  );
}

function lintNamedPort(np: NetworkPolicy, p: PortModel, pods: Pod[], dir: string): Finding[] {
  if (typeof p.port !== 'string' || /^\d+$/.test(p.port) || pods.some((pod) => declares(pod, p))) return [];
  return [
    finding(
      'PN107',
      np,
      p.path,
      `named port "${p.port}" (${p.protocol}) is declared by none of the ${dir} pods (${listSome(pods.map(nn))}), ` +
        `so this port matches no traffic. Named ports are resolved on the destination pod's containers[].ports[].name ` +
        `with the same protocol: fix the name, or use the port number.`,
    ),
  ];
}

function lintServicePort(ctx: LintContext, np: NetworkPolicy, p: PortModel, pods: Pod[]): Finding[] {
  if (typeof p.port !== 'number' || p.endPort || pods.some((pod) => declares(pod, p))) return [];
  const out: Finding[] = [];
  const namespaces = new Set(pods.map((pod) => pod.metadata.namespace));
  for (const svc of ctx.cluster.services) {
    if (!namespaces.has(svc.metadata.namespace)) continue;
    const backends = pods.filter(
      (pod) =>
        pod.metadata.namespace === svc.metadata.namespace &&
        mapSelectorMatches(svc.spec?.selector, pod.metadata.labels),
    );
    if (backends.length === 0) continue;
    for (const sp of svc.spec?.ports ?? []) {
      if ((sp.protocol ?? 'TCP') !== p.protocol || sp.port !== p.port) continue;
      const target: IntOrString = sp.targetPort ?? sp.port;
      const resolved: number[] = [
        ...new Set(
          backends.flatMap((pod): number[] => {
            const n = findPort(pod, target, p.protocol);
            return n === undefined ? [] : [n];
          }),
        ),
      ];
      if (resolved.length === 0 || resolved.includes(p.port)) continue;
      const named = typeof target === 'string' && !/^\d+$/.test(target) ? ` (or the name "${target}")` : '';
      out.push(finding('PN106', np, p.path, serviceMessage(svc, p, resolved, named)));
    }
  }
  return out;
}

function serviceMessage(svc: Service, p: PortModel, resolved: number[], named: string): string {
  return (
    `port ${p.port} is the port of Service ${nn(svc)}, which forwards it to port ${resolved.join('/')} on its pods. ` +
    `NetworkPolicy matches packets after the Service's DNAT, at the pod's port, so this rule does not cover ` +
    `traffic through the Service. Use port ${resolved.join(' and ')}${named}.`
  );
}

function lintRule(
  ctx: LintContext,
  np: NetworkPolicy,
  rule: RuleModel,
  pods: Pod[],
  dir: 'selected' | 'destination',
): Finding[] {
  if (!rule.ports || pods.length === 0) return [];
  return rule.ports.flatMap((p) => [
    ...lintNamedPort(np, p, pods, dir),
    ...lintServicePort(ctx, np, p, pods),
  ]);
}

export function lintPolicyPorts(ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  for (const np of ctx.cluster.networkPolicies) {
    const model = buildPolicyModel(np);
    const selected = selectPods(ctx, model.namespace, model.podSelector);
    for (const rule of model.ingress) out.push(...lintRule(ctx, np, rule, selected, 'selected'));
    for (const rule of model.egress) {
      // Only rules that name their destination pods can be checked; `to` absent means anywhere.
      const dests = (rule.peers ?? []).flatMap((peer) => peerPods(ctx, peer));
      out.push(...lintRule(ctx, np, rule, [...new Set(dests)], 'destination'));
    }
  }
  return out;
}
