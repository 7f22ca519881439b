import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { dnsNameAsOperand } from './argv.js';
import { registerDns } from './commands/dns.js';

const program = new Command('podnet');
registerDns(program);
const run = (...words: string[]) => dnsNameAsOperand(['node', 'podnet', ...words], program).slice(2);

describe('dnsNameAsOperand', () => {
  it('moves an absolute name that begins with - behind --', () => {
    expect(run('dns', '--1.ns.pod.cluster.local.', '--type', 'AAAA')).toEqual([
      'dns',
      '--type',
      'AAAA',
      '--',
      '--1.ns.pod.cluster.local.',
    ]);
  });
  it('leaves options, their values and ordinary names alone', () => {
    for (const words of [
      ['dns', 'web.shop.svc.cluster.local.', '--type', 'A'],
      ['dns', 'web', '--bogus'],
      ['dns', '--from', '-odd.', 'web'],
      ['dns', '--type', 'A', '--', '--1.ns.pod.cluster.local.'],
      ['matrix', '--x.'],
    ])
      expect(run(...words)).toEqual(words);
  });
});
