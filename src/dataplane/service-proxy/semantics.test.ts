// Behaviour of the rendered rules, one row per kube-proxy behaviour: packets from a pod, from the
// node itself and from outside are traced through the node's table (src/nft/tracer.ts), with
// every random choice explored. Outcomes read `dnat IP:PORT [snat NODE-IP]`, `reject ...`,
// `drop` or `accept` (untouched). Each row also runs over the physical tables (shards.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../api/cluster.js';
import { clusterFromYaml } from '../../../test/support/builders.js';
import { tracePacket } from '../../nft/tracer.js';
import type { Table } from '../../nft/ir.js';
import { outcomes, packet, proxyInput, send, SCENARIO, summary, type Source } from './fixture.test-util.js';
import { renderServiceProxy } from './render.js';
import { shardProxyTable } from './shards.js';

let cluster: Cluster;
const tables = new Map<string, Table>();
const table = (node: string) => tables.get(node)!;

beforeAll(async () => {
  cluster = await clusterFromYaml(SCENARIO);
  for (const node of ['node-1', 'node-2']) tables.set(node, renderServiceProxy(proxyInput(cluster, node)));
});

const svc = (ref: string) =>
  cluster.services.find((s) => `${s.metadata.namespace}/${s.metadata.name}` === ref)!;
const clusterIP = (ref: string) => svc(ref).spec!.clusterIP!;
const lbIP = (ref: string) => svc(ref).status!.loadBalancer!.ingress![0].ip!;
const nodeIP = (node: string) => proxyInput(cluster, node).nodeIP;
const podIP = (ref: string) =>
  cluster.pods.find((p) => `${p.metadata.namespace}/${p.metadata.name}` === ref)!.status!.podIP!;

// Destinations are functions: the cluster is only known once beforeAll ran.
type Dest = () => { daddr: string; dport: number; protocol?: 'tcp' | 'udp' };
interface Row {
  name: string;
  node: string;
  from: Source;
  to: Dest;
  want: () => string[];
}

const api1 = () => `dnat ${podIP('shop/api-1')}:8080`;
const api2 = () => `dnat ${podIP('shop/api-2')}:8080`;
const snat = (node: string) => ` snat ${nodeIP(node)}`;
const pod1 = { pod: 'shop/api-1' };
const pod2 = { pod: 'shop/api-2' };
const web = { pod: 'shop/web-1' };

