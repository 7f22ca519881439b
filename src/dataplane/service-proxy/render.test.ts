// Golden tests: the rendered table as `nft -f` text for the scenario of fixture.test-util.ts,
// on each node, and for a cluster without Services. Regenerate after an intended change with
//   npx vitest run -u src/dataplane/service-proxy/render.test.ts
// and review the diff of testdata/*.nft like code (CI never writes them).
import { describe, expect, it } from 'vitest';
import { defaultClusterConfig } from '../../api/cluster.js';
import { clusterFromYaml } from '../../../test/support/builders.js';
import { applyTransaction } from '../../nft/fake.js';
import { fullLoad } from '../../nft/ops.js';
import { formatTransaction } from '../../nft/text.js';
import { proxyInput, SCENARIO } from './fixture.test-util.js';
import { renderServiceProxy } from './render.js';

describe('renderServiceProxy golden text', () => {
  it.each(['node-1', 'node-2'])('scenario on %s', async (node) => {
    const cluster = await clusterFromYaml(SCENARIO);
    const table = renderServiceProxy(proxyInput(cluster, node));
    await expect(formatTransaction(fullLoad(table))).toMatchFileSnapshot(`testdata/scenario-${node}.nft`);
  });

  it('a cluster without Services still gets the whole skeleton', async () => {
    const table = renderServiceProxy({
      clusterName: 'demo',
      nodeName: 'node-1',
      nodeIP: '172.18.0.2',
      config: defaultClusterConfig,
      services: [],
      endpointSlices: [],
      nodes: [],
    });
    await expect(formatTransaction(fullLoad(table))).toMatchFileSnapshot('testdata/empty.nft');
  });
});

describe('renderServiceProxy output', () => {
  it('is a table the kernel would accept (validating fake)', async () => {
    const cluster = await clusterFromYaml(SCENARIO);
    for (const node of ['node-1', 'node-2']) {
      const table = renderServiceProxy(proxyInput(cluster, node));
      expect(applyTransaction(undefined, fullLoad(table))).toEqual(table);
    }
  });

  it('names its table pn-<cluster>-proxy', async () => {
    const cluster = await clusterFromYaml(SCENARIO);
    expect(renderServiceProxy(proxyInput(cluster, 'node-1', 'blue')).name).toBe('pn-blue-proxy');
  });

  it('does not depend on the order of Services and EndpointSlices', async () => {
    const cluster = await clusterFromYaml(SCENARIO);
    const input = proxyInput(cluster, 'node-1');
    const reversed = {
      ...input,
      services: [...input.services].reverse(),
      endpointSlices: [...input.endpointSlices].reverse(),
    };
    expect(renderServiceProxy(reversed)).toEqual(renderServiceProxy(input));
  });

  it('programs the IPv4 ClusterIP of a dual-stack Service, and ignores IPv6 slices', () => {
    const table = renderServiceProxy({
      clusterName: 'demo',
      nodeName: 'node-1',
      nodeIP: '172.18.0.2',
      config: defaultClusterConfig,
      services: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'ds', namespace: 'default' },
          spec: { clusterIP: 'fd00::5', clusterIPs: ['fd00::5', '10.96.5.5'], ports: [{ port: 80 }] },
        },
      ],
      endpointSlices: [
        {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { name: 'ds-v6', namespace: 'default', labels: { 'kubernetes.io/service-name': 'ds' } },
          addressType: 'IPv6',
          ports: [{ port: 80 }],
          endpoints: [{ addresses: ['fd00:244::5'] }],
        },
      ],
      nodes: [],
    });
    const keys = (name: string) =>
      table.sets.find((s) => s.name === name)!.elements.map((e) => e.key.join(' . '));
    expect(keys('cluster-ips')).toEqual(['10.96.5.5']);
    expect(keys('no-endpoint-services')).toEqual(['10.96.5.5 . tcp . 80']);
  });

  it('gives every rule and element a comment', async () => {
    const table = renderServiceProxy(proxyInput(await clusterFromYaml(SCENARIO), 'node-1'));
    for (const c of table.chains) for (const r of c.rules) expect(r.comment, c.name).toBeTruthy();
    for (const s of table.sets) for (const e of s.elements) expect(e.comment, s.name).toBeTruthy();
  });
});
