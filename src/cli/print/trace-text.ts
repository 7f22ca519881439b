// A trace as text: one numbered line per hop, the verdict last, coloured when allowed.
// Endpoints whose policy outcome is the same are shown once in full; the others are listed,
// so a Service with 30 endpoints stays readable (-o json has every hop of every endpoint).
import type { Hop, TraceResult } from '../../analysis/trace/types.js';
import type { Paint } from '../output.js';

interface Paints {
  ok: Paint;
  bad: Paint;
  dim: Paint;
}

function hopLines(h: Hop, n: number, width: number, paint: Paints): string[] {
  const pad = `      ${''.padEnd(width)}  `;
  const lines = [`  ${String(n).padStart(2)}  ${h.step.padEnd(width)}  ${h.detail}`];
  if (h.step === 'dns' && Array.isArray(h.tried) && h.tried.length > 1) {
    for (const name of h.tried as string[]) lines.push(paint.dim(`${pad}tried ${name}`));
  }
  if (Array.isArray(h.misses) && h.decision === 'Deny') {
    for (const m of h.misses as { policy: string; rule: string; reason: string }[])
      lines.push(paint.dim(`${pad}${m.policy} ${m.rule}: ${m.reason}`));
  }
  if (Array.isArray(h.nodes)) {
    for (const nd of h.nodes as { node: string; address: string; accepts: boolean }[]) {
      lines.push(
        paint.dim(
          `${pad}node ${nd.node} (${nd.address}): ${nd.accepts ? 'accepts' : 'drops (no local endpoint)'}`,
        ),
      );
    }
  }
  return lines;
}

export function formatTraceText(t: TraceResult, paint: Paints): string {
  const width = Math.max(...t.hops.map((h) => h.step.length), 4);
  const lines = [`${t.source} -> ${t.destination} (${t.protocol})`];
  const decided = (d: NonNullable<TraceResult['paths'][number]['policy']>['egress'] | undefined) =>
    d
      ? `${d.decision}:${d.isolatedBy.join(',')}:${d.allowedBy.map((r) => `${r.policy}/${r.rule}`).join(',')}`
      : '';
  const outcome = new Map(
    t.paths.map((p) => [
      p.endpoint,
      `${p.verdict}|${decided(p.policy?.egress)}|${decided(p.policy?.ingress)}`,
    ]),
  );
  const shownFor = new Map<string, string>();
  const alsoFor = new Map<string, string[]>();
  for (const p of t.paths) {
    const key = outcome.get(p.endpoint)!;
    const first = shownFor.get(key);
    if (first === undefined) shownFor.set(key, p.endpoint);
    else
      alsoFor.set(first, [...(alsoFor.get(first) ?? []), `${p.pod ?? p.endpoint} (${p.endpoint}:${p.port})`]);
  }
  const shown = new Set(shownFor.values());
  let n = 0;
  t.hops.forEach((h, i) => {
    const ep = typeof h.endpoint === 'string' ? h.endpoint : undefined;
    if (ep !== undefined && !shown.has(ep)) return;
    lines.push(...hopLines(h, ++n, width, paint));
    const lastOfEndpoint = ep !== undefined && t.hops.slice(i + 1).every((x) => x.endpoint !== ep);
    const others = ep !== undefined ? alsoFor.get(ep) : undefined;
    if (lastOfEndpoint && others)
      lines.push(
        paint.dim(
          `      ${''.padEnd(width)}  same policy outcome for ${others.length} more: ${others.join(', ')}`,
        ),
      );
  });
  const verdict =
    t.verdict === 'allowed' ? paint.ok(t.verdict.toUpperCase()) : paint.bad(t.verdict.toUpperCase());
  lines.push(`${verdict}: ${t.reason}`);
  return lines.join('\n') + '\n';
}
