// Printing data the way kubectl does: -o json|yaml, tables with upper-case headers and
// columns padded by three spaces, colour only on a terminal and never with NO_COLOR.
import { stringify } from 'yaml';

export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml';

export function formatData(data: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? JSON.stringify(data, null, 2) + '\n' : stringify(data);
}

/** A kubectl-style table: columns left-aligned, separated by three spaces. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('   ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return !process.env.NO_COLOR && stream.isTTY === true;
}

export type Paint = (s: string) => string;
export function painter(code: number, on: boolean): Paint {
  return on ? (s) => `\x1b[${code}m${s}\x1b[0m` : (s) => s;
}
