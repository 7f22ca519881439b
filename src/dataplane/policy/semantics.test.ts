// One traced packet case per behaviour of the NetworkPolicy table, on the scenario of
// fixture.test-util.ts: isolation and default deny, the union of rules, namespace and pod
// selectors, ipBlock with except, numeric, named and endPort ports, TCP/UDP/SCTP, replies, the
// node's own traffic (always allowed), the no-window guard, and the flow log prefixes with their
// catalog entries.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../api/cluster.js';
import { trace } from '../../analysis/trace/trace.js';
import { clusterFromYaml } from '../../../test/support/builders.js';
import { tracePacket, type TracePacket } from '../../nft/tracer.js';
import { nodeAddresses, renderAll, SCENARIO, tracePods } from './fixture.test-util.js';
import type { PolicyRender } from './render.js';

let cluster: Cluster;
let tables: Map<string, PolicyRender>;
beforeAll(async () => {
  cluster = await clusterFromYaml(SCENARIO);
  tables = renderAll(cluster);
});
const pod = (ref: string) => cluster.pods.find((p) => `${p.metadata.namespace}/${p.metadata.name}` === ref)!;

interface Case {
  name: string;
  src: string;
  dst: string;
  protocol?: 'tcp' | 'udp' | 'sctp';
  port: number;
  allowed: boolean;
  /** The catalog entry of the deciding log line (the last one). */
  decidedBy?: string;
}

const cases: Case[] = [
  {
    name: 'a pod no policy selects accepts anything',
    src: 'shop/web',
    dst: 'other/client',
    port: 80,
    allowed: true,
  },
  {
    name: 'default deny drops and names every isolating policy',
    src: 'other/client',
    dst: 'shop/web',
    port: 80,
    allowed: false,
    decidedBy: 'isolated by shop/allow-web, shop/default-deny',
  },
  {
    name: 'namespaceSelector peer with a port',
    src: 'ops/monitor',
    dst: 'shop/web',
    port: 80,
    allowed: true,
    decidedBy: 'ingress rule 1 of shop/allow-web',
  },
  {
    name: 'namespaceSelector peer, other port',
    src: 'ops/monitor',
    dst: 'shop/web',
    port: 81,
    allowed: false,
  },
  {
    name: 'podSelector {} peer: the policy namespace, every port (union of rules)',
    src: 'shop/api',
    dst: 'shop/web',
    port: 81,
    allowed: true,
    decidedBy: 'ingress rule 2 of shop/allow-web',
  },
  {
    name: 'named port resolved on the destination pod (api: http = 8080)',
    src: 'shop/web',
    dst: 'shop/api',
    port: 8080,
    allowed: true,
    decidedBy: 'ingress rule 1 of shop/allow-api',
  },
  { name: 'named port: 80 is not api’s http', src: 'shop/web', dst: 'shop/api', port: 80, allowed: false },
  { name: 'endPort range, inside', src: 'shop/web', dst: 'shop/api', port: 9100, allowed: true },
  { name: 'endPort range, outside', src: 'shop/web', dst: 'shop/api', port: 9101, allowed: false },
  {
    name: 'port rules are per protocol',
    src: 'shop/web',
    dst: 'shop/api',
    protocol: 'udp',
    port: 9000,
    allowed: false,
  },
  {
    name: 'ipBlock: egress inside the block',
    src: 'ops/monitor',
    dst: 'shop/web',
    port: 80,
    allowed: true,
    decidedBy: 'ingress rule 1 of shop/allow-web',
  },
  {
    name: 'ipBlock except: egress to the excepted range, TCP',
    src: 'ops/monitor',
    dst: 'other/client',
    port: 80,
    allowed: false,
    decidedBy: 'isolated by ops/monitor-egress',
  },
  {
    name: 'a port-only egress rule: UDP 53 anywhere',
    src: 'ops/monitor',
    dst: 'other/client',
    protocol: 'udp',
    port: 53,
    allowed: true,
    decidedBy: 'egress rule 2 of ops/monitor-egress',
  },
  {
    name: 'SCTP is in the rules',
    src: 'ops/monitor',
    dst: 'other/client',
    protocol: 'sctp',
    port: 3868,
    allowed: true,
  },
  {
    name: 'SCTP, other port',
    src: 'ops/monitor',
    dst: 'other/client',
    protocol: 'sctp',
    port: 3869,
    allowed: false,
  },
];

