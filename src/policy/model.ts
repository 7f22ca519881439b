// NetworkPolicies normalised once (STYLE rule 2): effective policyTypes, rules with their
// peers and ports defaulted, CIDRs parsed. Evaluation and the data plane read this model,
// never the raw API objects. Semantics: networking.k8s.io/v1 NetworkPolicySpec comments
// (kubernetes/api networking/v1/types.go).
import { parseCIDR, type CIDR } from '../lib/netaddr/index.js';
import { nsName } from '../api/cluster.js';
import type {
  IntOrString,
  LabelSelector,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  Protocol,
} from '../api/types.js';

export type Direction = 'ingress' | 'egress';

export interface PeerModel {
  /** Field path of the peer, e.g. `spec.ingress[0].from[1]`. */
  path: string;
  /** Pods matched by selectors: `namespaceSelector` null means the policy's own namespace. */
  pods?: { namespaceSelector: LabelSelector | null; podSelector: LabelSelector; namespace: string };
  ipBlock?: { cidr: CIDR; except: CIDR[]; text: string };
}

export interface PortModel {
  path: string;
  protocol: Protocol;
  /** Undefined: every port of the protocol. */
  port?: IntOrString;
  endPort?: number;
}

export interface RuleModel {
  /** `spec.ingress[0]` */
  path: string;
  index: number;
  /** Undefined: every peer (the rule has no `from`/`to`, or an empty list). */
  peers?: PeerModel[];
  /** Undefined: every port (no `ports`, or an empty list). */
  ports?: PortModel[];
}

export interface PolicyModel {
  name: string;
  namespace: string;
  podSelector: LabelSelector;
  /** Effective policyTypes: given, or Ingress plus Egress when egress rules exist. */
  types: { ingress: boolean; egress: boolean };
  ingress: RuleModel[];
  egress: RuleModel[];
  source: NetworkPolicy;
}

/**
 * The API server's default: when policyTypes is empty, Ingress always applies and Egress
 * applies if the policy has any egress rule (SetDefaults_NetworkPolicy).
 */
export function effectivePolicyTypes(np: NetworkPolicy): { ingress: boolean; egress: boolean } {
  const given = np.spec?.policyTypes;
  if (given && given.length > 0)
    return { ingress: given.includes('Ingress'), egress: given.includes('Egress') };
  return { ingress: true, egress: (np.spec?.egress?.length ?? 0) > 0 };
}

function buildPeer(p: NetworkPolicyPeer, path: string, namespace: string): PeerModel {
  if (p.ipBlock) {
    return {
      path,
      ipBlock: {
        cidr: parseCIDR(p.ipBlock.cidr)!,
        except: (p.ipBlock.except ?? []).map((e) => parseCIDR(e)!),
        text: p.ipBlock.cidr,
      },
    };
  }
  return {
    path,
    pods: { namespaceSelector: p.namespaceSelector ?? null, podSelector: p.podSelector ?? {}, namespace },
  };
}

function buildPort(p: NetworkPolicyPort, path: string): PortModel {
  return { path, protocol: p.protocol ?? 'TCP', port: p.port, endPort: p.endPort };
}

function buildRules(
  rules: { from?: NetworkPolicyPeer[]; to?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }[] | undefined,
  dir: Direction,
  namespace: string,
): RuleModel[] {
  const peerField = dir === 'ingress' ? 'from' : 'to';
  return (rules ?? []).map((r, i) => {
    const path = `spec.${dir}[${i}]`;
    const peers = dir === 'ingress' ? r.from : r.to;
    return {
      path,
      index: i,
      peers:
        peers && peers.length > 0
          ? peers.map((p, j) => buildPeer(p, `${path}.${peerField}[${j}]`, namespace))
          : undefined,
      ports:
        r.ports && r.ports.length > 0
          ? r.ports.map((p, j) => buildPort(p, `${path}.ports[${j}]`))
          : undefined,
    };
  });
}

export function buildPolicyModel(np: NetworkPolicy): PolicyModel {
  const namespace = np.metadata.namespace!;
  const types = effectivePolicyTypes(np);
  return {
    name: nsName(np),
    namespace,
    podSelector: np.spec?.podSelector ?? {},
    types,
    // Rules of a type the policy does not have are ignored (the API documents policyTypes as authoritative).
    ingress: types.ingress ? buildRules(np.spec?.ingress, 'ingress', namespace) : [],
    egress: types.egress ? buildRules(np.spec?.egress, 'egress', namespace) : [],
    source: np,
  };
}

export function buildPolicyModels(policies: NetworkPolicy[]): PolicyModel[] {
  return policies.map(buildPolicyModel);
}
