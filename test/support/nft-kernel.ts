// Root tests of rendered nftables tables: run nft in a scratch namespace and compare what the
// kernel holds with the IR that was loaded, by shape (chains with their rule counts, sets with
// their element counts).
import { exec } from '../../src/host/exec.js';
import type { Table } from '../../src/nft/ir.js';

export const nft = (netns: string, ...args: string[]) =>
  exec(['nsenter', `--net=/run/netns/${netns}`, 'nft', ...args]);

/** What the kernel holds: chains with their rule counts, sets with their element counts. */
export async function kernelShape(netns: string, table: string) {
  const json = JSON.parse(await nft(netns, '-j', 'list', 'table', 'ip', table)) as {
    nftables: Record<string, { name?: string; chain?: string; elem?: unknown[] }>[];
  };
  const chains: Record<string, number> = {};
  const sets: Record<string, number> = {};
  for (const o of json.nftables) {
    if (o.chain) chains[o.chain.name!] ??= 0;
    if (o.rule) chains[o.rule.chain!] = (chains[o.rule.chain!] ?? 0) + 1;
    const s = o.set ?? o.map;
    if (s) sets[s.name!] = s.elem?.length ?? 0;
  }
  return { chains, sets };
}

/** The same shape, of an IR table. */
export const irShape = (t: Table) => ({
  chains: Object.fromEntries(t.chains.map((c) => [c.name, c.rules.length])),
  sets: Object.fromEntries(t.sets.map((s) => [s.name, s.elements.length])),
});
