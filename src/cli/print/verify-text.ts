// podnet verify as text: each disagreeing cell with the trace of its prediction, then the
// untestable cells and the summary.
import type { TracedDisagreement, VerifySummary } from '../../probe/compare.js';
import type { UntestableEntry } from '../../probe/result.js';
import type { Paint } from '../output.js';
import { formatTraceText } from './trace-text.js';

interface Paints {
  ok: Paint;
  bad: Paint;
  dim: Paint;
}

const word = (allowed: boolean) => (allowed ? 'allowed' : 'denied');

export function formatVerifyText(
  summary: VerifySummary,
  disagreements: TracedDisagreement[],
  untestable: UntestableEntry[],
  paint: Paints,
): string {
  const out: string[] = [];
  for (const d of disagreements) {
    const how = [d.error, d.answeredBy && `answered by ${d.answeredBy}`].filter(Boolean).join(', ');
    out.push(
      `${paint.bad('DISAGREE')} ${d.protocol}/${d.port} ${d.from} -> ${d.to}: predicted ${word(d.predicted)}, ` +
        `measured ${word(d.measured)}${how ? ` (${how})` : ''}`,
    );
    const text = 'error' in d.trace ? `trace failed: ${d.trace.error}\n` : formatTraceText(d.trace, paint);
    out.push(
      ...text
        .trimEnd()
        .split('\n')
        .map((l) => `    ${l}`),
      '',
    );
  }
  for (const u of untestable)
    out.push(`not tested: ${u.protocol}/${u.port}${u.to ? ` to ${u.to}` : ''}: ${u.reason}`);
  const s = summary;
  const refused = s.refusedUndeclared
    ? ` (${s.refusedUndeclared} refused on a port the destination does not declare)`
    : '';
  out.push(
    `${s.compared} of ${s.cells} cells compared: ${s.agreeing} agree${refused}, ` +
      `${s.disagreeing ? paint.bad(`${s.disagreeing} disagree`) : paint.ok('0 disagree')}, ${s.untestable} untestable` +
      (s.loopback ? `, ${s.loopback} loopback (a pod to itself: not compared, see docs/probe.md)` : ''),
  );
  return out.join('\n') + '\n';
}
