// Root-only tests: they run in CI (which is root) and, anywhere else, skip with a loud reason.
// Each test owns namespaces under its own prefix and checks that none is left behind.
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
