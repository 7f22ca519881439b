// Prediction and data plane agree (DESIGN.md §1): on seeded random clusters, for every node,
// source and Service address, the endpoints a packet can reach through the rendered rules
// (every random choice explored by the tracer) are exactly the ones src/analysis/services.ts
// chooses; and where `podnet trace` models the same case, its endpoints and the source address
// the endpoint sees are the tracer's too. The physical tables the kernel gets (shards.ts) give
// every probe the same fate as the logical table.
// A pod reaching a NodePort of a Service with externalTrafficPolicy Local is short-circuited to
// the Cluster-policy endpoints (kube-proxy's external chain); `podnet trace` models it too.
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../api/cluster.js';
import { defaultClusterConfig } from '../../api/cluster.js';
import type { Service, ServicePort } from '../../api/types.js';
import {
  chooseEndpoints,
  loadBalancerAnnouncer,
  inRanges,
  loadBalancerSourceRanges,
  serviceEndpoints,
} from '../../analysis/services.js';
import { trace } from '../../analysis/trace/trace.js';
import { nodeInternalIP } from '../../controllers/kubelet-sim.js';
import type { Table } from '../../nft/ir.js';
import { traceAll } from '../../nft/tracer.js';
import { simulateCluster } from '../../offline/simulate.js';
import { EXTERNAL_CLIENT, localAddresses, proxyInput } from './fixture.test-util.js';
import { randomServices } from './random-services.test-util.js';
import { renderServiceProxy } from './render.js';
import { shardProxyTable } from './shards.js';

interface Probe {
  what: string;
  node: string;
  entry: 'prerouting' | 'output';
  saddr: string;
  daddr: string;
  port: number;
  protocol: 'tcp' | 'udp';
  /** Endpoints the predictor allows, as ip:port. */
  want: Set<string>;
  /** No usable endpoint anywhere: the rules must reject, not drop. */
  rejects: boolean;
  /** Arguments for `podnet trace`, when it models this case. */
  trace?: { src: string };
}

/** What the rules do with the probe: endpoint -> source address it sees; or the refusal. */
function traced(table: Table | Table[], p: Probe, localAddrs: string[]) {
  const seen = new Map<string, string>();
  const refusals = new Set<string>();
  for (const r of traceAll(
    table,
    p.entry,
    { saddr: p.saddr, daddr: p.daddr, dport: p.port, protocol: p.protocol },
    { localAddresses: localAddrs },
  )) {
    if (r.dnat) seen.set(`${r.dnat.addr}:${r.dnat.port}`, r.snat ?? p.saddr);
    else refusals.add(r.verdict);
  }
  return { seen, refusals };
}

