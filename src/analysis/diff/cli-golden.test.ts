// `podnet diff` end to end through the CLI on test/fixtures/diff/{old,new}: a default-deny
// policy added, a Service selector changed, a Service renamed, an Ingress path and an
// HTTPRoute header match changed. Goldens: test/fixtures/diff/expected.{table,json}.txt
// (rewritten only by `vitest -u`; .txt so that prettier leaves the JSON as the CLI prints it).
import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { main } from '../../cli/main.js';

const fixture = (p: string) => fileURLToPath(new URL(`../../../test/fixtures/diff/${p}`, import.meta.url));
const golden = (p: string) => `../../../test/fixtures/diff/${p}`;

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = { out: process.stdout.write, err: process.stderr.write };
  process.env.NO_COLOR = '1';
  process.stdout.write = ((s: string) => (out.push(s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (err.push(s), true)) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'podnet', 'diff', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
    process.exitCode = undefined;
  }
}

describe('podnet diff (CLI)', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('prints the table and exits 1 on any change', async () => {
    const r = await run('-f', fixture('old'), '--against', fixture('new'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    await expect(r.stdout).toMatchFileSnapshot(golden('expected.table.txt'));
  });

  it('prints JSON', async () => {
    const r = await run('-f', fixture('old'), '--against', fixture('new'), '-o', 'json');
    expect(r.code).toBe(1);
    await expect(r.stdout).toMatchFileSnapshot(golden('expected.json.txt'));
    const d = JSON.parse(r.stdout);
    expect(Object.keys(d)).toEqual(['changed', 'summary', 'reachability', 'endpoints', 'dns', 'routes']);
    expect(Object.keys(d.reachability)).toEqual(
      expect.arrayContaining(['gained', 'lost', 'podsAdded', 'podsRemoved']),
    );
  });

  it.each([
    { name: '--fail-on new-allow: only access was removed', args: ['--fail-on', 'new-allow'], code: 1 - 1 },
    { name: '--fail-on new-allow the other way round', args: ['--fail-on', 'new-allow', '--swap'], code: 1 },
    { name: '--fail-on none', args: ['--fail-on', 'none'], code: 0 },
    { name: 'same version on both sides', args: ['--same'], code: 0 },
  ])('$name exits $code', async (c) => {
    const [oldDir, newDir] = c.args.includes('--swap')
      ? ['new', 'old']
      : c.args.includes('--same')
        ? ['old', 'old']
        : ['old', 'new'];
    const flags = c.args.filter((a) => a !== '--swap' && a !== '--same');
    const r = await run('-f', fixture(oldDir), '--against', fixture(newDir), ...flags);
    expect(r.code).toBe(c.code);
    if (c.args.includes('--same')) expect(r.stdout).toBe('No changes.\n');
  });

  it.each([
    {
      name: 'unknown --fail-on',
      args: ['-f', 'x', '--against', 'y', '--fail-on', 'some'],
      err: /unknown --fail-on/,
    },
    { name: 'no --against', args: ['-f', fixture('old')], err: /no new version/ },
    { name: 'no -f', args: ['--against', fixture('new')], err: /no old version/ },
    {
      name: 'invalid new version',
      args: ['-f', fixture('old'), '--against', fixture('invalid')],
      err: /^new \(--against\): .*invalid/m,
    },
  ])('$name: exit 2', async (c) => {
    const r = await run(...c.args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(c.err);
  });
});
