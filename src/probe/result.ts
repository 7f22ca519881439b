// From the probers' replies to the matrix of DESIGN.md §3, plus what could not be tested. Pure.
//
// The JSON is the matrix contract ({pods, probes: [{port, protocol, matrix}]}) with fields
// added, none changed: `via`; per probe `through` (with --via service|dns: the Service and
// address each destination column was reached through); and `untestable`, the cells that were
// not measured. Those cells are left out of `matrix` instead of being written as false: a
// reader of true|false never mistakes "not tested" for "denied". An entry without `to` is a
// whole probe (SCTP), which is then absent from `probes`; one with `to` is that destination's
// column of the probe.
import type { Protocol } from '../api/types.js';
import type { ProbeSpec } from '../analysis/matrix.js';
import { matrixJson, type MatrixJson, type Reachability } from '../analysis/reachability.js';
import { BitSet } from '../lib/collections/bitset.js';
import type { ProbePlan, Target, Via } from './plan.js';
import type { AttemptResult, TaskResult } from './protocol.js';

/** One measured cell. */
export interface Cell {
  /** Connected (TCP) or answered (UDP); through a Service: the destination pod answered. */
  ok: boolean;
  /** Why not: timeout, refused, unreachable, dns ..., or what answered instead. */
  error?: string;
  answeredBy?: string;
  /** The destination declares this port and protocol (something is meant to listen). */
  declared: boolean;
}

export interface UntestableEntry {
  port: number | string;
  protocol: Protocol;
  /** The destination column; absent: every cell of the probe. */
  to?: string;
  reason: string;
}

export interface MeasuredProbe {
  spec: ProbeSpec;
  /** [source][destination]; null where the column is untestable. */
  cells: (Cell | null)[][];
  /** Per destination `ns/name`: what it was reached through (--via service|dns). */
  through?: Record<string, NonNullable<Target['through']>>;
}

export interface ProbeResult {
  via: Via;
  pods: string[];
  probes: MeasuredProbe[];
  untestable: UntestableEntry[];
}

export interface ProbeJson extends MatrixJson {
  via: Via;
  probes: (MatrixJson['probes'][number] & { through?: MeasuredProbe['through'] })[];
  untestable: UntestableEntry[];
}

function tally(attempts: AttemptResult[]): string {
  const counts = new Map<string, number>();
  for (const a of attempts) {
    const key = a.answeredBy ? `answered by ${a.answeredBy}` : a.ok ? 'answered' : (a.error ?? 'failed');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k} x${n}`).join(', ');
}

/**
 * A cell from its connections. To one address with one pod behind it, the first success counts
 * (what answered is only recorded: a server need not speak netexec). Through a Service with
 * several endpoints only an answer naming the destination pod counts.
 */
function readCell(target: Target, attempts: AttemptResult[], dstName: string, declared: boolean): Cell {
  if (target.endpoints === 1) {
    const hit = attempts.find((a) => a.ok);
    if (hit) return { ok: true, answeredBy: hit.answeredBy, declared };
    return { ok: false, error: attempts.at(-1)?.error ?? 'not attempted', declared };
  }
  if (attempts.some((a) => a.answeredBy === dstName)) return { ok: true, answeredBy: dstName, declared };
  return {
    ok: false,
    error: `${dstName} never answered ${attempts.length} connections to ${target.through?.address}: ${tally(attempts)}`,
    declared,
  };
}

/** `replies[s]`: the results of source pod s's prober. */
export function buildProbeResult(plan: ProbePlan, replies: TaskResult[][]): ProbeResult {
  const byId = replies.map((r) => new Map(r.map((t) => [t.id, t.attempts])));
  const untestable: UntestableEntry[] = plan.untestable.map((u) => ({ ...u }));
  const probes = plan.probes.map((spec, p): MeasuredProbe => {
    const columns = plan.columns[p];
    const through: Record<string, NonNullable<Target['through']>> = {};
    columns.forEach((col, d) => {
      if (col.kind === 'untestable')
        untestable.push({ port: spec.port, protocol: spec.protocol, to: plan.pods[d], reason: col.reason });
      const via = col.kind === 'target' ? plan.targets[col.target].through : undefined;
      if (via) through[plan.pods[d]] = via;
    });
    const cells = plan.pods.map((_, s) =>
      columns.map((col, d): Cell | null => {
        if (col.kind === 'untestable') return null;
        if (col.kind === 'false') return { ok: false, error: col.reason, declared: false };
        const attempts = byId[s].get(col.target) ?? [];
        return readCell(plan.targets[col.target], attempts, plan.podNames[d], col.declared);
      }),
    );
    return plan.via === 'pod' ? { spec, cells } : { spec, cells, through };
  });
  return { via: plan.via, pods: plan.pods, probes, untestable };
}

/** The measurement as a Reachability (every pod its own class), for the matrix's printers. */
export function probeReachability(r: ProbeResult): Reachability {
  const n = r.pods.length;
  return {
    pods: r.pods,
    probes: r.probes.map((p) => p.spec),
    classOf: r.pods.map((_, i) => i),
    classCount: n,
    rows: r.probes.map((p) =>
      p.cells.map((row) => {
        const set = new BitSet(n);
        row.forEach((c, d) => c?.ok && set.add(d));
        return set;
      }),
    ),
  };
}

export function probeJson(r: ProbeResult): ProbeJson {
  const m = matrixJson(probeReachability(r));
  const probes = m.probes.map((p, i) => {
    const { cells, through } = r.probes[i];
    r.pods.forEach((src, s) =>
      r.pods.forEach((dst, d) => {
        if (cells[s][d] === null) delete p.matrix[src][dst];
      }),
    );
    return through ? { ...p, through } : p;
  });
  return { pods: m.pods, probes, via: r.via, untestable: r.untestable };
}
