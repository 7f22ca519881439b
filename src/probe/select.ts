// Which pods and which (port, protocol) pairs `podnet probe` and `podnet verify` test. Pure.
import { nsName, type Cluster } from '../api/cluster.js';
import { requirementMatches } from '../api/selector.js';
import type { LabelSelectorRequirement, Pod, Protocol } from '../api/types.js';
import { defaultProbes } from '../analysis/reachability.js';
import type { ProbeSpec } from '../analysis/matrix.js';

export interface PodSelection {
  /** Only this namespace; undefined: every namespace, as `podnet matrix` shows them. */
  namespace?: string;
  /** `-l`: every requirement must hold. */
  selector: LabelSelectorRequirement[];
}

/**
 * Pods a connection can start from and go to: Running, with an IP, not being deleted, not on
 * the host network (a local cluster runs no host-network pods), then the namespace and label
 * selection. In `ns/name` order, the order of the matrix.
 */
export function selectProbePods(cluster: Cluster, sel: PodSelection): Pod[] {
  return cluster.pods
    .filter(
      (p) =>
        p.status?.phase === 'Running' &&
        !!p.status.podIP &&
        !p.metadata.deletionTimestamp &&
        !p.spec?.hostNetwork &&
        (sel.namespace === undefined || p.metadata.namespace === sel.namespace) &&
        sel.selector.every((r) => requirementMatches(r, p.metadata.labels ?? {})),
    )
    .sort((a, b) => (nsName(a) < nsName(b) ? -1 : nsName(a) > nsName(b) ? 1 : 0));
}

/**
 * The probes, as `podnet matrix` chooses them: every given port with every given protocol
 * (TCP when none is given); with no port, every (port, protocol) the selected pods declare,
 * narrowed to the given protocols; TCP/80 when that leaves nothing.
 */
export function probeSpecs(pods: Pod[], ports: (number | string)[], protocols: Protocol[]): ProbeSpec[] {
  const given = [...new Set(protocols)];
  if (ports.length > 0)
    return (given.length ? given : (['TCP'] as Protocol[])).flatMap((protocol) =>
      ports.map((port) => ({ port, protocol })),
    );
  // defaultProbes reads only the pods (and gives TCP/80 when none declares a port).
  const declared = defaultProbes({ pods } as Cluster).filter(
    (p) => given.length === 0 || given.includes(p.protocol),
  );
  return declared.length ? declared : given.map((protocol) => ({ port: 80, protocol }));
}
