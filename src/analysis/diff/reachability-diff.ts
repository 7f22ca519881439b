// Reachability changes between two versions: which (source, destination, probe) cells flip.
// Both matrices are computed over pod classes (reachability.ts). A pod present in both versions
// falls into a joint class (its old class, its new class); pods of one joint class behave alike
// in both versions, so cells are compared per pair of joint classes — J² bit tests per probe,
// never pods². Flipped cells are reported as rectangles (groups) and, up to a limit, as pairs.
import type { Cluster } from '../../api/cluster.js';
import { containerPorts } from '../../api/pod.js';
import type { Pod } from '../../api/types.js';
import { BitSet } from '../../lib/collections/bitset.js';
import type { ProbeSpec } from '../matrix.js';
import { computeReachability, type Reachability } from '../reachability.js';
import type { PodMatching } from './pod-identity.js';
import type { AddedPodReach, PairChange, PairGroup, ReachabilityDiff } from './types.js';

const nameOf = (p: Pod) => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;

interface Joint {
  oldClass: number;
  newClass: number;
  /** Indexes into the sorted list of common pods (new names), ascending. */
  members: number[];
}

/** Per joint source class: the joint destination classes whose cell flipped, per probe. */
type Flips = Map<number, { gained: number[]; lost: number[] }>;

export function diffReachability(
  oldCluster: Cluster,
  newCluster: Cluster,
  matching: PodMatching,
  probes: ProbeSpec[],
  limit: number,
  declaredOnly: boolean,
): ReachabilityDiff {
  const oldR = computeReachability(oldCluster, probes);
  const newR = computeReachability(newCluster, probes);
  const oldPods = new Map(oldCluster.pods.map((p) => [nameOf(p), p]));
  const newPods = new Map(newCluster.pods.map((p) => [nameOf(p), p]));
  const oldIndex = new Map(oldR.pods.map((p, i) => [p, i]));
  const common: string[] = [];
  const joints: Joint[] = [];
  const jointOf: number[] = [];
  const byKey = new Map<number, number>();
  newR.pods.forEach((name, ni) => {
    const old = matching.newToOld.get(name);
    const oi = old === undefined ? undefined : oldIndex.get(old);
    if (oi === undefined) return;
    const oc = oldR.classOf[oi];
    const nc = newR.classOf[ni];
    const key = oc * newR.classCount + nc;
    let j = byKey.get(key);
    if (j === undefined) {
      byKey.set(key, (j = joints.length));
      joints.push({ oldClass: oc, newClass: nc, members: [] });
    }
    joints[j].members.push(common.length);
    jointOf.push(j);
    common.push(name);
  });
  // A cell counts when policy allows it and, with declaredOnly, the destination declares the
  // probe's port in that version. Members of a joint class declare the same ports (classes key
  // on them), so the first member speaks for the class.
  const declares = (pods: Map<string, Pod>, name: string | undefined, p: ProbeSpec) => {
    const pod = name === undefined ? undefined : pods.get(name);
    return (
      !declaredOnly ||
      (pod !== undefined &&
        containerPorts(pod).some(
          (c) => c.protocol === p.protocol && (c.containerPort === p.port || c.name === p.port),
        ))
    );
  };
  const served = probes.map((p) =>
    joints.map((j) => {
      const name = common[j.members[0]];
      return {
        old: declares(oldPods, matching.newToOld.get(name), p),
        new: declares(newPods, name, p),
      };
    }),
  );

  // flips[js].get(jd): probes gained / lost for that pair of joint classes. This is the J² loop,
  // so it reads the bit words directly.
  const flips: Flips[] = joints.map(() => new Map());
  const oc = Int32Array.from(joints, (j) => j.oldClass);
  const nc = Int32Array.from(joints, (j) => j.newClass);
  const bit = (w: Uint32Array, i: number) => (w[i >>> 5] >>> (i & 31)) & 1;
  probes.forEach((_, p) => {
    const sOld = Uint8Array.from(served[p], (x) => (x.old ? 1 : 0));
    const sNew = Uint8Array.from(served[p], (x) => (x.new ? 1 : 0));
    for (let js = 0; js < joints.length; js++) {
      const ow = oldR.rows[p][oc[js]].words;
      const nw = newR.rows[p][nc[js]].words;
      for (let jd = 0; jd < joints.length; jd++) {
        const was = sOld[jd] & bit(ow, oc[jd]);
        if (was === (sNew[jd] & bit(nw, nc[jd]))) continue;
        let f = flips[js].get(jd);
        if (!f) flips[js].set(jd, (f = { gained: [], lost: [] }));
        (was ? f.lost : f.gained).push(p);
      }
    }
  });

  const cap = limit > 0 ? limit : Infinity;
  const groups = {
    gained: buildGroups(flips, joints, common, probes, 'gained', cap),
    lost: buildGroups(flips, joints, common, probes, 'lost', cap),
  };
  const gained = listPairs(flips, joints, jointOf, common, probes, 'gained', cap);
  const lost = listPairs(flips, joints, jointOf, common, probes, 'lost', cap);
  const count = (gs: PairGroup[]) => gs.reduce((n, g) => n + g.cells, 0);
  const gainedCount = count(groups.gained);
  const lostCount = count(groups.lost);
  const cut = (gs: PairGroup[]) => gs.some((g) => g.src.length < g.srcCount || g.dst.length < g.dstCount);
  return {
    probes: probes.map((p) => ({ port: p.port, protocol: p.protocol })),
    gained,
    lost,
    gainedCount,
    lostCount,
    truncated:
      gained.length < gainedCount || lost.length < lostCount || cut(groups.gained) || cut(groups.lost),
    groups,
    podsAdded: matching.added,
    podsRemoved: matching.removed,
    podsRenamed: matching.renamed,
    addedPodReach: addedReach(newR, matching, cap),
  };
}

