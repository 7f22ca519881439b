// The flow catalog: what each `log prefix` of the NetworkPolicy table means. Every rule that
// accepts or drops a connection attempt logs to NFLOG with a short prefix; the flow reader
// (src/flows) looks the prefix up here to say which policy and rule decided. A prefix is a hash
// of its meaning, so it is the same in every render and on every node, and stays far below the
// kernel's 127 characters (nft `log prefix`, NF_LOG_PREFIXLEN).
import { hashId } from '../../nft/names.js';
import type { Direction } from '../../policy/model.js';

export interface FlowRule {
  verdict: 'accept' | 'drop';
  direction: Direction;
  /** The tier that decided (DESIGN.md §4); NetworkPolicy is the only one today. */
  tier: 'NetworkPolicy';
  /** `ns/name` of the policies: the one whose rule accepted, or every isolating one. */
  policies: string[];
  /** `ingress rule 1 of default/allow-web`, or `isolated by default/deny-all, default/other`. */
  rule: string;
  /** The rule's field path (`spec.ingress[0]`), for accepts. */
  path?: string;
}

/** Log prefix -> meaning. */
export type FlowCatalog = Record<string, FlowRule>;

/** `pn-<a|d><e|i>-HASH10`: verdict and direction readable, the rest a hash of the meaning. */
export function flowPrefix(r: FlowRule): string {
  const meaning = [r.verdict, r.direction, r.tier, r.rule, ...r.policies].join('\0');
  return `pn-${r.verdict[0]}${r.direction[0]}-${hashId(meaning, 10)}`;
}

export function acceptRule(direction: Direction, policy: string, path: string, index: number): FlowRule {
  return {
    verdict: 'accept',
    direction,
    tier: 'NetworkPolicy',
    policies: [policy],
    rule: `${direction} rule ${index + 1} of ${policy}`,
    path,
  };
}

export function isolationRule(direction: Direction, policies: string[]): FlowRule {
  return {
    verdict: 'drop',
    direction,
    tier: 'NetworkPolicy',
    policies,
    rule: `isolated by ${policies.join(', ')}`,
  };
}