function probes(cluster: Cluster): Probe[] {
  const out: Probe[] = [];
  const ip = (node: string) => nodeInternalIP(cluster.nodes.find((n) => n.metadata.name === node)!)!;
  for (const svc of cluster.services as Service[]) {
    const spec = svc.spec!;
    if (!spec.clusterIP || spec.clusterIP === 'None') continue;
    for (const port of spec.ports as ServicePort[]) {
      const all = serviceEndpoints(cluster, svc, port);
      const rejects = chooseEndpoints(all, { local: false }).candidates.length === 0;
      const choose = (local: boolean, node: string) =>
        new Set(
          chooseEndpoints(all, {
            local,
            nodeName: node,
            trafficDistribution: spec.trafficDistribution,
          }).candidates.map((c) => `${c.ip}:${c.port}`),
        );
      const iLocal = spec.internalTrafficPolicy === 'Local';
      const eLocal = spec.externalTrafficPolicy === 'Local';
      const protocol = (port.protocol ?? 'TCP').toLowerCase() as Probe['protocol'];
      const base = { port: port.port, protocol, rejects };
      for (const node of cluster.nodes.map((n) => n.metadata.name!)) {
        const pod = cluster.pods.find((p) => p.spec?.nodeName === node);
        const podRef = pod && `${pod.metadata.namespace}/${pod.metadata.name}`;
        const clusterIP = { daddr: spec.clusterIP, want: choose(iLocal, node) };
        if (pod)
          out.push({
            what: `${podRef} -> ClusterIP`,
            node,
            entry: 'prerouting',
            saddr: pod.status!.podIP!,
            ...base,
            ...clusterIP,
            trace: { src: podRef! },
          });
        out.push({
          what: `node ${node} -> ClusterIP`,
          node,
          entry: 'output',
          saddr: ip(node),
          ...base,
          ...clusterIP,
          trace: { src: `node/${node}` },
        });
        if (port.nodePort) {
          const np = { daddr: ip(node), port: port.nodePort, protocol, rejects };
          out.push({
            what: `external -> NodePort on ${node}`,
            node,
            entry: 'prerouting',
            saddr: EXTERNAL_CLIENT,
            ...np,
            want: choose(eLocal, node),
            trace: { src: 'external' },
          });
          if (pod)
            out.push({
              what: `${podRef} -> NodePort on ${node} (short-circuit)`,
              node,
              entry: 'prerouting',
              saddr: pod.status!.podIP!,
              ...np,
              want: choose(false, node),
              trace: { src: podRef! },
            });
        }
        for (const ext of spec.externalIPs ?? [])
          out.push({
            what: `external -> external IP via ${node}`,
            node,
            entry: 'prerouting',
            saddr: EXTERNAL_CLIENT,
            daddr: ext,
            ...base,
            want: choose(eLocal, node),
          });
      }
      const lb = svc.status?.loadBalancer?.ingress?.[0]?.ip;
      if (lb) {
        // Sources outside loadBalancerSourceRanges are dropped before any endpoint check.
        const ranges = loadBalancerSourceRanges(svc);
        const gated = (saddr: string, want: Set<string>) =>
          ranges.length === 0 || inRanges(ranges, saddr)
            ? { want }
            : { want: new Set<string>(), rejects: false };
        const node = loadBalancerAnnouncer(cluster.nodes, all, eLocal)!;
        out.push({
          what: `external -> LoadBalancer IP via ${node}`,
          node,
          entry: 'prerouting',
          saddr: EXTERNAL_CLIENT,
          daddr: lb,
          ...base,
          ...gated(EXTERNAL_CLIENT, choose(eLocal, node)),
          trace: { src: 'external' },
        });
        // Pods and nodes reach a LoadBalancer IP through their own node, as Cluster policy.
        for (const n of cluster.nodes.map((x) => x.metadata.name!)) {
          const pod = cluster.pods.find((p) => p.spec?.nodeName === n && p.status?.podIP);
          if (pod)
            out.push({
              what: `${pod.metadata.namespace}/${pod.metadata.name} -> LoadBalancer IP`,
              node: n,
              entry: 'prerouting',
              saddr: pod.status!.podIP!,
              daddr: lb,
              ...base,
              ...gated(pod.status!.podIP!, choose(false, n)),
              trace: { src: `${pod.metadata.namespace}/${pod.metadata.name}` },
            });
          out.push({
            what: `node ${n} -> LoadBalancer IP`,
            node: n,
            entry: 'output',
            saddr: ip(n),
            daddr: lb,
            ...base,
            ...gated(ip(n), choose(false, n)),
            trace: { src: `node/${n}` },
          });
        }
      }
    }
  }
  return out;
}

describe('the rendered rules reach exactly the predicted endpoints', () => {
  const seeds = Array.from({ length: 16 }, (_, i) => i + 1);
  it.each(seeds)('random cluster, seed %i', async (seed) => {
    const { cluster } = await simulateCluster(
      randomServices({ seed, pods: 12, services: 10 }),
      defaultClusterConfig,
    );
    const tables = new Map(
      cluster.nodes.map((n) => [n.metadata.name!, renderServiceProxy(proxyInput(cluster, n.metadata.name!))]),
    );
    const addrs = new Map(
      cluster.nodes.map((n) => [n.metadata.name!, localAddresses(cluster, n.metadata.name!)]),
    );
    let reached = 0;
    let refused = 0;
    for (const p of probes(cluster)) {
      const got = traced(tables.get(p.node)!, p, addrs.get(p.node)!);
      const label = `${p.what} ${p.daddr}:${p.port}`;
      expect(
        traced(shardProxyTable(tables.get(p.node)!, 3), p, addrs.get(p.node)!),
        `${label}, sharded`,
      ).toEqual(got);
      expect(new Set(got.seen.keys()), label).toEqual(p.want);
      if (p.want.size === 0) {
        expect([...got.refusals], label).toEqual([p.rejects ? 'reject' : 'drop']);
        refused++;
      } else reached++;
      if (!p.trace) continue;
      const t = trace(cluster, p.trace.src, `${p.daddr}:${p.port}`, {
        protocol: p.protocol === 'udp' ? 'UDP' : 'TCP',
      });
      const predicted = new Map(t.paths.map((x) => [`${x.endpoint}:${x.port}`, x.seenSource]));
      expect(predicted, `podnet trace ${p.trace.src} ${p.daddr}:${p.port}`).toEqual(got.seen);
    }
    // Both outcomes occur, so the comparison is not vacuous.
    expect(reached).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(0);
  });
});