const rows: Row[] = [
  // ClusterIP
  {
    name: 'pod to ClusterIP: any endpoint, source kept',
    node: 'node-1',
    from: web,
    to: () => ({ daddr: clusterIP('shop/api'), dport: 80 }),
    want: () => [api1(), api2()],
  },
  {
    name: 'node to ClusterIP: masqueraded (source outside the pod network)',
    node: 'node-1',
    from: 'node',
    to: () => ({ daddr: clusterIP('shop/api'), dport: 80 }),
    want: () => [api1() + snat('node-1'), api2() + snat('node-1')],
  },
  {
    name: 'hairpin: a pod reaching itself through its Service is masqueraded',
    node: 'node-1',
    from: pod1,
    to: () => ({ daddr: clusterIP('shop/api'), dport: 80 }),
    want: () => [api1() + snat('node-1'), api2()],
  },
  {
    name: 'UDP ClusterIP',
    node: 'node-1',
    from: web,
    to: () => ({ daddr: clusterIP('kube-system/dns'), dport: 53, protocol: 'udp' }),
    want: () => [`dnat ${podIP('kube-system/dns-1')}:53`],
  },
  {
    name: 'undefined port of a ClusterIP: rejected after DNAT found nothing (forward)',
    node: 'node-1',
    from: web,
    to: () => ({ daddr: clusterIP('shop/api'), dport: 81 }),
    want: () => ['reject tcp reset'],
  },
  {
    name: 'undefined port of a ClusterIP from the node: rejected in output',
    node: 'node-1',
    from: 'node',
    to: () => ({ daddr: clusterIP('kube-system/dns'), dport: 54, protocol: 'udp' }),
    want: () => ['reject icmp port-unreachable'],
  },
  {
    name: 'unallocated address in the Service range: dropped',
    node: 'node-1',
    from: web,
    to: () => ({ daddr: '10.96.200.200', dport: 80 }),
    want: () => ['drop'],
  },
  {
    name: 'Service without endpoints: rejected at once',
    node: 'node-1',
    from: web,
    to: () => ({ daddr: clusterIP('shop/empty'), dport: 80 }),
    want: () => ['reject tcp reset'],
  },
  {
    name: 'Service without endpoints, from the node',
    node: 'node-2',
    from: 'node',
    to: () => ({ daddr: clusterIP('shop/empty'), dport: 80 }),
    want: () => ['reject tcp reset'],
  },
  // NodePort
  {
    name: 'NodePort, externalTrafficPolicy Cluster: any endpoint, SNAT to the node',
    node: 'node-1',
    from: 'external',
    to: () => ({ daddr: nodeIP('node-1'), dport: 30080 }),
    want: () => [api1() + snat('node-1'), api2() + snat('node-1')],
  },
  {
    name: 'NodePort on another local address of the node (pod gateway)',
    node: 'node-2',
    from: 'external',
    to: () => ({ daddr: '10.244.1.1', dport: 30080 }),
    want: () => [api1() + snat('node-2'), api2() + snat('node-2')],
  },
  {
    name: "NodePort, externalTrafficPolicy Local: this node's endpoint, client address kept",
    node: 'node-2',
    from: 'external',
    to: () => ({ daddr: nodeIP('node-2'), dport: 30082 }),
    want: () => [api2()],
  },
  {
    name: 'NodePort, externalTrafficPolicy Local, no endpoint on this node: dropped',
    node: 'node-2',
    from: 'external',
    to: () => ({ daddr: nodeIP('node-2'), dport: 30083 }),
    want: () => ['drop'],
  },
  {
    name: 'NodePort, externalTrafficPolicy Local, from a pod: short-circuit to any endpoint',
    node: 'node-2',
    from: pod2,
    to: () => ({ daddr: nodeIP('node-2'), dport: 30083 }),
    want: () => [`dnat ${podIP('shop/web-1')}:80`],
  },
  {
    name: 'NodePort without endpoints: rejected',
    node: 'node-1',
    from: 'external',
    to: () => ({ daddr: nodeIP('node-1'), dport: 30090 }),
    want: () => ['reject tcp reset'],
  },
  {
    name: 'a port that is no NodePort on the node address is left alone',
    node: 'node-1',
    from: 'external',
    to: () => ({ daddr: nodeIP('node-1'), dport: 30999 }),
    want: () => ['accept'],
  },
  // LoadBalancer and external IPs
  {
    name: 'LoadBalancer IP, externalTrafficPolicy Cluster',
    node: 'node-1',
    from: 'external',
    to: () => ({ daddr: lbIP('shop/api-lb'), dport: 80 }),
    want: () => [api1() + snat('node-1'), api2() + snat('node-1')],
  },
  {
    name: 'LoadBalancer IP, externalTrafficPolicy Local: local endpoint, client kept',
    node: 'node-1',
    from: 'external',
    to: () => ({ daddr: lbIP('shop/api-lb-local'), dport: 80 }),
    want: () => [api1()],
  },
  {
    name: 'LoadBalancer IP, Local, from the node itself: masqueraded, any endpoint',
    node: 'node-1',
    from: 'node',
    to: () => ({ daddr: lbIP('shop/api-lb-local'), dport: 80 }),
    want: () => [api1() + snat('node-1'), api2() + snat('node-1')],
  },
  {
    name: 'LoadBalancer IP, Local, from a pod: short-circuit, source kept',
    node: 'node-2',
    from: pod2,
    to: () => ({ daddr: lbIP('shop/api-lb-local'), dport: 80 }),
    want: () => [api1(), api2() + snat('node-2')],
  },
  {
    name: 'external IP: like a LoadBalancer IP with Cluster policy',
    node: 'node-2',
    from: 'external',
    to: () => ({ daddr: '203.0.113.10', dport: 8000 }),
    want: () => [api1() + snat('node-2'), api2() + snat('node-2')],
  },
  // loadBalancerSourceRanges (kube-proxy nftables proxier_test.go TestLoadBalancer)
  {
    name: 'loadBalancerSourceRanges: a client inside a range passes (spaces around a range ignored)',
    node: 'node-1',
    from: 'external',
    to: () => ({ daddr: lbIP('shop/api-lb-ranges'), dport: 80 }),
    want: () => [api1() + snat('node-1'), api2() + snat('node-1')],
  },
  {
    name: 'loadBalancerSourceRanges: a client outside every range is dropped',
    node: 'node-1',
    from: 'external',
    to: () => ({ daddr: lbIP('shop/api-lb-nodes'), dport: 80 }),
    want: () => ['drop'],
  },
  {
    name: 'loadBalancerSourceRanges: the NodePort of the same Service is not restricted',
    node: 'node-1',
    from: 'external',
    to: () => ({ daddr: nodeIP('node-1'), dport: 30085 }),
    want: () => [api1() + snat('node-1'), api2() + snat('node-1')],
  },
  {
    name: 'loadBalancerSourceRanges: a pod outside the ranges is dropped, not short-circuited',
    node: 'node-1',
    from: web,
    to: () => ({ daddr: lbIP('shop/api-lb-ranges'), dport: 80 }),
    want: () => ['drop'],
  },
  {
    name: 'loadBalancerSourceRanges: a pod inside a range passes',
    node: 'node-2',
    from: pod2,
    to: () => ({ daddr: lbIP('shop/api-lb-ranges'), dport: 80 }),
    want: () => [api1() + snat('node-2'), api2() + snat('node-2')],
  },
  {
    name: 'loadBalancerSourceRanges: the node outside the ranges is dropped in output',
    node: 'node-1',
    from: 'node',
    to: () => ({ daddr: lbIP('shop/api-lb-ranges'), dport: 80 }),
    want: () => ['drop'],
  },
  {
    name: 'loadBalancerSourceRanges: the node inside a range passes',
    node: 'node-1',
    from: 'node',
    to: () => ({ daddr: lbIP('shop/api-lb-nodes'), dport: 80 }),
    want: () => [api1() + snat('node-1'), api2() + snat('node-1')],
  },
  {
    name: 'loadBalancerSourceRanges holding the node: the LoadBalancer IP as source passes too',
    node: 'node-1',
    from: { ip: '__lb__', entry: 'output' },
    to: () => ({ daddr: lbIP('shop/api-lb-nodes'), dport: 80 }),
    want: () => [api1() + snat('node-1'), api2() + snat('node-1')],
  },
  {
    name: 'loadBalancerSourceRanges of the other family only: IPv4 is not restricted',
    node: 'node-1',
    from: 'external',
    to: () => ({ daddr: lbIP('shop/api-lb-v6-ranges'), dport: 80 }),
    want: () => [api1() + snat('node-1'), api2() + snat('node-1')],
  },
  {
    name: 'loadBalancerSourceRanges before the endpoint check: dropped, not rejected',
    node: 'node-1',
    from: 'external',
    to: () => ({ daddr: lbIP('shop/empty-lb-ranges'), dport: 80 }),
    want: () => ['drop'],
  },
  {
    name: 'loadBalancerSourceRanges: a source inside them still meets the endpoint check',
    node: 'node-1',
    from: web,
    to: () => ({ daddr: lbIP('shop/empty-lb-ranges'), dport: 80 }),
    want: () => ['reject tcp reset'],
  },
  // traffic policies and endpoint states
  {
    name: "internalTrafficPolicy Local: only this node's endpoint",
    node: 'node-1',
    from: web,
    to: () => ({ daddr: clusterIP('shop/api-local'), dport: 80 }),
    want: () => [api1()],
  },
  {
    name: 'internalTrafficPolicy Local, none on this node: dropped',
    node: 'node-2',
    from: pod2,
    to: () => ({ daddr: clusterIP('shop/web-itp-local'), dport: 80 }),
    want: () => ['drop'],
  },
  {
    name: 'trafficDistribution PreferClose: the endpoint on this node',
    node: 'node-2',
    from: pod2,
    to: () => ({ daddr: clusterIP('shop/api-near'), dport: 80 }),
    want: () => [api2() + snat('node-2')],
  },
  {
    name: 'no ready endpoint: serving terminating ones are used, not the others',
    node: 'node-1',
    from: web,
    to: () => ({ daddr: clusterIP('shop/draining'), dport: 80 }),
    want: () => ['dnat 10.244.1.50:80'],
  },
];

