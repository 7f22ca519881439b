// Printing data the way kubectl does: -o json|yaml, tables with upper-case headers and
// columns padded by three spaces, colour only on a terminal and never with NO_COLOR.
import { stringify } from 'yaml';

export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml';

const isScalar = (v: unknown) => v === null || typeof v !== 'object';

/**
 * JSON indented by two spaces like JSON.stringify(v, null, 2), except that arrays of scalars
 * stay on one line: a matrix row reads as a row, and a 4,000 x 4,000 matrix is 70 MB, not 200.
 * Emitted piece by piece to `emit`, so large output never has to exist as one string.
 */
export function emitJson(value: unknown, emit: (piece: string) => void): void {
  const walk = (v: unknown, indent: string): void => {
    if (isScalar(v)) return emit(JSON.stringify(v) ?? 'null');
    const inner = indent + '  ';
    if (Array.isArray(v)) {
      if (v.length === 0) return emit('[]');
      if (v.every(isScalar)) return emit(JSON.stringify(v));
      emit('[\n');
      v.forEach((item, i) => {
        emit(inner);
        walk(item, inner);
        emit(i < v.length - 1 ? ',\n' : '\n');
      });
      return emit(indent + ']');
    }
    const entries = Object.entries(v as Record<string, unknown>).filter(
      ([, x]) => x !== undefined && typeof x !== 'function',
    );
    if (entries.length === 0) return emit('{}');
    emit('{\n');
    entries.forEach(([k, x], i) => {
      emit(`${inner}${JSON.stringify(k)}: `);
      walk(x, inner);
      emit(i < entries.length - 1 ? ',\n' : '\n');
    });
    emit(indent + '}');
  };
  walk(value, '');
}

export function formatJson(value: unknown): string {
  const out: string[] = [];
  emitJson(value, (p) => out.push(p));
  return out.join('');
}

/** Prints data to stdout; JSON goes out in chunks of about 1 MiB. */
export function printData(
  data: unknown,
  format: 'json' | 'yaml',
  stream: NodeJS.WritableStream = process.stdout,
): void {
  if (format === 'yaml') {
    stream.write(stringify(data));
    return;
  }
  let buffer: string[] = [];
  let size = 0;
  emitJson(data, (piece) => {
    buffer.push(piece);
    size += piece.length;
    if (size >= 1 << 20) {
      stream.write(buffer.join(''));
      buffer = [];
      size = 0;
    }
  });
  buffer.push('\n');
  stream.write(buffer.join(''));
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
