// The in-process runner's guard, without root: it serves only the namespace this process runs
// in, so from here (not in any pn- namespace) it refuses, and the agent's choice falls back to
// `nft -f`. Loading and applying through the library is tested from inside a namespace
// (test/integration/service-proxy.int.test.ts).
import { describe, expect, it } from 'vitest';
import { execNftRunner } from './apply.js';
import { LibnftablesRunner, nftRunnerFor } from './libnftables.js';

describe('LibnftablesRunner', () => {
  it('refuses a namespace this process does not run in, and names podnet-owned ones only', () => {
    expect(LibnftablesRunner.runsIn('pn-tlibnft-none')).toBe(false);
    expect(() => new LibnftablesRunner('pn-tlibnft-none')).toThrow(/does not run in pn-tlibnft-none/);
    expect(() => new LibnftablesRunner('not-ours')).toThrow();
  });

  it('leaves other namespaces to nft -f', () => {
    const lines: string[] = [];
    expect(nftRunnerFor('pn-tlibnft-none', (l) => lines.push(l))).toBe(execNftRunner);
    expect(lines).toEqual([]);
  });
});
