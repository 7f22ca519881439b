// Golden tests: the rendered table as `nft -f` text, and its flow catalog, for the scenario of
// fixture.test-util.ts on each node. Regenerate after an intended change with
//   npx vitest run -u src/dataplane/policy/render.test.ts
// and review the diff of testdata/* like code (CI never writes them).
import { describe, expect, it } from 'vitest';
import { clusterFromYaml } from '../../../test/support/builders.js';
import { applyTransaction } from '../../nft/fake.js';
import { LOG_PREFIX_MAX } from '../../nft/ir.js';
import { fullLoad } from '../../nft/ops.js';
import { formatTransaction } from '../../nft/text.js';
import { SCENARIO } from './fixture.test-util.js';
import { policyInputOf } from './model.js';
import type { FlowCatalog } from './catalog.js';
import { renderPolicy } from './render.js';

/** One line per log prefix: `prefix verdict direction policies | rule (path)`. */
const catalogText = (c: FlowCatalog) =>
  Object.entries(c)
    .map(
      ([p, r]) =>
        `${p} ${r.verdict} ${r.direction} ${r.policies.join(',')} | ${r.rule}${r.path ? ` (${r.path})` : ''}\n`,
    )
    .join('');

describe('renderPolicy golden text', () => {
  it.each(['node-1', 'node-2'])('scenario on %s', async (node) => {
    const { table, catalog } = renderPolicy(policyInputOf(await clusterFromYaml(SCENARIO), node, 'demo'));
    await expect(formatTransaction(fullLoad(table))).toMatchFileSnapshot(`testdata/scenario-${node}.nft`);
    await expect(catalogText(catalog)).toMatchFileSnapshot(`testdata/scenario-${node}.catalog.txt`);
  });

  it('a node without policies gets the skeleton only', async () => {
    const cluster = await clusterFromYaml(SCENARIO);
    const { table, catalog } = renderPolicy({
      ...policyInputOf(cluster, 'node-1', 'demo'),
      networkPolicies: [],
    });
    await expect(formatTransaction(fullLoad(table))).toMatchFileSnapshot('testdata/no-policies.nft');
    expect(catalog).toEqual({});
  });
});

describe('renderPolicy output', () => {
  it('is a table the kernel would accept (validating fake)', async () => {
    const cluster = await clusterFromYaml(SCENARIO);
    for (const node of ['node-1', 'node-2']) {
      const { table } = renderPolicy(policyInputOf(cluster, node, 'demo'));
      expect(applyTransaction(undefined, fullLoad(table))).toEqual(table);
    }
  });

  it('names its table pn-<cluster>-policy and logs to the given group', async () => {
    const cluster = await clusterFromYaml(SCENARIO);
    const { table } = renderPolicy({ ...policyInputOf(cluster, 'node-1', 'blue'), logGroup: 7 });
    expect(table.name).toBe('pn-blue-policy');
    expect(formatTransaction(fullLoad(table))).toContain(' group 7 ');
  });

  it('does not depend on the order of its input', async () => {
    const cluster = await clusterFromYaml(SCENARIO);
    const input = policyInputOf(cluster, 'node-1', 'demo');
    const reversed = {
      ...input,
      pods: [...input.pods].reverse(),
      networkPolicies: [...input.networkPolicies].reverse(),
      namespaces: [...input.namespaces].reverse(),
    };
    expect(renderPolicy(reversed)).toEqual(renderPolicy(input));
  });

  it('keeps log prefixes short and stable, and catalogs every one', async () => {
    const cluster = await clusterFromYaml(SCENARIO);
    const { table, catalog } = renderPolicy(policyInputOf(cluster, 'node-1', 'demo'));
    const prefixes = table.chains.flatMap((c) =>
      c.rules.flatMap((r) => r.statements.flatMap((s) => (s.kind === 'log' ? [s.prefix] : []))),
    );
    expect(prefixes.length).toBeGreaterThan(0);
    for (const p of prefixes) {
      expect(p.length).toBeLessThan(64);
      expect(p.length).toBeLessThanOrEqual(LOG_PREFIX_MAX);
      expect(catalog[p], p).toBeDefined();
    }
    // The same meaning gets the same prefix on another node.
    const other = renderPolicy(policyInputOf(cluster, 'node-2', 'demo')).catalog;
    for (const [p, r] of Object.entries(other)) if (catalog[p]) expect(catalog[p]).toEqual(r);
  });

  it('gives every rule a comment', async () => {
    const { table } = renderPolicy(policyInputOf(await clusterFromYaml(SCENARIO), 'node-1', 'demo'));
    for (const c of table.chains) for (const r of c.rules) expect(r.comment, c.name).toBeTruthy();
  });
});
