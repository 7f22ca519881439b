import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultClusterConfig } from '../api/cluster.js';
import { loadManifests } from '../load/manifests.js';
import { simulateCluster } from '../offline/simulate.js';
import { CODES, hasErrors, lint, type Finding } from './index.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** Lints files as `podnet lint -f` does; undefined when the loader rejects them (exit 2, not lint's business). */
async function lintInput(files: string[]): Promise<Finding[] | undefined> {
  const manifests = loadManifests(files.map((f) => ({ file: f, text: readFileSync(join(ROOT, f), 'utf8') })));
  if (manifests.errors.length > 0) return undefined;
  const { cluster } = await simulateCluster(
    manifests.objects.map((o) => o.object),
    defaultClusterConfig,
  );
  return lint(cluster, manifests);
}

async function lintFiles(files: string[]): Promise<Finding[]> {
  const findings = await lintInput(files);
  expect(findings, 'input loads').toBeDefined();
  return findings!;
}

const NETPOL = 'test/conformance/netpol';
const netpolCases = readdirSync(join(ROOT, NETPOL), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => ({
    name: d.name,
    files: [
      `${NETPOL}/base-cluster.yaml`,
      ...['cluster-overrides.yaml', 'policies.yaml']
        .map((f) => `${NETPOL}/${d.name}/${f}`)
        .filter((f) => existsSync(join(ROOT, f))),
    ],
  }));

/**
 * The suite's cases probe edge semantics on purpose (deny-all egress without DNS, selectors that
 * match nothing yet, named ports a pod does not serve, rules policyTypes ignores, pod-IP
 * ipBlocks), so NetworkPolicy warnings are expected there; anything else would be a false positive.
 */
const POLICY_CODES = new Set([
  'PN001',
  'PN101',
  'PN102',
  'PN103',
  'PN104',
  'PN105',
  'PN106',
  'PN107',
  'PN108',
  'PN403',
]);

/** The public examples (shared/conformance), with exactly the findings each one deserves. */
const PUBLIC_EXAMPLES: Record<string, string[]> = {
  '001-default-deny-ingress-x': [],
  '003-podselector-x-a-allows-x-b': [],
  '009-podselector-or-nsselector-separate-peers': [],
  '010-podselector-and-nsselector-same-peer': [],
  '014-ports-tcp-81-from-ns-y': [],
  '017-named-port-ingress-serve-81-tcp': [],
  '025-deny-egress-pod-a': ['PN104'], // deny-all egress: DNS too
  '027-ingress-and-egress-in-one-policy': ['PN105'], // UDP/53 allowed, TCP/53 not
  '037-egress-ipblock-y-b-32': ['PN403', 'PN105'], // a pod IP as ipBlock
  '051-cy-ingress-peer-empty-pods-nil-ns': [],
  '062-cy-ingress-endport-tcp-53-80': [],
  '080-api-policytypes-inferred-from-egress-rules': ['PN104'], // egress only to namespace y
};

describe('conformance examples', () => {
  it('the netpol base cluster lints clean', async () => {
    expect(await lintFiles([`${NETPOL}/base-cluster.yaml`])).toEqual([]);
  });

  it.each(netpolCases)('netpol $name: no errors, only NetworkPolicy warnings', async ({ name, files }) => {
    const findings = await lintInput(files);
    if (!findings) return; // a case about input validation: the CLI exits 2 before linting
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(findings.filter((f) => !POLICY_CODES.has(f.code))).toEqual([]);
    if (name in PUBLIC_EXAMPLES) expect(findings.map((f) => f.code)).toEqual(PUBLIC_EXAMPLES[name]);
  });
});

describe('lint()', () => {
  it('sorts errors first, then by code, object and field, and locates each finding', async () => {
    const findings = await lintFiles(['test/fixtures/lint/mistakes.yaml']);
    expect(hasErrors(findings)).toBe(true);
    const ranks = findings.map((f) => ['error', 'warning', 'info'].indexOf(f.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    for (const f of findings) {
      expect(f.severity).toBe(CODES[f.code].severity);
      if (f.object.startsWith('Pod/shop/web-')) continue; // made by the Deployment, in no file
      expect(f.file).toBe('test/fixtures/lint/mistakes.yaml');
    }
  });

  it('matches the golden JSON of podnet lint -o json', async () => {
    const findings = await lintFiles(['test/fixtures/lint/mistakes.yaml']);
    await expect(JSON.stringify({ findings }, null, 2) + '\n').toMatchFileSnapshot(
      '../../test/fixtures/lint/mistakes.json',
    );
  });

  it('returns no findings for an empty cluster', async () => {
    const { cluster } = await simulateCluster([], defaultClusterConfig);
    expect(lint(cluster)).toEqual([]);
  });
});