describe('NetworkPolicy table semantics', () => {
  it.each(cases)('$name', (c) => {
    const res = tracePods(cluster, tables, pod(c.src), pod(c.dst), {
      protocol: c.protocol ?? 'tcp',
      dport: c.port,
    });
    expect(res.allowed).toBe(c.allowed);
    if (c.decidedBy) {
      const last = res.hops.flatMap((h) => h.logs).at(-1)!;
      const catalogs = [...tables.values()].map((t) => t.catalog[last.prefix]).filter(Boolean);
      expect(catalogs[0]?.rule).toBe(c.decidedBy);
      expect(catalogs[0]?.verdict).toBe(c.allowed ? 'accept' : 'drop');
    }
  });

  it('replies of an allowed connection pass; other packets of a denied one do not start it', () => {
    const table = tables.get('node-1')!.table;
    const env = { localAddresses: nodeAddresses(cluster, 'node-1') };
    const reply: TracePacket = { saddr: '10.244.0.10', daddr: '10.244.1.20', protocol: 'tcp', dport: 40000 };
    expect(tracePacket(table, 'prerouting', reply, { ...env, ctState: 'established' }).verdict).toBe(
      'accept',
    );
    const fresh = { saddr: '10.244.1.20', daddr: '10.244.0.10', protocol: 'tcp' as const, dport: 80 };
    expect(tracePacket(table, 'prerouting', fresh, env).verdict).toBe('drop');
    expect(tracePacket(table, 'prerouting', fresh, { ...env, ctState: 'established' }).verdict).toBe(
      'accept',
    );
  });

  it('logs once per decision: accepted attempts on both ends, nothing for unisolated pods', () => {
    const both = tracePods(cluster, tables, pod('ops/monitor'), pod('shop/web'), {
      protocol: 'tcp',
      dport: 80,
    });
    expect(
      both.hops.flatMap((h) => h.logs).map((l) => tables.get('node-1')!.catalog[l.prefix].direction),
    ).toEqual(['egress', 'ingress']);
    const open = tracePods(cluster, tables, pod('shop/web'), pod('other/client'), {
      protocol: 'tcp',
      dport: 80,
    });
    expect(open.hops.flatMap((h) => h.logs)).toEqual([]);
  });

  it('no window: addresses of the node’s range not yet in the ruleset are dropped both ways', () => {
    const table = tables.get('node-1')!.table;
    const env = { localAddresses: nodeAddresses(cluster, 'node-1') };
    const newPod = '10.244.0.99';
    for (const ctState of ['new', 'established'] as const) {
      const out = { saddr: newPod, daddr: '10.244.1.20', protocol: 'udp' as const, dport: 53 };
      const inn = { saddr: '10.244.1.20', daddr: newPod, protocol: 'udp' as const, dport: 53 };
      expect(tracePacket(table, 'prerouting', out, { ...env, ctState }).verdict).toBe('drop');
      expect(tracePacket(table, 'prerouting', inn, { ...env, ctState }).verdict).toBe('drop');
      expect(tracePacket(table, 'output', { ...inn, saddr: '10.244.0.1' }, { ...env, ctState }).verdict).toBe(
        'drop',
      );
    }
    // The node itself (bridge gateway) and other nodes' pods are not affected.
    const toGateway = { saddr: '10.244.0.10', daddr: '10.244.0.1', protocol: 'tcp' as const, dport: 10250 };
    expect(tracePacket(table, 'prerouting', toGateway, env).verdict).toBe('accept');
  });

  it('the node’s own traffic to its isolated pods is always allowed, as `podnet trace node/NAME` says', () => {
    const table = tables.get('node-1')!.table;
    const env = { localAddresses: nodeAddresses(cluster, 'node-1') };
    for (const [dst, port] of [
      ['shop/web', 80],
      ['ops/monitor', 9090],
    ] as const) {
      const p = pod(dst);
      const predicted = trace(cluster, 'node/node-1', dst, { port, protocol: 'TCP' });
      const got = tracePacket(
        table,
        'output',
        { saddr: '172.18.0.2', daddr: p.status!.podIP!, protocol: 'tcp', dport: port },
        env,
      );
      expect(got.verdict === 'accept', dst).toBe(predicted.verdict === 'allowed');
      expect(predicted.verdict, dst).toBe('allowed'); // shop/web is isolated by a default deny
    }
  });
});
