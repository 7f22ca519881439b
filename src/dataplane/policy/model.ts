// The renderer's input and the node's view of it (STYLE rule 2: normalize at the edge). Pods
// become policy endpoints through the same functions the predictor uses (src/policy), so the
// rules select exactly the pods that `podnet matrix` and `podnet trace` reason about: pods with
// an IP that are not on the host network (a podSelector cannot select those).
import type { Labels, Namespace, NetworkPolicy, Node, Pod } from '../../api/types.js';
import { podEndpoint, type PolicyEndpoint } from '../../policy/endpoint.js';
import { selectsEndpoint } from '../../policy/evaluate.js';
import { buildPolicyModels, type Direction, type PolicyModel } from '../../policy/model.js';

export interface PolicyInput {
  clusterName: string;
  nodeName: string;
  /** For this node's pod range (`spec.podCIDR`); its first address is the bridge gateway. */
  nodes: Node[];
  networkPolicies: NetworkPolicy[];
  pods: Pod[];
  namespaces: Namespace[];
  /** NFLOG group of the flow log; default DEFAULT_LOG_GROUP. */
  logGroup?: number;
}

/** A pod of this node with the policies that select it, per direction (name order). */
export interface LocalPod {
  ep: PolicyEndpoint & { pod: NonNullable<PolicyEndpoint['pod']> };
  selectedBy: Record<Direction, PolicyModel[]>;
}

export interface NodePolicyView {
  policies: PolicyModel[];
  /** Every pod of the cluster that policy can select, in name order. */
  endpoints: LocalPod['ep'][];
  local: LocalPod[];
  podCIDR?: string;
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function buildNodePolicyView(input: PolicyInput): NodePolicyView {
  const nsLabels = new Map<string, Labels>(
    input.namespaces.map((n) => [n.metadata.name!, n.metadata.labels ?? {}]),
  );
  const policies = buildPolicyModels(input.networkPolicies).sort(byName);
  const endpoints = input.pods
    .map((p) => podEndpoint(p, nsLabels))
    .filter((ep): ep is LocalPod['ep'] => ep?.pod !== undefined && ep.ip.family === 4)
    .sort(byName);
  const local = endpoints
    .filter((ep) => ep.pod.object.spec?.nodeName === input.nodeName)
    .map((ep) => {
      const selecting = policies.filter((p) => selectsEndpoint(p, ep));
      return {
        ep,
        selectedBy: {
          ingress: selecting.filter((p) => p.types.ingress),
          egress: selecting.filter((p) => p.types.egress),
        },
      };
    });
  const node = input.nodes.find((n) => n.metadata.name === input.nodeName);
  return { policies, endpoints, local, podCIDR: node?.spec?.podCIDR };
}

/** The input for one node of an analysed cluster (what the agent builds from its informers). */
export function policyInputOf(
  cluster: { nodes: Node[]; networkPolicies: NetworkPolicy[]; pods: Pod[]; namespaces: Namespace[] },
  nodeName: string,
  clusterName: string,
): PolicyInput {
  return {
    clusterName,
    nodeName,
    nodes: cluster.nodes,
    networkPolicies: cluster.networkPolicies,
    pods: cluster.pods,
    namespaces: cluster.namespaces,
  };
}