describe('Service proxy rules, traced', () => {
  it.each(rows)('$name', ({ node, from, to, want }) => {
    const dest = to();
    // '__lb__': the packet leaves from the LoadBalancer IP it is sent to.
    const source =
      typeof from === 'object' && 'ip' in from && from.ip === '__lb__' ? { ...from, ip: dest.daddr } : from;
    const p = packet(cluster, node, source, dest);
    expect(outcomes(table(node), p)).toEqual([...want()].sort());
    expect(outcomes(shardProxyTable(table(node), 3), p), 'sharded').toEqual([...want()].sort());
  });

  it('picks each of N endpoints with probability 1/N', async () => {
    const { traceAll } = await import('../../nft/tracer.js');
    const p = packet(cluster, 'node-1', web, { daddr: clusterIP('shop/api'), dport: 80 });
    const odds = new Map<string, number>();
    for (const path of traceAll(table('node-1'), p.entry, p.packet, p.env))
      odds.set(summary(path), (odds.get(summary(path)) ?? 0) + path.probability);
    expect([...odds.values()].map((x) => x.toFixed(6))).toEqual(['0.500000', '0.500000']);
  });

  it('leaves established connections to conntrack (no NAT rules)', () => {
    const p = packet(cluster, 'node-1', web, { daddr: clusterIP('shop/api'), dport: 80 });
    expect(
      summary(tracePacket(table('node-1'), p.entry, p.packet, { ...p.env, ctState: 'established' })),
    ).toBe('accept');
  });

  it('sessionAffinity ClientIP: a client keeps its endpoint; others still spread', () => {
    const p = packet(cluster, 'node-1', web, { daddr: clusterIP('shop/web-sticky'), dport: 80 });
    const dynamicSets = new Map<string, Set<string>>();
    const first = send(table('node-1'), { ...p, env: { ...p.env, random: (m) => m - 1, dynamicSets } });
    expect(summary(first)).toBe(api2());
    for (const pick of [0, 1])
      expect(
        summary(send(table('node-1'), { ...p, env: { ...p.env, random: () => pick, dynamicSets } })),
      ).toBe(api2());
    const other = packet(cluster, 'node-1', 'node', { daddr: clusterIP('shop/web-sticky'), dport: 80 });
    expect(outcomes(table('node-1'), { ...other, env: { ...other.env, dynamicSets } })).toEqual(
      [api1() + snat('node-1'), api2() + snat('node-1')].sort(),
    );
    const sets = table('node-1').sets.filter((s) => s.name.startsWith('affinity-'));
    expect(sets.map((s) => s.timeout)).toEqual([600, 600]);
  });

  it('says which node announces each LoadBalancer IP', () => {
    const lb = table('node-2').sets.find((s) => s.name === 'service-ips')!.elements;
    const comment = (ip: string) => lb.find((e) => e.key[0] === ip)?.comment;
    expect(comment(lbIP('shop/api-lb'))).toBe('shop/api-lb LoadBalancer IP, announced by node node-1');
    const own = table('node-1').sets.find((s) => s.name === 'service-ips')!.elements;
    expect(own.find((e) => e.key[0] === lbIP('shop/api-lb'))?.comment).toMatch(/announced by this node$/);
  });

  it('reports the rules a packet passed, by comment', () => {
    const p = packet(cluster, 'node-1', 'external', { daddr: nodeIP('node-1'), dport: 30080 });
    const comments = send(table('node-1'), p).steps.map((s) => s.comment);
    expect(comments).toEqual([
      'new connections: firewall-check',
      'services',
      'NodePort traffic to any local address but loopback',
      'shop/api:http masquerade external traffic',
      'ask for SNAT in postrouting',
      'shop/api:http',
      'shop/api:http -> shop/api-1 10.244.0.2:8080',
      'shop/api:http -> shop/api-1 10.244.0.2:8080',
      'new connections: service-endpoints-check',
      'new connections: cluster-ips-check',
      'masquerading',
      'clear the mark before the packet leaves',
      "SNAT to the node's InternalIP 172.18.0.2",
    ]);
  });
});
