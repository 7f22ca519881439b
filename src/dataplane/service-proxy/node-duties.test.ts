import { beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../api/cluster.js';
import type { Service } from '../../api/types.js';
import { clusterFromYaml } from '../../../test/support/builders.js';
import { proxyInput, SCENARIO } from './fixture.test-util.js';
import { announcedAddresses, healthCheckNodePorts } from './node-duties.js';

let cluster: Cluster;
beforeAll(async () => {
  cluster = await clusterFromYaml(SCENARIO);
});
const svc = (name: string) => cluster.services.find((s) => s.metadata.name === name)! as Service;
const lb = (name: string) => svc(name).status!.loadBalancer!.ingress![0].ip!;

describe('announcedAddresses', () => {
  it('Cluster policy: the first node; Local policy: the node of the first ready endpoint', () => {
    expect(announcedAddresses(proxyInput(cluster, 'node-1'))).toEqual(
      ['api-lb', 'api-lb-local', 'api-lb-nodes', 'api-lb-ranges', 'api-lb-v6-ranges', 'empty-lb-ranges']
        .map(lb)
        .sort(),
    );
    expect(announcedAddresses(proxyInput(cluster, 'node-2'))).toEqual([]);
  });

  it('moves a Local policy address to the node that keeps a ready endpoint', () => {
    const input = proxyInput(cluster, 'node-2');
    const slices = input.endpointSlices.map((s) =>
      s.metadata.labels?.['kubernetes.io/service-name'] === 'api-lb-local'
        ? {
            ...s,
            endpoints: s.endpoints!.map((e) =>
              e.nodeName === 'node-1' ? { ...e, conditions: { ready: false } } : e,
            ),
          }
        : s,
    );
    expect(announcedAddresses({ ...input, endpointSlices: slices })).toEqual([lb('api-lb-local')]);
  });
});

describe('healthCheckNodePorts', () => {
  it('reports each LoadBalancer Service with Local policy and its ready endpoints here', () => {
    const port = svc('api-lb-local').spec!.healthCheckNodePort!;
    expect(port).toBeGreaterThanOrEqual(30000);
    for (const node of ['node-1', 'node-2'])
      expect([...healthCheckNodePorts(proxyInput(cluster, node))]).toEqual([
        [port, { namespace: 'shop', name: 'api-lb-local', localEndpoints: 1 }],
      ]);
  });

  it('counts 0 on a node whose endpoint is only terminating (load balancers drain it)', () => {
    const input = proxyInput(cluster, 'node-2');
    const slices = input.endpointSlices.map((s) =>
      s.metadata.labels?.['kubernetes.io/service-name'] === 'api-lb-local'
        ? {
            ...s,
            endpoints: s.endpoints!.map((e) =>
              e.nodeName === 'node-2'
                ? { ...e, conditions: { ready: false, serving: true, terminating: true } }
                : e,
            ),
          }
        : s,
    );
    expect([...healthCheckNodePorts({ ...input, endpointSlices: slices }).values()][0].localEndpoints).toBe(
      0,
    );
  });
});
