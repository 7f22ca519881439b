// A trace as text: one numbered line per hop, the verdict last, coloured when allowed.
import type { TraceResult } from '../../analysis/trace/types.js';
import type { Paint } from '../output.js';

export function formatTraceText(t: TraceResult, paint: { ok: Paint; bad: Paint; dim: Paint }): string {
  const width = Math.max(...t.hops.map((h) => h.step.length), 4);
  const lines = [`${t.source} -> ${t.destination} (${t.protocol})`];
  t.hops.forEach((h, i) => {
    lines.push(`  ${String(i + 1).padStart(2)}  ${h.step.padEnd(width)}  ${h.detail}`);
    if (h.step === 'dns' && Array.isArray(h.tried) && h.tried.length > 1) {
      for (const name of h.tried as string[])
        lines.push(paint.dim(`      ${''.padEnd(width)}  tried ${name}`));
    }
    if (Array.isArray(h.misses) && h.decision === 'Deny') {
      for (const m of h.misses as { policy: string; rule: string; reason: string }[]) {
        lines.push(paint.dim(`      ${''.padEnd(width)}  ${m.policy} ${m.rule}: ${m.reason}`));
      }
    }
    if (Array.isArray(h.nodes)) {
      for (const n of h.nodes as { node: string; address: string; accepts: boolean }[]) {
        lines.push(
          paint.dim(
            `      ${''.padEnd(width)}  node ${n.node} (${n.address}): ${n.accepts ? 'accepts' : 'drops (no local endpoint)'}`,
          ),
        );
      }
    }
  });
  const verdict =
    t.verdict === 'allowed' ? paint.ok(t.verdict.toUpperCase()) : paint.bad(t.verdict.toUpperCase());
  lines.push(`${verdict}: ${t.reason}`);
  return lines.join('\n') + '\n';
}
