// `podnet verify`: the prediction (the matrix) against the measurement (the probe), cell by
// cell. Pure.
//
// A cell agrees when both say allowed or both say denied, with one refinement: on a port the
// destination does not declare, nothing is meant to listen, so an allowed prediction agrees
// with a connection that was refused (a TCP RST or ICMP port unreachable proves the packet
// arrived); a timeout there still disagrees (something dropped it). Cells that were not tested
// (SCTP; columns with no Service for --via service) are counted apart, and so are loopback
// cells (a pod to itself): their packets never leave the pod's namespace, and what policy means
// for them is undefined upstream (kubernetes/kubernetes#95879), so the e2e suite ignores them
// (test/e2e/network/netpol/network_policy.go `ignoreLoopback = true`).
import type { Protocol } from '../api/types.js';
import type { MatrixJson } from '../analysis/reachability.js';
import type { TraceResult } from '../analysis/trace/types.js';
import type { ProbeResult } from './result.js';

export interface Disagreement {
  from: string;
  to: string;
  port: number | string;
  protocol: Protocol;
  predicted: boolean;
  measured: boolean;
  /** Why the measured connection failed, or who answered. */
  error?: string;
  answeredBy?: string;
}

/** A disagreement with the trace of its prediction (or why tracing it failed). */
export type TracedDisagreement = Disagreement & { trace: TraceResult | { error: string } };

export interface VerifySummary {
  cells: number;
  compared: number;
  agreeing: number;
  disagreeing: number;
  untestable: number;
  /** Cells of a pod to itself, measured but not compared (see above). */
  loopback: number;
  /** Agreeing cells where the connection was refused on a port the destination does not declare. */
  refusedUndeclared: number;
}

export interface Comparison {
  summary: VerifySummary;
  disagreements: Disagreement[];
}

const probeKey = (port: number | string, protocol: string) => `${protocol}/${port}`;

/** `prediction` must cover every probe of the measurement over the same pods. */
export function compareCells(prediction: MatrixJson, measured: ProbeResult): Comparison {
  const predicted = new Map(prediction.probes.map((p) => [probeKey(p.port, p.protocol), p.matrix]));
  const n = measured.pods.length;
  const summary: VerifySummary = {
    cells: prediction.probes.length * n * n,
    compared: 0,
    agreeing: 0,
    disagreeing: 0,
    untestable: 0,
    loopback: 0,
    refusedUndeclared: 0,
  };
  const disagreements: Disagreement[] = [];
  for (const probe of measured.probes) {
    const { port, protocol } = probe.spec;
    const matrix = predicted.get(probeKey(port, protocol));
    if (!matrix) throw new Error(`no prediction for ${probeKey(port, protocol)}`);
    measured.pods.forEach((from, s) =>
      measured.pods.forEach((to, d) => {
        const cell = probe.cells[s][d];
        if (!cell) return;
        if (from === to) {
          summary.loopback++;
          return;
        }
        summary.compared++;
        const want = matrix[from][to];
        const refusedUndeclared = want && !cell.ok && !cell.declared && cell.error === 'refused';
        if (want === cell.ok || refusedUndeclared) {
          summary.agreeing++;
          if (refusedUndeclared) summary.refusedUndeclared++;
          return;
        }
        summary.disagreeing++;
        disagreements.push({
          from,
          to,
          port,
          protocol,
          predicted: want,
          measured: cell.ok,
          error: cell.error,
          answeredBy: cell.answeredBy,
        });
      }),
    );
  }
  summary.untestable = summary.cells - summary.compared - summary.loopback;
  return { summary, disagreements };
}
