// The matrix as text: one grid per probe, `.` where a connection is allowed and `X` where it is
// dropped (cyclonus' notation). Past a screenful of pods, rows and columns are classes of pods
// that the policies treat alike, listed under the grid.
import { groupedMatrixJson, matrixJson, type Reachability } from '../../analysis/reachability.js';
import type { Paint } from '../output.js';

export const MAX_POD_COLUMNS = 24;

/** Rows carry the full names with a number; columns carry only the numbers, so wide names fit. */
function grid(
  title: string,
  labels: string[],
  cell: (s: number, d: number) => boolean,
  ok: Paint,
  bad: Paint,
): string {
  const nums = labels.map((_, i) => String(i + 1));
  const numWidth = nums[nums.length - 1].length;
  const rowLabels = labels.map((l, i) => `${nums[i].padStart(numWidth)} ${l}`);
  const width = Math.max(title.length, ...rowLabels.map((l) => l.length));
  const head = title.padEnd(width) + '  ' + nums.map((n) => n.padEnd(numWidth)).join(' ');
  const rows = rowLabels.map((label, s) => {
    const cells = labels.map((_, d) => (cell(s, d) ? ok('.') : bad('X')) + ' '.repeat(numWidth - 1));
    return label.padEnd(width) + '  ' + cells.join(' ');
  });
  return [head.trimEnd(), ...rows.map((r) => r.trimEnd())].join('\n');
}

export function formatMatrixTable(r: Reachability, ok: Paint, bad: Paint): string {
  const out: string[] = [];
  if (r.pods.length <= MAX_POD_COLUMNS) {
    const m = matrixJson(r);
    m.probes.forEach((p) => {
      out.push(grid(`${p.protocol}/${p.port}`, m.pods, (s, d) => p.matrix[m.pods[s]][m.pods[d]], ok, bad));
    });
    out.push('. allowed   X denied   (rows: source, columns: destination by number)');
    return out.join('\n\n') + '\n';
  }
  const g = groupedMatrixJson(r);
  const names = g.classes.map((pods) => `${pods[0]}${pods.length > 1 ? ` (+${pods.length - 1})` : ''}`);
  g.probes.forEach((p) =>
    out.push(grid(`${p.protocol}/${p.port}`, names, (s, d) => p.matrix[s][d], ok, bad)),
  );
  const legend = g.classes.map((pods, i) => {
    const shown = pods.slice(0, 4).join(', ');
    return `${String(i + 1).padStart(3)}: ${pods.length} pod${pods.length === 1 ? '' : 's'}: ${shown}${pods.length > 4 ? `, ... (+${pods.length - 4})` : ''}`;
  });
  out.push(
    `${r.pods.length} pods in ${g.classes.length} classes that policy treats alike:\n${legend.join('\n')}`,
  );
  out.push('. allowed   X denied   (rows: source class, columns: destination class by number)');
  return out.join('\n\n') + '\n';
}
