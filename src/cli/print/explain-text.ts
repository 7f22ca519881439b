// The explanation under a trace: allowing rules, or the suggested policy change as YAML.
import { stringify } from 'yaml';
import type { Explanation } from '../../analysis/explain.js';

export function formatExplainText(e: Explanation): string {
  const lines: string[] = [''];
  if (e.allowedBy.length) {
    lines.push('Allowed by:');
    for (const r of e.allowedBy)
      lines.push(
        `  ${r.direction}: ${r.policy} ${r.rule}${r.peer ? ` peer ${r.peer.slice(r.rule.length + 1)}` : ''}${r.port ? ` port ${r.port.slice(r.rule.length + 1)}` : ''}`,
      );
  }
  for (const c of e.changes) {
    lines.push(`To allow it (${c.direction}): ${c.description}`);
    lines.push(stringify(c.object).trimEnd().replace(/^/gm, '  '));
    lines.push('');
  }
  if (e.verified !== undefined)
    lines.push(
      e.verified
        ? 'Checked: with this change the trace is allowed.'
        : 'Warning: the trace is still not allowed with this change.',
    );
  lines.push(e.note);
  return lines.join('\n') + '\n';
}
