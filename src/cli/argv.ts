// Command-line words rearranged before commander parses them.
import type { Command } from 'commander';

/**
 * `podnet dns NAME ...` where NAME begins with `-`: CoreDNS answers pod names such as
 * `--1.ns.pod.cluster.local.` (::1; findPods turns every `-` into `:`), but commander reads a
 * leading `-` as an option. An absolute name (trailing dot) is never an option, so such a word,
 * unless it is the value of an option, is moved behind `--`, where commander takes it as the
 * operand. Any other command line is returned as it is.
 */
export function dnsNameAsOperand(argv: string[], program: Command): string[] {
  const dns = program.commands.find((c) => c.name() === 'dns');
  if (!dns || argv[2] !== 'dns' || argv.includes('--')) return argv;
  const takesValue = new Set(
    dns.options.filter((o) => o.required || o.optional).flatMap((o) => [o.short, o.long]),
  );
  const i = argv.findIndex((w, k) => k > 2 && /^-.*\.$/.test(w) && !takesValue.has(argv[k - 1]));
  return i < 0 ? argv : [...argv.slice(0, i), ...argv.slice(i + 1), '--', argv[i]];
}
