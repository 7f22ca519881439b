// podnet lint: static checks of networking objects (docs/lint.md). Exit 1 when any finding is
// an error, 0 otherwise; 2 for bad input (clusterFromFiles throws InputError).
import type { Command } from 'commander';
import { hasErrors, lint, type Finding } from '../../lint/index.js';
import { clusterFromSource } from '../inputs.js';
import { addSourceFlags, addOutputFlag, checkOutput } from '../flags.js';
import { printData, formatTable, painter, useColor } from '../output.js';

interface LintOptions {
  filename: string[];
  kubeconfig?: string;
  context?: string;
  name?: string;
  output: string;
}

const FORMATS = ['table', 'json', 'yaml'];

/** kubectl-style table: SEVERITY CODE OBJECT FIELD MESSAGE, with file:line after the message. */
export function formatFindingsTable(findings: Finding[], color: boolean): string {
  if (findings.length === 0) return 'No findings.\n';
  const paint = {
    error: painter(31, color),
    warning: painter(33, color),
    info: painter(36, color),
  };
  const rows = findings.map((f) => [
    f.severity.toUpperCase(),
    f.code,
    f.object,
    f.field || '-',
    f.file ? `${f.message} (${f.file}${f.line ? `:${f.line}` : ''})` : f.message,
  ]);
  const table = formatTable(['SEVERITY', 'CODE', 'OBJECT', 'FIELD', 'MESSAGE'], rows);
  if (!color) return table;
  // Colour the severity cell only, after padding, so the columns stay aligned.
  return table
    .split('\n')
    .map((line, i) => {
      const f = findings[i - 1];
      if (!f) return line;
      const word = f.severity.toUpperCase();
      return paint[f.severity](word) + line.slice(word.length);
    })
    .join('\n');
}

export function registerLint(program: Command): void {
  const cmd = program
    .command('lint')
    .description(
      'check NetworkPolicies, Services, Ingresses and routes for mistakes that break traffic (codes: docs/lint.md)',
    );
  addSourceFlags(cmd);
  addOutputFlag(cmd, FORMATS, 'table');
  cmd.action(async (opts: LintOptions) => {
    const output = checkOutput(opts.output, FORMATS);
    const { cluster, manifests } = await clusterFromSource(opts);
    const findings = lint(cluster, manifests);
    if (output === 'table') process.stdout.write(formatFindingsTable(findings, useColor()));
    else printData({ findings }, output as 'json' | 'yaml');
    process.exitCode = hasErrors(findings) ? 1 : 0;
  });
}
