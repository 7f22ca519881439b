// The trace's JSON contract (DESIGN.md §3): fields may be added, never renamed.
import type { PolicyVerdict } from '../../policy/evaluate.js';

export type HopStep =
  | 'dns'
  | 'ingress'
  | 'service'
  | 'endpoint'
  | 'nat'
  | 'route'
  | 'policy-egress'
  | 'policy-ingress'
  | 'deliver';

export interface Hop {
  step: HopStep;
  detail: string;
  [extra: string]: unknown;
}

export type Verdict = 'allowed' | 'denied' | 'unreachable';

/** One way the packet can go: to one endpoint, with the policy verdict there. */
export interface TracePath {
  endpoint: string;
  port: number;
  pod?: string;
  /** The source address NetworkPolicy sees at the destination (after any masquerade). */
  seenSource: string;
  verdict: Verdict;
  policy?: PolicyVerdict;
}

export interface TraceResult {
  source: string;
  destination: string;
  protocol: string;
  verdict: Verdict;
  reason: string;
  hops: Hop[];
  ingress: unknown;
  paths: TracePath[];
}
