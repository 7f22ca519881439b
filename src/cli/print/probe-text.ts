// What the probe's grids cannot show, as text under them: the Services the columns were reached
// through (--via service|dns) and the cells that were not tested, with the reason.
import type { ProbeResult } from '../../probe/result.js';

export function formatProbeNotes(r: ProbeResult): string {
  const out: string[] = [];
  for (const p of r.probes) {
    if (!p.through || Object.keys(p.through).length === 0) continue;
    out.push(`${p.spec.protocol}/${p.spec.port} columns reached through (--via ${r.via}):`);
    for (const [pod, t] of Object.entries(p.through)) out.push(`  ${pod} <- ${t.service} at ${t.address}`);
  }
  const columns = r.untestable.filter((u) => u.to !== undefined);
  if (columns.length > 0) {
    out.push('not tested, shown as X above:');
    for (const u of columns) out.push(`  ${u.protocol}/${u.port} to ${u.to}: ${u.reason}`);
  }
  for (const u of r.untestable.filter((x) => x.to === undefined))
    out.push(`${u.protocol}/${u.port}: not tested: ${u.reason}`);
  return out.length ? `\n${out.join('\n')}\n` : '';
}