/**
 * Rectangles of flipped cells. Row-wise: per source joint class, the destinations grouped by
 * the probes that flipped; sources with the same (probes, destinations) merge. Column-wise the
 * same with the roles swapped. The orientation giving fewer groups wins (a new default-deny on
 * one namespace is one column; a pod losing all egress is one row).
 */
function buildGroups(
  flips: Flips[],
  joints: Joint[],
  common: string[],
  probes: ProbeSpec[],
  dir: 'gained' | 'lost',
  cap: number,
): PairGroup[] {
  const cells: [number, number, number[]][] = [];
  flips.forEach((row, js) => {
    for (const [jd, f] of row) if (f[dir].length) cells.push([js, jd, f[dir]]);
  });
  const rects = (byRow: boolean) => {
    const lines = new Map<number, Map<string, { probes: number[]; other: number[] }>>();
    for (const [js, jd, ps] of cells) {
      const [line, other] = byRow ? [js, jd] : [jd, js];
      let m = lines.get(line);
      if (!m) lines.set(line, (m = new Map()));
      const k = ps.join(',');
      const e = m.get(k);
      if (e) e.other.push(other);
      else m.set(k, { probes: ps, other: [other] });
    }
    const out = new Map<string, { probes: number[]; srcs: number[]; dsts: number[] }>();
    for (const [line, m] of lines) {
      for (const [k, e] of m) {
        const key = `${k}|${e.other.join(',')}`;
        const r = out.get(key);
        if (r) (byRow ? r.srcs : r.dsts).push(line);
        else
          out.set(key, {
            probes: e.probes,
            srcs: byRow ? [line] : e.other,
            dsts: byRow ? e.other : [line],
          });
      }
    }
    return [...out.values()];
  };
  const rows = rects(true);
  const cols = rects(false);
  const best = cols.length < rows.length ? cols : rows;
  const pods = (js: number[]) => js.flatMap((j) => joints[j].members).sort((a, b) => a - b);
  const nsOf = (i: number) => common[i].slice(0, common[i].indexOf('/'));
  const nsSize = new Map<string, number>();
  common.forEach((_, i) => nsSize.set(nsOf(i), (nsSize.get(nsOf(i)) ?? 0) + 1));
  /** The namespaces a set of pods is made of, when it holds every compared pod of each. */
  const whole = (members: number[]): { namespaces?: string[] } => {
    const count = new Map<string, number>();
    for (const i of members) count.set(nsOf(i), (count.get(nsOf(i)) ?? 0) + 1);
    if (members.length < 2 || [...count].some(([ns, n]) => nsSize.get(ns) !== n)) return {};
    return { namespaces: [...count.keys()].sort() };
  };
  const out = best.map((r) => {
    const src = pods(r.srcs);
    const dst = pods(r.dsts);
    const ws = whole(src).namespaces;
    const wd = whole(dst).namespaces;
    return {
      first: [src[0], dst[0], r.probes[0]],
      group: {
        src: src.slice(0, cap).map((i) => common[i]),
        srcCount: src.length,
        dst: dst.slice(0, cap).map((i) => common[i]),
        dstCount: dst.length,
        ...(ws ? { srcNamespaces: ws } : {}),
        ...(wd ? { dstNamespaces: wd } : {}),
        probes: r.probes.map((p) => ({ port: probes[p].port, protocol: probes[p].protocol })),
        cells: src.length * dst.length * r.probes.length,
      },
    };
  });
  out.sort((a, b) => a.first[0] - b.first[0] || a.first[1] - b.first[1] || a.first[2] - b.first[2]);
  return out.map((o) => o.group);
}

