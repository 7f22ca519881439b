// podnet's command line: one file per command under commands/, wired here.
import { Command, CommanderError } from 'commander';
import { registerDiff } from './commands/diff.js';
import { registerDns } from './commands/dns.js';
import { registerGet } from './commands/get.js';
import { registerLint } from './commands/lint.js';
import { registerMatrix } from './commands/matrix.js';
import { registerTrace } from './commands/trace.js';
import { registerUp } from './commands/up.js';
import { registerLive } from './commands/live.js';
import { InputError, isCliError } from './errors.js';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('podnet')
    .description('Kubernetes networking on one machine, and a predictor that explains every packet')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const register of [
    registerMatrix,
    registerTrace,
    registerDns,
    registerGet,
    registerLint,
    registerDiff,
    registerUp,
    registerLive,
  ])
    register(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof InputError) {
      const n = e.problems.length;
      process.stderr.write(
        `${e.problems.join('\n')}\nerror: ${n} problem${n === 1 ? '' : 's'} in the input; nothing was evaluated\n`,
      );
      return e.exitCode;
    }
    if (isCliError(e)) {
      process.stderr.write(`error: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}
