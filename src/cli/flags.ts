// Flags shared by commands, with kubectl's spelling.
import type { Command } from 'commander';
import type { Protocol } from '../api/types.js';
import { UsageError } from './errors.js';

export const collect = (value: string, previous: string[]) => [...previous, value];

export function addFileFlag(cmd: Command): Command {
  return cmd.option(
    '-f, --filename <path>',
    'manifest file, directory or - for stdin (repeatable)',
    collect,
    [],
  );
}

export function addOutputFlag(cmd: Command, formats: string[], fallback: string): Command {
  return cmd.option('-o, --output <format>', `output format: ${formats.join('|')}`, fallback);
}

export function checkOutput(value: string, formats: string[]): string {
  if (!formats.includes(value))
    throw new UsageError(`unknown output format "${value}": use one of ${formats.join(', ')}`);
  return value;
}

export function parseProtocol(value: string | undefined): Protocol {
  const p = (value ?? 'TCP').toUpperCase();
  if (p !== 'TCP' && p !== 'UDP' && p !== 'SCTP')
    throw new UsageError(`unknown protocol "${value}": use TCP, UDP or SCTP`);
  return p;
}

/** A port flag: a number 1-65535 or an IANA service name (resolved later on each pod). */
export function parsePort(value: string): number | string {
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    if (n < 1 || n > 65535) throw new UsageError(`port ${value} is out of range 1-65535`);
    return n;
  }
  if (!/^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/.test(value))
    throw new UsageError(`"${value}" is neither a port number nor a port name`);
  return value;
}

/** -f, or --kubeconfig/--context for a real cluster, or --name for the running local cluster. */
export function addSourceFlags(cmd: Command): Command {
  return addFileFlag(cmd)
    .option('--kubeconfig <file>', 'read the objects of a real cluster through its API')
    .option('--context <name>', 'the kubeconfig context to use')
    .option(
      '--name <name>',
      'the running local cluster to read when neither -f nor --kubeconfig is given',
      'podnet',
    );
}
