// PN101-PN103, PN108: NetworkPolicies and peers that select nothing, and rules the API ignores;
// PN109: policies on a cluster whose network does not enforce them.
// Semantics: networking.k8s.io/v1 NetworkPolicySpec / NetworkPolicyPeer comments (kubernetes/api
// networking/v1/types.go) and the "Behavior of to and from selectors" section of
// https://kubernetes.io/docs/concepts/services-networking/network-policies/.
import { formatSelector, isEmptySelector, selectorMatches } from '../api/selector.js';
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer } from '../api/types.js';
import { effectivePolicyTypes } from '../policy/model.js';
import { NAMESPACE_NAME_LABEL } from '../controllers/namespace.js';
import { podsIn, selectNamespaces, selectPods, type LintContext } from './context.js';
import { finding, listSome, nn, type Finding } from './finding.js';

/** Every pod-selecting peer of a policy with its field path, both directions, as written. */
export function policyPeers(np: NetworkPolicy): { path: string; peer: NetworkPolicyPeer }[] {
  const out: { path: string; peer: NetworkPolicyPeer }[] = [];
  (np.spec?.ingress ?? []).forEach((r, i) =>
    (r.from ?? []).forEach((peer, j) => out.push({ path: `spec.ingress[${i}].from[${j}]`, peer })),
  );
  (np.spec?.egress ?? []).forEach((r, i) =>
    (r.to ?? []).forEach((peer, j) => out.push({ path: `spec.egress[${i}].to[${j}]`, peer })),
  );
  return out;
}

function lintSelection(ctx: LintContext, np: NetworkPolicy): Finding[] {
  const ns = np.metadata.namespace!;
  const selector = np.spec?.podSelector ?? {};
  if (selectPods(ctx, ns, selector).length > 0) return [];
  const none = podsIn(ctx, ns).length === 0;
  return [
    finding(
      'PN101',
      np,
      'spec.podSelector',
      `podSelector ${formatSelector(selector)} matches no pod in namespace ${ns}` +
        `${none ? ' (the input has no pods there)' : ''}, so the policy has no effect. ` +
        `A NetworkPolicy only applies to pods of its own namespace: check the labels ` +
        `(kubectl get pods -n ${ns} --show-labels) or move the policy to the pods' namespace.`,
    ),
  ];
}

function namespaceHint(ctx: LintContext, sel: LabelSelector): string {
  // A common slip: matching a `name` label that nobody sets, instead of the automatic one.
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) {
    if (key !== NAMESPACE_NAME_LABEL && ctx.namespaceLabels.has(value)) {
      return ` Namespace ${value} exists but has no label ${key}=${value}; select it with ${NAMESPACE_NAME_LABEL}: ${value}, which the API server sets on every namespace.`;
    }
  }
  return ' Namespace selectors match namespace labels, not names; every namespace has the label kubernetes.io/metadata.name: <name>.';
}

function lintPeer(ctx: LintContext, np: NetworkPolicy, path: string, peer: NetworkPolicyPeer): Finding[] {
  if (peer.ipBlock) return [];
  const ns = np.metadata.namespace!;
  const podSel = peer.podSelector ?? {};
  let namespaces = [ns];
  if (peer.namespaceSelector) {
    namespaces = selectNamespaces(ctx, peer.namespaceSelector);
    if (namespaces.length === 0) {
      return [
        finding(
          'PN103',
          np,
          `${path}.namespaceSelector`,
          `namespaceSelector ${formatSelector(peer.namespaceSelector)} matches no namespace, so this peer allows nothing.` +
            namespaceHint(ctx, peer.namespaceSelector),
        ),
      ];
    }
  }
  const matched = namespaces.flatMap((n) => selectPods(ctx, n, podSel));
  // Manifests are usually a part of a cluster: when the input has no pods at all in the selected
  // namespaces (kube-system, monitoring, ...), it cannot tell, and says nothing.
  if (matched.length > 0 || namespaces.every((n) => podsIn(ctx, n).length === 0)) return [];
  let hint = '';
  if (!peer.namespaceSelector) {
    const elsewhere = [...ctx.podsByNamespace]
      .filter(([n]) => n !== ns)
      .flatMap(([, pods]) => pods.filter((p) => selectorMatches(podSel, p.metadata.labels)));
    if (elsewhere.length > 0)
      hint =
        ` It matches ${listSome(elsewhere.map(nn))} in other namespaces: a podSelector without a namespaceSelector` +
        ` selects pods of the policy's own namespace only; add a namespaceSelector to the same peer.`;
  }
  return [
    finding(
      'PN102',
      np,
      isEmptySelector(peer.podSelector) ? path : `${path}.podSelector`,
      `podSelector ${formatSelector(podSel)} matches no pod in namespace${namespaces.length > 1 ? 's' : ''} ` +
        `${listSome(namespaces)}, so this peer allows nothing.${hint || ' Check the labels of the pods you meant.'}`,
    ),
  ];
}

/** PN108: rules of a direction that spec.policyTypes leaves out are ignored by the API. */
function lintIgnoredRules(np: NetworkPolicy): Finding[] {
  if (!np.spec?.policyTypes?.length) return [];
  const types = effectivePolicyTypes(np);
  const out: Finding[] = [];
  for (const [dir, type] of [
    ['ingress', 'Ingress'],
    ['egress', 'Egress'],
  ] as const) {
    if (types[dir] || (np.spec[dir]?.length ?? 0) === 0) continue;
    out.push(
      finding(
        'PN108',
        np,
        `spec.${dir}`,
        `the policy has ${dir} rules but spec.policyTypes does not list ${type}, so they are ignored ` +
          `(policyTypes is authoritative). Add ${type} to spec.policyTypes, or delete the rules.`,
      ),
    );
  }
  return out;
}

/** The API accepts NetworkPolicies whatever the network plugin; only the plugin enforces them. */
function lintNotEnforced(ctx: LintContext, np: NetworkPolicy): Finding[] {
  if (ctx.cluster.config.networkPolicyEnforced !== false) return [];
  return [
    finding(
      'PN109',
      np,
      '',
      `this cluster's network does not enforce NetworkPolicy (podnet up --policy off, like a CNI ` +
        `without policy support such as Flannel alone), so the policy has no effect: every pod ` +
        `still reaches every other. matrix and trace show what an enforcing network would do. ` +
        `Recreate the cluster with --policy on (the default) to enforce it.`,
    ),
  ];
}

export function lintPolicySelection(ctx: LintContext): Finding[] {
  return ctx.cluster.networkPolicies.flatMap((np) => [
    ...lintNotEnforced(ctx, np),
    ...lintSelection(ctx, np),
    ...policyPeers(np).flatMap(({ path, peer }) => lintPeer(ctx, np, path, peer)),
    ...lintIgnoredRules(np),
  ]);
}
