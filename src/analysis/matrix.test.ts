// The class-and-bitset matrix must say exactly what the pairwise evaluator says, cell by cell,
// on random clusters mixing every selector, peer and port form (seeded, so failures reproduce).
import { describe, expect, it } from 'vitest';
import { clusterOf } from '../../test/support/builders.js';
import { randomCluster } from '../../test/support/random-cluster.js';
import { namespaceLabelIndex, podEndpoint } from '../policy/endpoint.js';
import { evaluateTraffic, networkPolicyTier } from '../policy/evaluate.js';
import { buildPolicyModels } from '../policy/model.js';
import { computeReachability, groupedMatrixJson, isAllowed, matrixJson } from './reachability.js';
import { resolveProbePort, type ProbeSpec } from './matrix.js';

const probes: ProbeSpec[] = [
  { port: 80, protocol: 'TCP' },
  { port: 8080, protocol: 'TCP' },
  { port: 'http', protocol: 'TCP' },
  { port: 'dns', protocol: 'UDP' },
];

describe('class matrix agrees with the pairwise evaluator', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('random cluster seed %i', async (seed) => {
    const cluster = await clusterOf(randomCluster({ seed, namespaces: 3, pods: 30, policies: 8 }));
    const r = computeReachability(cluster, probes);
    const tiers = [networkPolicyTier(buildPolicyModels(cluster.networkPolicies))];
    const ns = namespaceLabelIndex(cluster);
    const eps = new Map(
      cluster.pods.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, podEndpoint(p, ns)!]),
    );
    let mismatches = 0;
    const seen = { allowed: 0, denied: 0 };
    probes.forEach((probe, pi) => {
      r.pods.forEach((s, si) => {
        r.pods.forEach((d, di) => {
          const dst = eps.get(d)!;
          const port = resolveProbePort(probe, dst);
          const want =
            port !== undefined &&
            evaluateTraffic(tiers, { src: eps.get(s)!, dst, port, protocol: probe.protocol }).allowed;
          if (isAllowed(r, pi, si, di) !== want) mismatches++;
          seen[want ? 'allowed' : 'denied']++;
        });
      });
    });
    expect(mismatches).toBe(0);
    // The case must exercise both outcomes, or agreeing would prove nothing.
    expect(seen.allowed).toBeGreaterThan(0);
    expect(seen.denied).toBeGreaterThan(0);
    expect(r.classCount).toBeLessThanOrEqual(r.pods.length);
  });

  it('grouped output expands back to the per-pod matrix', async () => {
    const cluster = await clusterOf(randomCluster({ seed: 42, namespaces: 3, pods: 40, policies: 10 }));
    const r = computeReachability(cluster, probes);
    const flat = matrixJson(r);
    const grouped = groupedMatrixJson(r);
    const classOf = new Map(grouped.classes.flatMap((members, i) => members.map((m) => [m, i] as const)));
    expect([...classOf.keys()].sort()).toEqual([...flat.pods].sort());
    grouped.probes.forEach((gp, pi) => {
      for (const s of flat.pods)
        for (const d of flat.pods)
          expect(gp.matrix[classOf.get(s)!][classOf.get(d)!]).toBe(flat.probes[pi].matrix[s][d]);
    });
  });
});
