// Root-only tests: they run in CI (which is root) and, anywhere else, skip with a loud reason.
// Each test owns namespaces under its own prefix and checks that none is left behind.
import { execFileSync } from 'node:child_process';
import { describe } from 'vitest';
import { isRoot, listNetns } from '../../src/host/netns.js';

export const describeAsRoot: typeof describe | typeof describe.skip = isRoot()
  ? describe
  : (() => {
      process.stderr.write(
        '\n*** SKIPPING root-only tests (real namespaces, links, nftables): run as root, as CI does ***\n\n',
      );
      return describe.skip;
    })();

/** Namespaces left under a prefix: a test's afterAll asserts this is empty. */
export async function leakedNetns(prefix: string): Promise<string[]> {
  return listNetns(prefix);
}

/**
 * Links and nftables tables named `pn-*` in the machine's root namespace. podnet never creates
 * any there (everything lives in its own namespaces), so a test asserts this is empty.
 */
export function rootNamespaceLeaks(): { links: string[]; tables: string[] } {
  const links = JSON.parse(execFileSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' }) || '[]') as {
    ifname: string;
  }[];
  const tables = execFileSync('nft', ['list', 'tables'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[2])
    .filter((t): t is string => !!t);
  return {
    links: links.map((l) => l.ifname).filter((n) => n.startsWith('pn-')),
    tables: tables.filter((t) => t.startsWith('pn-')),
  };
}
