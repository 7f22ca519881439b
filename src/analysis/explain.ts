// podnet explain: for an allowed connection, the rules that allow it; for one that policy
// denies, the smallest change to one policy per denying direction that would allow it:
// add the missing port to a rule whose peer already matches, else add the missing peer to a
// rule whose port already matches, else add one new rule to the first isolating policy.
// Every suggestion is checked by tracing again with the changed policy.
import type { Cluster } from '../api/cluster.js';
import type { Labels, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../api/types.js';
import type { DirectionVerdict, RuleRef } from '../policy/evaluate.js';
import type { Direction } from '../policy/model.js';
import type { TracePath, TraceResult } from './trace/types.js';
import { NAMESPACE_NAME_LABEL } from '../controllers/namespace.js';

export interface PolicyChange {
  direction: Direction;
  policy: string;
  action: 'add-port' | 'add-peer' | 'add-rule';
  description: string;
  /** The whole policy after the change, ready to apply. */
  object: NetworkPolicy;
}

export interface Explanation {
  allowedBy: (RuleRef & { direction: Direction })[];
  changes: PolicyChange[];
  /** True when tracing again with every change applied allows the connection. */
  verified?: boolean;
  note: string;
}

// Labels that controllers generate per pod or per revision: selecting on them is brittle.
const GENERATED = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'batch.kubernetes.io/controller-uid',
  'controller-uid',
  'batch.kubernetes.io/job-name',
  'job-name',
]);
const PREFERRED = ['app.kubernetes.io/name', 'app', 'k8s-app', 'name', 'component', 'tier', 'role'];

export function stableLabels(labels: Labels): Labels {
  for (const k of PREFERRED) if (labels[k] !== undefined) return { [k]: labels[k] };
  return Object.fromEntries(Object.entries(labels).filter(([k]) => !GENERATED.has(k)));
}

function peerFor(
  cluster: Cluster,
  endpointIP: string,
  policyNamespace: string,
): { peer: NetworkPolicyPeer; text: string } {
  const pod = cluster.pods.find((p) => p.status?.podIP === endpointIP && !p.spec?.hostNetwork);
  if (!pod) return { peer: { ipBlock: { cidr: `${endpointIP}/32` } }, text: `ipBlock ${endpointIP}/32` };
  const labels = stableLabels(pod.metadata.labels ?? {});
  if (Object.keys(labels).length === 0)
    return {
      peer: { ipBlock: { cidr: `${endpointIP}/32` } },
      text: `ipBlock ${endpointIP}/32 (the pod has no labels to select)`,
    };
  const ns = pod.metadata.namespace!;
  const podSelector = { matchLabels: labels };
  const sel = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  if (ns === policyNamespace) return { peer: { podSelector }, text: `pods ${sel}` };
  return {
    peer: { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: ns } }, podSelector },
    text: `pods ${sel} in namespace ${ns}`,
  };
}

function clean(np: NetworkPolicy): NetworkPolicy {
  const copy = structuredClone(np);
  const { name, namespace, labels, annotations } = copy.metadata;
  copy.metadata = { name, namespace, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) };
  delete copy.status;
  return copy;
}

function changeFor(
  cluster: Cluster,
  dir: DirectionVerdict,
  path: TracePath,
  protocol: string,
): PolicyChange | undefined {
  const port: NetworkPolicyPort = { protocol: protocol as NetworkPolicyPort['protocol'], port: path.port };
  const otherIP = dir.direction === 'ingress' ? path.seenSource : path.endpoint;
  const peerList = dir.direction === 'ingress' ? 'from' : 'to';
  const find = (name: string) =>
    cluster.networkPolicies.find((p) => `${p.metadata.namespace}/${p.metadata.name}` === name);
  const ruleIndex = (rule: string) => Number(/\[(\d+)\]$/.exec(rule)?.[1] ?? -1);
  const addPort = dir.misses.find((m) => m.peerMatched && !m.portMatched && ruleIndex(m.rule) >= 0);
  if (addPort) {
    const obj = clean(find(addPort.policy)!);
    const rule = obj.spec![dir.direction]![ruleIndex(addPort.rule)];
    rule.ports = [...(rule.ports ?? []), port];
    return {
      direction: dir.direction,
      policy: addPort.policy,
      action: 'add-port',
      description: `add port ${path.port}/${protocol} to ${addPort.policy} ${addPort.rule}`,
      object: obj,
    };
  }
  const addPeer = dir.misses.find((m) => m.portMatched && !m.peerMatched && ruleIndex(m.rule) >= 0);
  if (addPeer) {
    const obj = clean(find(addPeer.policy)!);
    const { peer, text } = peerFor(cluster, otherIP, obj.metadata.namespace!);
    const rule = obj.spec![dir.direction]![ruleIndex(addPeer.rule)] as Record<string, NetworkPolicyPeer[]>;
    rule[peerList] = [...(rule[peerList] ?? []), peer];
    return {
      direction: dir.direction,
      policy: addPeer.policy,
      action: 'add-peer',
      description: `add ${text} to ${addPeer.policy} ${addPeer.rule}.${peerList}`,
      object: obj,
    };
  }
  const target = find(dir.isolatedBy[0]);
  if (!target) return undefined;
  const obj = clean(target);
  const { peer, text } = peerFor(cluster, otherIP, obj.metadata.namespace!);
  const rules = (obj.spec![dir.direction] ??= []) as Record<string, unknown>[];
  rules.push({ [peerList]: [peer], ports: [port] });
  return {
    direction: dir.direction,
    policy: dir.isolatedBy[0],
    action: 'add-rule',
    description: `add an ${dir.direction} rule to ${dir.isolatedBy[0]} allowing ${text} on ${path.port}/${protocol}`,
    object: obj,
  };
}

/** `retrace` runs the same trace on another cluster, to check the suggestion. */
export function explain(
  cluster: Cluster,
  result: TraceResult,
  retrace?: (c: Cluster) => TraceResult,
): Explanation {
  if (result.verdict === 'allowed') {
    const allowedBy = result.paths.flatMap((p) => [
      ...(p.policy?.egress.allowedBy ?? []).map((r) => ({ ...r, direction: 'egress' as const })),
      ...(p.policy?.ingress.allowedBy ?? []).map((r) => ({ ...r, direction: 'ingress' as const })),
    ]);
    const note = allowedBy.length
      ? 'allowed by the rules listed'
      : 'no NetworkPolicy isolates either end, so everything is allowed';
    return { allowedBy, changes: [], note };
  }
  const denied = result.paths.find((p) => p.verdict === 'denied');
  if (!denied?.policy) return { allowedBy: [], changes: [], note: `not a policy decision: ${result.reason}` };
  const changes: PolicyChange[] = [];
  for (const dir of [denied.policy.egress, denied.policy.ingress]) {
    if (dir.allowed) continue;
    const c = changeFor(cluster, dir, denied, result.protocol);
    if (c) changes.push(c);
  }
  const explanation: Explanation = {
    allowedBy: [],
    changes,
    note:
      changes.length > 1
        ? 'both the source egress and the destination ingress deny it: both changes are needed'
        : 'one change allows it',
  };
  if (retrace && changes.length) {
    const patched = {
      ...cluster,
      networkPolicies: cluster.networkPolicies.map(
        (p) => changes.find((c) => c.policy === `${p.metadata.namespace}/${p.metadata.name}`)?.object ?? p,
      ),
    };
    // Two changes to one policy: apply them in sequence on the same object.
    explanation.verified = retrace(patched).paths.some(
      (p) => p.endpoint === denied.endpoint && p.verdict === 'allowed',
    );
  }
  return explanation;
}
