// The shapes of `podnet diff` (DESIGN.md §3: fields may be added, never renamed). Every list
// is sorted, so the same two inputs always give the same JSON, byte for byte.
import type { Protocol } from '../../api/types.js';
import type { ProbeSpec } from '../matrix.js';

export interface DiffOptions {
  /** Probes to compare; default: the union of both versions' defaultProbes. */
  probes?: ProbeSpec[];
  /**
   * Count a cell only when the destination pod declares the probe's port (containerPort, or a
   * port name) in that version. Default: true when `probes` is not given (the default probes
   * come from declared ports), false when it is.
   */
  declaredOnly?: boolean;
  /** The IngressClass to route through in both versions; default: podnet's selection per version. */
  ingressClass?: string;
  /** Most pod pairs (and group members, added-pod summaries) listed per list; 0 = no limit. Default 1000. */
  limit?: number;
}

/** One (source pod, destination pod, probe) cell whose verdict flipped. */
export interface PairChange {
  src: string;
  dst: string;
  port: number | string;
  protocol: Protocol;
}

/**
 * A rectangle of flipped cells: every pod of `src` to every pod of `dst`, on every probe of
 * `probes`. Pods the policies cannot tell apart (one class in both versions) fall into one group.
 */
export interface PairGroup {
  /** Pod names, at most `limit`; `srcCount` is the true size. */
  src: string[];
  srcCount: number;
  dst: string[];
  dstCount: number;
  /** Present when `src` is exactly every compared pod of these namespaces. */
  srcNamespaces?: string[];
  dstNamespaces?: string[];
  probes: { port: number | string; protocol: Protocol }[];
  /** srcCount × dstCount × probes: the cells this group stands for. */
  cells: number;
}

/** A pod only in the new version: how exposed it is there (on any compared probe). */
export interface AddedPodReach {
  pod: string;
  /** Other pods of the new version that may connect to it. */
  reachableFrom: number;
  /** Other pods of the new version it may connect to. */
  reaches: number;
}

export interface ReachabilityDiff {
  probes: { port: number | string; protocol: Protocol }[];
  /** Cells false → true, at most `limit`, sorted by src, dst, protocol, port. */
  gained: PairChange[];
  /** Cells true → false. */
  lost: PairChange[];
  gainedCount: number;
  lostCount: number;
  /** True when `gained` or `lost` (or a group's member list) was cut at `limit`. */
  truncated: boolean;
  groups: { gained: PairGroup[]; lost: PairGroup[] };
  podsAdded: string[];
  podsRemoved: string[];
  /** Deployment pods matched across versions although their names differ (template hash). */
  podsRenamed: { old: string; new: string }[];
  addedPodReach: AddedPodReach[];
}

export interface EndpointInfo {
  /** `ns/name` of the pod behind the address (targetRef), when there is one. */
  pod?: string;
  ip: string;
  port: number;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

export interface EndpointsChange {
  /** `ns/name` of the Service. */
  service: string;
  /** The Service port number. */
  port: number;
  protocol: Protocol;
  portName?: string;
  /** `added`/`removed`: the Service port exists in one version only. */
  status: 'added' | 'removed' | 'changed';
  added: EndpointInfo[];
  removed: EndpointInfo[];
  /** Same pod and port, different conditions. */
  changed: { old: EndpointInfo; new: EndpointInfo }[];
}

export interface DnsName {
  /** Absolute, lower case, trailing dot. */
  name: string;
  type: string;
}

export interface DnsDiff {
  added: DnsName[];
  removed: DnsName[];
  /** Names served in both versions whose CNAME target or SRV ports differ. */
  changed: (DnsName & { old: string[]; new: string[] })[];
}

/** What a request's routing comes to, reduced to what `diff` compares. */
export interface RouteOutcome {
  matched: boolean;
  /** The Ingress or HTTPRoute that took the request (reported, not compared). */
  name?: string;
  backend?: { service: string; namespace: string; port: number };
  /** 404 unmatched, 500 unusable backend, 3xx redirect. */
  status?: number;
  location?: string;
}

export interface RouteChange {
  kind: 'Ingress' | 'HTTPRoute';
  /** `ns/name` of the Gateway, for HTTPRoute requests. */
  gateway?: string;
  request: string;
  method?: string;
  headers?: Record<string, string>;
  old: RouteOutcome;
  new: RouteOutcome;
}

export interface DiffSummary {
  gained: number;
  lost: number;
  podsAdded: number;
  podsRemoved: number;
  endpointChanges: number;
  dnsAdded: number;
  dnsRemoved: number;
  dnsChanged: number;
  routes: number;
}

export interface ClusterDiff {
  changed: boolean;
  summary: DiffSummary;
  reachability: ReachabilityDiff;
  endpoints: EndpointsChange[];
  dns: DnsDiff;
  routes: RouteChange[];
}

export type FailOn = 'any' | 'new-allow' | 'none';
