import { describe, expect, it } from 'vitest';
import { formatPlan, planNamespaces, planTopology, TopologyError, type TopologyInput } from './topology.js';
import { vtepMAC } from './names.js';

describe('planTopology golden plans', () => {
  const cases: { name: string; input: TopologyInput }[] = [
    { name: 'vxlan-2', input: { name: 'tnet', nodes: 2, backend: 'vxlan' } },
    { name: 'host-gw-2', input: { name: 'tnet', nodes: 2, backend: 'host-gw' } },
    { name: 'vxlan-3', input: { name: 'podnet', nodes: 3, backend: 'vxlan' } },
  ];
  it.each(cases)('$name', async ({ name, input }) => {
    await expect(formatPlan(planTopology(input))).toMatchFileSnapshot(`testdata/${name}.ipbatch`);
  });
});

describe('planTopology addressing (DESIGN.md §2)', () => {
  it('gives node i 172.18.0.(i+1), 10.244.(i-1).0/24 and gateway .1', () => {
    const plan = planTopology({ name: 'tnet', nodes: 3, backend: 'vxlan' });
    expect(plan.nodes.map((n) => [n.name, n.netns, n.address, n.podCIDR, n.gateway, n.vtep])).toEqual([
      [
        'node-1',
        'pn-tnet-node-1',
        '172.18.0.2',
        '10.244.0.0/24',
        '10.244.0.1',
        { address: '10.244.0.0', mac: '02:70:6e:01:00:01' },
      ],
      [
        'node-2',
        'pn-tnet-node-2',
        '172.18.0.3',
        '10.244.1.0/24',
        '10.244.1.1',
        { address: '10.244.1.0', mac: '02:70:6e:01:00:02' },
      ],
      [
        'node-3',
        'pn-tnet-node-3',
        '172.18.0.4',
        '10.244.2.0/24',
        '10.244.2.1',
        { address: '10.244.2.0', mac: '02:70:6e:01:00:03' },
      ],
    ]);
    expect(plan.external).toEqual({ netns: 'pn-tnet-external', address: '172.18.0.100' });
    expect(plan.podMTU).toBe(1450);
    expect(planNamespaces(plan)).toEqual([
      'pn-tnet-fabric',
      'pn-tnet-node-1',
      'pn-tnet-node-2',
      'pn-tnet-node-3',
      'pn-tnet-external',
    ]);
  });

  it('host-gw has no VTEP and full-size pod MTU', () => {
    const plan = planTopology({ name: 'tnet', nodes: 2, backend: 'host-gw' });
    expect(plan.nodes.every((n) => n.vtep === undefined)).toBe(true);
    expect(plan.podMTU).toBe(1500);
  });

  it('a single node has no routes to peers and no FDB entries, only the Service range', () => {
    const plan = planTopology({ name: 'tnet', nodes: 1, backend: 'vxlan' });
    const node = plan.setups.find((s) => s.role === 'node')!;
    expect(node.bridge).toEqual([]);
    expect(node.ip.filter((l) => l.startsWith('route'))).toEqual(['route add 10.96.0.0/12 dev eth0']);
  });

  it('follows a custom address plan', () => {
    const plan = planTopology({
      name: 'tnet',
      nodes: 2,
      backend: 'host-gw',
      config: { nodeCIDR: '192.168.50.0/24', podCIDR: '10.42.0.0/16', externalAddress: '192.168.50.200' },
    });
    expect(plan.nodes.map((n) => [n.address, n.podCIDR])).toEqual([
      ['192.168.50.2', '10.42.0.0/24'],
      ['192.168.50.3', '10.42.1.0/24'],
    ]);
    expect(plan.setups.at(-1)!.ip[0]).toBe('addr add 192.168.50.200/24 dev eth0');
  });

  it('never names a link longer than the kernel allows (15)', () => {
    const plan = planTopology({
      name: 'averylongclustername',
      nodes: 120,
      backend: 'vxlan',
      config: { externalAddress: '172.18.200.1' },
    });
    const names = plan.setups.flatMap((s) =>
      s.ip.flatMap((l) => [...l.matchAll(/link add (\S+)|peer name (\S+)/g)].map((m) => m[1] ?? m[2])),
    );
    expect(names.length).toBeGreaterThan(120);
    expect(names.filter((n) => n.length > 15)).toEqual([]);
  });
});

describe('planTopology rejects bad input with every problem listed', () => {
  const cases: { name: string; input: TopologyInput; want: RegExp[] }[] = [
    {
      name: 'dash in name',
      input: { name: 'my-cluster', nodes: 2, backend: 'vxlan' },
      want: [/cluster name/],
    },
    { name: 'zero nodes', input: { name: 'tnet', nodes: 0, backend: 'vxlan' }, want: [/positive integer/] },
    {
      name: 'bad backend and name',
      input: { name: 'Tnet', nodes: 1, backend: 'ipip' as never },
      want: [/cluster name/, /backend must be/],
    },
    {
      name: 'external outside the node network',
      input: { name: 'tnet', nodes: 2, backend: 'vxlan', config: { externalAddress: '10.0.0.1' } },
      want: [/not an address in 172.18.0.0\/16/],
    },
    {
      name: 'external taken by a node',
      input: { name: 'tnet', nodes: 2, backend: 'vxlan', config: { externalAddress: '172.18.0.3' } },
      want: [/node 2's address/],
    },
    {
      name: 'too many nodes for the pod network',
      input: { name: 'tnet', nodes: 300, backend: 'vxlan', config: { externalAddress: '172.18.9.1' } },
      want: [/do not fit in 10.244.0.0\/16/],
    },
    {
      name: 'too many nodes for the node network',
      input: {
        name: 'tnet',
        nodes: 3,
        backend: 'vxlan',
        config: { nodeCIDR: '172.18.0.0/30', externalAddress: '172.18.0.1' },
      },
      want: [/do not fit in 172.18.0.0\/30/],
    },
  ];
  it.each(cases)('$name', ({ input, want }) => {
    let err: unknown;
    try {
      planTopology(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TopologyError);
    const problems = (err as TopologyError).problems;
    expect(problems).toHaveLength(want.length);
    want.forEach((w, i) => expect(problems[i]).toMatch(w));
  });
});

describe('vtepMAC', () => {
  it('is locally administered, unicast and encodes the index', () => {
    expect(vtepMAC(1)).toBe('02:70:6e:01:00:01');
    expect(vtepMAC(258)).toBe('02:70:6e:01:01:02');
    expect(() => vtepMAC(0)).toThrow(RangeError);
  });
});
