// Every name in the NetworkPolicy table (STYLE: all names are constants here). The table carries
// `pn-<cluster>` (DESIGN.md §2), so names inside need no prefix. Objects that exist for a
// meaning (a peer selector, a port list, a set of isolating policies) are named by a hash of
// that meaning, so that two policies with the same peer share one set and a render names the
// same thing the same way every time.
import { hashedName, meaningName } from '../../nft/names.js';
import type { Direction } from '../../policy/model.js';

export const policyTableName = (cluster: string) => `pn-${cluster}-policy`;

/** The NFLOG group flows are logged to unless the input says otherwise. */
export const DEFAULT_LOG_GROUP = 100;

export const CHAIN = {
  egressForward: 'egress-forward',
  egressInput: 'egress-input',
  ingressForward: 'ingress-forward',
  ingressOutput: 'ingress-output',
  /** Tier pipelines: today the NetworkPolicy tier alone (README.md: where the others go). */
  egress: 'egress',
  ingress: 'ingress',
  npEgress: 'np-egress',
  npIngress: 'np-ingress',
} as const;

export const SET = {
  /** Every pod of this node known to the ruleset; other addresses of its range are dropped. */
  localPods: 'local-pods',
  npEgressPods: 'np-egress-pods',
  npIngressPods: 'np-ingress-pods',
} as const;

export const tierChain = (dir: Direction) => (dir === 'egress' ? CHAIN.npEgress : CHAIN.npIngress);
export const isolationMap = (dir: Direction) => (dir === 'egress' ? SET.npEgressPods : SET.npIngressPods);

/** The rules of one NetworkPolicy for one direction: `policy-HASH-ns/name/egress`. */
export const policyChain = (policy: string, dir: Direction) => hashedName('policy', `${policy}/${dir}`);

/** The policies isolating some local pods for a direction, in name order: their chain. */
export const isolationChain = (dir: Direction, policies: string[]) =>
  meaningName(
    `isolated-${dir === 'egress' ? 'e' : 'i'}`,
    `${dir}\0${policies.join('\0')}`,
    policies.length === 1 ? policies[0] : `${policies[0]}+${policies.length - 1}`,
  );

export const podPeerSet = (meaning: string, readable: string) => meaningName('pods', meaning, readable);
export const ipBlockSet = (meaning: string, readable: string) => meaningName('cidrs', meaning, readable);
export const portsSet = (meaning: string, readable: string) => meaningName('ports', meaning, readable);
/** `pod IP . protocol . port` of every pod declaring the port name. */
export const namedPortSet = (name: string, protocol: string) =>
  meaningName('named', `${name}\0${protocol}`, `${name}/${protocol}`);
