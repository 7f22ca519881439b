// A cluster's objects after the controllers have run: the input of every analysis.
// Services carry their ClusterIPs, pods their IPs and nodes, EndpointSlices exist for
// selector Services. Functions that read a Cluster never mutate it.
import type {
  EndpointSlice,
  Ingress,
  IngressClass,
  KubeObject,
  Namespace,
  NetworkPolicy,
  Node,
  Pod,
  Secret,
  Service,
} from './types.js';

export interface Cluster {
  namespaces: Namespace[];
  nodes: Node[];
  pods: Pod[];
  services: Service[];
  endpointSlices: EndpointSlice[];
  networkPolicies: NetworkPolicy[];
  ingresses: Ingress[];
  ingressClasses: IngressClass[];
  secrets: Secret[];
  /** Gateway API objects (GatewayClass, Gateway, HTTPRoute, ReferenceGrant), kept as given. */
  gatewayClasses: KubeObject[];
  gateways: KubeObject[];
  httpRoutes: KubeObject[];
  referenceGrants: KubeObject[];
  config: ClusterConfig;
}

/** The address plan and settings of DESIGN.md §2. */
export interface ClusterConfig {
  podCIDR: string;
  /** prefix length of each node's pod range */
  nodeCIDRMaskSize: number;
  serviceCIDR: string;
  nodeCIDR: string;
  nodePortRange: [number, number];
  loadBalancerPool: [string, string];
  clusterDomain: string;
  /** Nodes created when the input has none. */
  defaultNodeCount: number;
  /**
   * Whether the cluster's network enforces NetworkPolicy: false for a local cluster made with
   * `podnet up --policy off` (like a CNI without policy support); undefined when unknown
   * (manifests, real clusters): the analysis shows what an enforcing CNI would do either way.
   */
  networkPolicyEnforced?: boolean;
}

export const defaultClusterConfig: ClusterConfig = {
  podCIDR: '10.244.0.0/16',
  nodeCIDRMaskSize: 24,
  serviceCIDR: '10.96.0.0/12',
  nodeCIDR: '172.18.0.0/16',
  nodePortRange: [30000, 32767],
  loadBalancerPool: ['172.18.255.1', '172.18.255.254'],
  clusterDomain: 'cluster.local',
  defaultNodeCount: 2,
};

export function emptyCluster(config: ClusterConfig = defaultClusterConfig): Cluster {
  return {
    namespaces: [],
    nodes: [],
    pods: [],
    services: [],
    endpointSlices: [],
    networkPolicies: [],
    ingresses: [],
    ingressClasses: [],
    secrets: [],
    gatewayClasses: [],
    gateways: [],
    httpRoutes: [],
    referenceGrants: [],
    config,
  };
}

/** `ns/name` of a namespaced object (or `name`), the key every output uses. */
export function nsName(obj: KubeObject): string {
  const md = obj.metadata ?? {};
  return md.namespace ? `${md.namespace}/${md.name}` : `${md.name}`;
}
