// podnet diff: what changes between two versions of the manifests (docs/diff.md). Pure: two
// Clusters (after the controllers ran) in, a ClusterDiff out.
import type { Cluster } from '../../api/cluster.js';
import type { ProbeSpec } from '../matrix.js';
import { defaultProbes } from '../reachability.js';
import { diffDns } from './dns-diff.js';
import { diffEndpoints } from './endpoints-diff.js';
import { matchPods } from './pod-identity.js';
import { diffReachability } from './reachability-diff.js';
import { diffRoutes } from './routes-diff.js';
import type { ClusterDiff, DiffOptions, FailOn } from './types.js';

export type * from './types.js';
export { formatDiffText, type DiffPaint } from './format-text.js';

/** The union of both versions' default probes: by protocol, then numbers before names. */
export function unionProbes(a: ProbeSpec[], b: ProbeSpec[]): ProbeSpec[] {
  const seen = new Map<string, ProbeSpec>();
  for (const p of [...a, ...b]) seen.set(`${p.protocol}/${p.port}`, p);
  const key = (p: ProbeSpec) =>
    `${p.protocol}/${typeof p.port === 'number' ? `0${String(p.port).padStart(5, '0')}` : `1${p.port}`}`;
  return [...seen.values()].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
}

export function diffClusters(oldCluster: Cluster, newCluster: Cluster, opts: DiffOptions = {}): ClusterDiff {
  const probes = opts.probes?.length
    ? opts.probes
    : unionProbes(defaultProbes(oldCluster), defaultProbes(newCluster));
  const matching = matchPods(oldCluster, newCluster);
  const declaredOnly = opts.declaredOnly ?? !opts.probes?.length;
  const reachability = diffReachability(
    oldCluster,
    newCluster,
    matching,
    probes,
    opts.limit ?? 1000,
    declaredOnly,
  );
  const endpoints = diffEndpoints(oldCluster, newCluster, matching);
  const dns = diffDns(oldCluster, newCluster);
  const routes = diffRoutes(oldCluster, newCluster, opts.ingressClass);
  const summary = {
    gained: reachability.gainedCount,
    lost: reachability.lostCount,
    podsAdded: reachability.podsAdded.length,
    podsRemoved: reachability.podsRemoved.length,
    endpointChanges: endpoints.reduce((n, e) => n + e.added.length + e.removed.length + e.changed.length, 0),
    dnsAdded: dns.added.length,
    dnsRemoved: dns.removed.length,
    dnsChanged: dns.changed.length,
    routes: routes.length,
  };
  return {
    changed: Object.values(summary).some((n) => n > 0),
    summary,
    reachability,
    endpoints,
    dns,
    routes,
  };
}

/**
 * Whether a diff fails CI: `any` when anything changed; `new-allow` only when some existing
 * pod pair gained reachability (a change that opens access); `none` never.
 */
export function diffFails(diff: ClusterDiff, failOn: FailOn): boolean {
  if (failOn === 'none') return false;
  if (failOn === 'new-allow') return diff.reachability.gainedCount > 0;
  return diff.changed;
}
