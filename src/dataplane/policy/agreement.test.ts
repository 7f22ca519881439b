// Prediction and enforcement agree (DESIGN.md §1): for seeded random clusters and for the
// conformance cases (test/conformance/netpol, ../shared/conformance/netpol), every cell of
// `podnet matrix` (src/analysis) equals what the rendered rules do with the connection's first
// packet, traced through the source node's table and then the destination node's, for TCP,
// UDP and SCTP, numeric and named ports. Self-connections are included: the tracer evaluates
// them like any pair, as the predictor does.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Cluster } from '../../api/cluster.js';
import type { KubeObject, Pod, Protocol } from '../../api/types.js';
import { computeReachability, isAllowed } from '../../analysis/reachability.js';
import { resolveProbePort, type ProbeSpec } from '../../analysis/matrix.js';
import { namespaceLabelIndex, podEndpoint } from '../../policy/endpoint.js';
import { clusterOf } from '../../../test/support/builders.js';
import { randomCluster } from '../../../test/support/random-cluster.js';
import { caseDirs } from '../../../test/conformance/cases.js';
import { renderAll, tracePods } from './fixture.test-util.js';

const PROTOCOLS: Protocol[] = ['TCP', 'UDP', 'SCTP'];

/** Every cell where the rules and the predictor disagree, as `probe src -> dst: want`. */
function disagreements(cluster: Cluster, probes: ProbeSpec[]): { cells: number; wrong: string[] } {
  const tables = renderAll(cluster);
  const reach = computeReachability(cluster, probes);
  const pods = new Map(cluster.pods.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
  const nsLabels = namespaceLabelIndex(cluster);
  const wrong: string[] = [];
  let cells = 0;
  probes.forEach((probe, pi) =>
    reach.pods.forEach((s, si) =>
      reach.pods.forEach((d, di) => {
        const dst = pods.get(d)!;
        const want = isAllowed(reach, pi, si, di);
        const port = resolveProbePort(probe, podEndpoint(dst, nsLabels)!);
        cells++;
        // A named port the destination does not declare: no packet can be addressed (false).
        const got =
          port !== undefined &&
          tracePods(cluster, tables, pods.get(s)!, dst, {
            protocol: probe.protocol.toLowerCase() as 'tcp',
            dport: port,
          }).allowed;
        if (got !== want)
          wrong.push(`${probe.port}/${probe.protocol} ${s} -> ${d}: predictor ${want}, rules ${got}`);
      }),
    ),
  );
  return { cells, wrong };
}

/** Random clusters spread over two nodes: odd pods get addresses of node-2's range. */
function spreadOverNodes(objects: KubeObject[]): KubeObject[] {
  let i = 0;
  for (const o of objects)
    if (o.kind === 'Pod' && i++ % 2 === 1) {
      const p = o as Pod;
      p.status!.podIP = p.status!.podIP!.replace(/^10\.244\.0\./, '10.244.1.');
    }
  return objects;
}

describe('rules agree with the predictor on random clusters', () => {
  const seeds = Array.from({ length: 40 }, (_, i) => i + 1);
  it.each(seeds)('seed %i', async (seed) => {
    const objects = spreadOverNodes(
      randomCluster({ seed, namespaces: 3, pods: 12, policies: 1 + (seed % 7) }),
    );
    const cluster = await clusterOf(objects);
    expect(new Set(cluster.pods.map((p) => p.spec?.nodeName)).size).toBe(2);
    const probes: ProbeSpec[] = [
      ...[80, 53, 8080, 1000, 9000, 9001].flatMap((port) =>
        PROTOCOLS.map((protocol) => ({ port, protocol })),
      ),
      { port: 'http', protocol: 'TCP' },
      { port: 'dns', protocol: 'UDP' },
      { port: 'http', protocol: 'UDP' },
    ];
    const { cells, wrong } = disagreements(cluster, probes);
    expect(cells).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
  });
});

const SUITES = [
  join(import.meta.dirname, '../../../test/conformance/netpol'),
  join(import.meta.dirname, '../../../../shared/conformance/netpol'),
].filter(existsSync);

/** A conformance case as a cluster: base, overrides and policies merged, later objects win. */
async function conformanceCluster(
  suite: string,
  name: string,
): Promise<{ cluster: Cluster; probes: ProbeSpec[] }> {
  const merged = new Map<string, KubeObject>();
  for (const f of ['base-cluster.yaml', `${name}/cluster-overrides.yaml`, `${name}/policies.yaml`]) {
    const path = join(suite, f);
    if (!existsSync(path)) continue;
    for (const d of parseAllDocuments(readFileSync(path, 'utf8'))) {
      const o = d.toJS() as KubeObject | null;
      if (o) merged.set(`${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`, o);
    }
  }
  const expect = JSON.parse(readFileSync(join(suite, name, 'expect.json'), 'utf8')) as {
    probes: ProbeSpec[];
  };
  // SCTP cells are checked in the rules too, where the case's probes do not name them.
  const probes = expect.probes.map((p) => ({ port: p.port, protocol: p.protocol }));
  for (const p of expect.probes.filter((x) => typeof x.port === 'number' && x.protocol === 'TCP'))
    probes.push({ port: p.port, protocol: 'SCTP' });
  return { cluster: await clusterOf([...merged.values()]), probes };
}

describe.each(SUITES)('rules agree with the predictor on the conformance cases in %s', (suite) => {
  it.each(caseDirs(suite))('%s', async (name) => {
    const { cluster, probes } = await conformanceCluster(suite, name);
    const { wrong } = disagreements(cluster, probes);
    expect(wrong).toEqual([]);
  });
});
