// The matrix as users and tools see it (DESIGN.md §3): per pod, or per class of pods that the
// policies cannot tell apart. Classes are merged when their rows and columns agree in every probe.
import type { Cluster } from '../api/cluster.js';
import { containerPorts } from '../api/pod.js';
import { buildPolicyModels } from '../policy/model.js';
import { computeClassMatrix, type ProbeSpec } from './matrix.js';
import { buildPodClasses } from './pod-classes.js';
import { BitSet } from '../lib/collections/bitset.js';

export interface Reachability {
  /** Pods in output order (ns/name sorted). */
  pods: string[];
  probes: ProbeSpec[];
  /** Class of each pod, parallel to `pods`. */
  classOf: number[];
  /** Per probe, per class: the set of destination classes it may reach. */
  rows: BitSet[][];
  classCount: number;
}

export interface MatrixJson {
  pods: string[];
  probes: { port: number | string; protocol: string; matrix: Record<string, Record<string, boolean>> }[];
}

export interface GroupedMatrixJson {
  classes: string[][];
  probes: { port: number | string; protocol: string; matrix: boolean[][] }[];
}

/** Probes when none are asked for: every port some pod declares, else TCP/80. */
export function defaultProbes(cluster: Cluster): ProbeSpec[] {
  const seen = new Map<string, ProbeSpec>();
  for (const pod of cluster.pods) {
    for (const p of containerPorts(pod))
      seen.set(`${p.containerPort}/${p.protocol}`, { port: p.containerPort, protocol: p.protocol });
  }
  const list = [...seen.values()].sort((a, b) =>
    a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : (a.port as number) - (b.port as number),
  );
  return list.length ? list : [{ port: 80, protocol: 'TCP' }];
}

export function computeReachability(cluster: Cluster, probes: ProbeSpec[]): Reachability {
  const policies = buildPolicyModels(cluster.networkPolicies);
  const { classes } = buildPodClasses(cluster, policies);
  const members = classes.flatMap((c) => c.members.map((m) => ({ name: m.name, cls: c.id })));
  members.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    pods: members.map((m) => m.name),
    classOf: members.map((m) => m.cls),
    probes,
    rows: probes.map((p) => computeClassMatrix(classes, policies, p)),
    classCount: classes.length,
  };
}

export function isAllowed(r: Reachability, probeIndex: number, srcIndex: number, dstIndex: number): boolean {
  return r.rows[probeIndex][r.classOf[srcIndex]].has(r.classOf[dstIndex]);
}

export function matrixJson(r: Reachability): MatrixJson {
  return {
    pods: r.pods,
    probes: r.probes.map((probe, pi) => {
      const matrix: Record<string, Record<string, boolean>> = {};
      r.pods.forEach((src, si) => {
        const row: Record<string, boolean> = {};
        r.pods.forEach((dst, di) => (row[dst] = isAllowed(r, pi, si, di)));
        matrix[src] = row;
      });
      return { port: probe.port, protocol: probe.protocol, matrix };
    }),
  };
}

/**
 * Merges classes whose rows and columns are equal in every probe. Returns, per merged group,
 * one representative class and the pod indexes of its members, in pod order.
 */
export function mergeClasses(r: Reachability): { rep: number; pods: number[] }[] {
  const cols = r.rows.map((rows) => {
    const c = rows.map(() => new BitSet(r.classCount));
    rows.forEach((row, s) => {
      for (const d of row) c[d].add(s);
    });
    return c;
  });
  const groups = new Map<string, { rep: number; classes: Set<number>; pods: number[] }>();
  const groupOfClass = new Map<number, { rep: number; classes: Set<number>; pods: number[] }>();
  for (let cls = 0; cls < r.classCount; cls++) {
    const key = r.rows.map((rows, pi) => `${rows[cls].key()}|${cols[pi][cls].key()}`).join('/');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { rep: cls, classes: new Set(), pods: [] }));
    g.classes.add(cls);
    groupOfClass.set(cls, g);
  }
  r.classOf.forEach((cls, podIndex) => groupOfClass.get(cls)!.pods.push(podIndex));
  return [...groups.values()].filter((g) => g.pods.length > 0).sort((a, b) => a.pods[0] - b.pods[0]);
}

export function groupedMatrixJson(r: Reachability): GroupedMatrixJson {
  const groups = mergeClasses(r);
  return {
    classes: groups.map((g) => g.pods.map((i) => r.pods[i])),
    probes: r.probes.map((probe, pi) => ({
      port: probe.port,
      protocol: probe.protocol,
      matrix: groups.map((s) => groups.map((d) => r.rows[pi][s.rep].has(d.rep))),
    })),
  };
}