/** The first `cap` flipped cells in (src, dst, probe) order; work stops once the list is full. */
function listPairs(
  flips: Flips[],
  joints: Joint[],
  jointOf: number[],
  common: string[],
  probes: ProbeSpec[],
  dir: 'gained' | 'lost',
  cap: number,
): PairChange[] {
  const out: PairChange[] = [];
  const perJoint = new Map<number, { dst: number; probes: number[] }[]>();
  for (let si = 0; si < common.length && out.length < cap; si++) {
    const js = jointOf[si];
    let dsts = perJoint.get(js);
    if (!dsts) {
      dsts = [];
      for (const [jd, f] of flips[js])
        if (f[dir].length) for (const m of joints[jd].members) dsts.push({ dst: m, probes: f[dir] });
      dsts.sort((a, b) => a.dst - b.dst);
      perJoint.set(js, dsts);
    }
    for (const d of dsts) {
      for (const p of d.probes) {
        if (out.length >= cap) return out;
        out.push({ src: common[si], dst: common[d.dst], port: probes[p].port, protocol: probes[p].protocol });
      }
    }
  }
  return out;
}

/** For each pod of the new version only: how many other pods reach it, and it reaches. */
function addedReach(r: Reachability, matching: PodMatching, cap: number): AddedPodReach[] {
  const added = new Set(matching.added);
  const size = new Array<number>(r.classCount).fill(0);
  for (const c of r.classOf) size[c]++;
  const cache = new Map<number, { from: number; to: number; self: boolean }>();
  const out: AddedPodReach[] = [];
  r.pods.forEach((pod, i) => {
    if (!added.has(pod) || out.length >= cap) return;
    const c = r.classOf[i];
    let e = cache.get(c);
    if (!e) {
      const to = new BitSet(r.classCount);
      for (const rows of r.rows) to.or(rows[c]);
      let reaches = 0;
      for (const d of to) reaches += size[d];
      let from = 0;
      for (let s = 0; s < r.classCount; s++) if (r.rows.some((rows) => rows[s].has(c))) from += size[s];
      e = { from, to: reaches, self: to.has(c) };
      cache.set(c, e);
    }
    // A pod reaching its own class counts itself once in each direction.
    const self = e.self ? 1 : 0;
    out.push({ pod, reachableFrom: e.from - self, reaches: e.to - self });
  });
  return out;
}
