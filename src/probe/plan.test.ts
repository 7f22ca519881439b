import { describe, expect, it } from 'vitest';
import { clusterFromYaml } from '../../test/support/builders.js';
import type { Cluster } from '../api/cluster.js';
import { planProbe, proberRequest, SCTP_UNTESTABLE, type Via } from './plan.js';
import { selectProbePods } from './select.js';

// a: TCP 80 named http, UDP 81; b: TCP 80 (no name), SCTP 82; c: TCP 8080 named http.
// Service one selects b only; Service pair selects a and b; Service local selects c with
// internalTrafficPolicy Local; Service udp selects a on UDP.
const yaml = `
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: ns, labels: {app: a, pair: "yes"}}
spec:
  containers:
  - name: c
    image: agnhost
    ports: [{containerPort: 80, name: http}, {containerPort: 81, protocol: UDP}]
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: ns, labels: {app: b, pair: "yes"}}
spec:
  containers:
  - name: c
    image: agnhost
    ports: [{containerPort: 80}, {containerPort: 82, protocol: SCTP}]
---
apiVersion: v1
kind: Pod
metadata: {name: c, namespace: ns, labels: {app: c}}
spec:
  containers: [{name: c, image: agnhost, ports: [{containerPort: 8080, name: http}]}]
---
apiVersion: v1
kind: Service
metadata: {name: one, namespace: ns}
spec: {selector: {app: b}, ports: [{port: 8000, targetPort: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: pair, namespace: ns}
spec: {selector: {pair: "yes"}, ports: [{port: 9000, targetPort: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: local, namespace: ns}
spec: {selector: {app: c}, internalTrafficPolicy: Local, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: udp, namespace: ns}
spec: {selector: {app: a}, ports: [{port: 53, targetPort: 81, protocol: UDP}]}
`;

let cluster: Cluster;
const plan = async (via: Via, probes: { port: number | string; protocol: 'TCP' | 'UDP' | 'SCTP' }[]) => {
  cluster ??= await clusterFromYaml(yaml);
  return planProbe(cluster, selectProbePods(cluster, { selector: [] }), probes, via);
};
const ipOf = (name: string) => cluster.pods.find((p) => p.metadata.name === name)!.status!.podIP!;
const clusterIP = (name: string) => cluster.services.find((s) => s.metadata.name === name)!.spec!.clusterIP!;

describe('planProbe via pod', () => {
  it('one connection per destination address; named ports resolved on each pod', async () => {
    const p = await plan('pod', [{ port: 'http', protocol: 'TCP' }]);
    expect(p.pods).toEqual(['ns/a', 'ns/b', 'ns/c']);
    expect(p.columns[0]).toEqual([
      { kind: 'target', target: 0, declared: true },
      { kind: 'false', reason: 'ns/b declares no TCP port named http' },
      { kind: 'target', target: 1, declared: true },
    ]);
    expect(p.targets.map((t) => `${t.host}:${t.port}/${t.attempts}/${t.expect}`)).toEqual([
      `${ipOf('a')}:80/1/a`,
      `${ipOf('c')}:8080/1/c`,
    ]);
  });

  it('a numeric port the pod does not declare is still probed, marked undeclared', async () => {
    const p = await plan('pod', [{ port: 81, protocol: 'UDP' }]);
    expect(p.columns[0].map((c) => c.kind === 'target' && c.declared)).toEqual([true, false, false]);
  });

  it('SCTP is untestable as a whole probe', async () => {
    const p = await plan('pod', [
      { port: 82, protocol: 'SCTP' },
      { port: 80, protocol: 'TCP' },
    ]);
    expect(p.untestable).toEqual([{ port: 82, protocol: 'SCTP', reason: SCTP_UNTESTABLE }]);
    expect(p.probes).toEqual([{ port: 80, protocol: 'TCP' }]);
  });
});

describe('planProbe via service and dns', () => {
  it('uses the Service with the fewest endpoints; one connection when it has one endpoint', async () => {
    const p = await plan('service', [{ port: 80, protocol: 'TCP' }]);
    const [a, b, c] = p.columns[0];
    expect(c).toEqual({
      kind: 'untestable',
      reason: 'no Service with a ClusterIP sends TCP to ns/c port 80',
    });
    expect(a.kind === 'target' && p.targets[a.target]).toMatchObject({
      host: clusterIP('pair'),
      port: 9000,
      attempts: 16,
      wave: 4,
      expect: ['a'],
      endpoints: 2,
      through: { service: 'ns/pair', address: `${clusterIP('pair')}:9000` },
    });
    expect(b.kind === 'target' && p.targets[b.target]).toMatchObject({
      host: clusterIP('one'),
      port: 8000,
      attempts: 1,
      expect: ['b'],
    });
  });

  it('skips Services whose endpoints depend on the source node (internalTrafficPolicy Local)', async () => {
    const p = await plan('service', [{ port: 8080, protocol: 'TCP' }]);
    expect(p.columns[0][2].kind).toBe('untestable');
  });

  it('matches the protocol and the target port', async () => {
    const p = await plan('dns', [{ port: 81, protocol: 'UDP' }]);
    const a = p.columns[0][0];
    expect(a.kind === 'target' && p.targets[a.target]).toMatchObject({
      host: 'udp.ns',
      port: 53,
      protocol: 'UDP',
      through: { service: 'ns/udp', address: 'udp.ns:53' },
    });
  });

  it('every source gets the same request', async () => {
    const p = await plan('service', [{ port: 80, protocol: 'TCP' }]);
    expect(proberRequest(p, 1000, 64)).toEqual({
      timeoutMs: 1000,
      concurrency: 64,
      tasks: p.targets.map((t, id) => ({
        id,
        host: t.host,
        port: t.port,
        protocol: t.protocol,
        attempts: t.attempts,
        wave: t.wave,
        expect: t.expect,
      })),
    });
  });
});
