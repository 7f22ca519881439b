// podnet's command line: one file per command under commands/, wired here. Only the module of
// the command being run is loaded (each costs 40-110 ms to import; the local cluster's demo runs
// the CLI many times); help and unknown commands load them all.
import { Command, CommanderError } from 'commander';
import { dnsNameAsOperand } from './argv.js';
import { InputError, isCliError } from './errors.js';

type Register = (program: Command) => void;

const MODULES: Record<string, () => Promise<Register>> = {
  matrix: async () => (await import('./commands/matrix.js')).registerMatrix,
  trace: async () => (await import('./commands/trace.js')).registerTrace,
  dns: async () => (await import('./commands/dns.js')).registerDns,
  get: async () => (await import('./commands/get.js')).registerGet,
  lint: async () => (await import('./commands/lint.js')).registerLint,
  diff: async () => (await import('./commands/diff.js')).registerDiff,
  up: async () => (await import('./commands/up.js')).registerUp,
  live: async () => (await import('./commands/live.js')).registerLive,
  probe: async () => (await import('./commands/probe.js')).registerProbe,
  verify: async () => (await import('./commands/verify.js')).registerVerify,
  'port-forward': async () => (await import('./commands/port-forward.js')).registerPortForward,
  flows: async () => (await import('./commands/flows.js')).registerFlows,
};

/** Which module defines each command. */
const COMMAND_MODULE: Record<string, string> = {
  matrix: 'matrix',
  trace: 'trace',
  explain: 'trace',
  dns: 'dns',
  get: 'get',
  lint: 'lint',
  diff: 'diff',
  up: 'up',
  down: 'up',
  status: 'up',
  apply: 'live',
  delete: 'live',
  exec: 'live',
  logs: 'live',
  probe: 'probe',
  verify: 'verify',
  'port-forward': 'port-forward',
  flows: 'flows',
};

export async function main(argv: string[]): Promise<number> {
  const program = new Command('podnet')
    .description('Kubernetes networking on one machine, and a predictor that explains every packet')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const wanted = COMMAND_MODULE[argv[2] ?? ''];
  for (const name of wanted ? [wanted] : Object.keys(MODULES)) (await MODULES[name]())(program);
  try {
    await program.parseAsync(dnsNameAsOperand(argv, program));
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
