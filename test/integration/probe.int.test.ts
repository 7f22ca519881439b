// podnet probe and podnet verify on a real 2-node cluster, as a user runs them. Root only; the
// cluster `tprobe` has its own state root and API port 0 (chosen by the kernel), so it clashes
// with no other test; everything must be gone afterwards: namespaces, /etc/netns entries, the
// cluster's processes and every prober.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listNetns, pidsInNetns } from '../../src/host/netns.js';
import { isAlive } from '../../src/host/processes.js';
import type { ProbeJson } from '../../src/probe/result.js';
import { describeAsRoot, leakedNetns, rootNamespaceLeaks } from '../support/root.js';

const root = join(import.meta.dirname, '..', '..');
const stateRoot = mkdtempSync(join(tmpdir(), 'podnet-state-'));
const name = 'tprobe';
const SCTP_REASON = /no SCTP sockets/;

function podnet(args: string[]) {
  const r = spawnSync(join(root, 'bin', 'podnet'), [...args, '--name', name], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, PODNET_STATE_ROOT: stateRoot, NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const probeJson = (args: string[]): ProbeJson => {
  const r = podnet(['probe', '-n', 'probe', ...args, '-o', 'json']);
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as ProbeJson;
};

// Four pods on two nodes serving TCP 80 (named http) and UDP 81; c also declares SCTP 82 (it must
// still start: netexec skips it) and has a container whose only port is SCTP (as in the upstream
// netpol e2e pods: it must keep running, so that the pod becomes Ready). Service `web` selects b alone (TCP 8080 -> 80, UDP 8081 -> 81);
// Service `pair` selects a and d (TCP 9090 -> http), so its connections are balanced.
const netexecPod = (pod: string, node: string, labels: string, sctp = false) => `---
apiVersion: v1
kind: Pod
metadata: {name: ${pod}, namespace: probe, labels: {${labels}}}
spec:
  nodeName: ${node}
  containers:
  - name: netexec
    image: registry.k8s.io/e2e-test-images/agnhost:2.53
    ports:
    - {containerPort: 80, name: http}
    - {containerPort: 81, protocol: UDP}${sctp ? '\n    - {containerPort: 82, protocol: SCTP}' : ''}
${sctp ? '  - {name: sctp-only, image: registry.k8s.io/e2e-test-images/agnhost:2.53, ports: [{containerPort: 83, protocol: SCTP}]}\n' : ''}`;
const manifests = `apiVersion: v1
kind: Namespace
metadata: {name: probe}
${netexecPod('a', 'node-1', 'app: a, role: pair')}${netexecPod('b', 'node-2', 'app: b')}${netexecPod('c', 'node-1', 'app: c', true)}${netexecPod('d', 'node-2', 'app: d, role: pair')}---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: probe}
spec:
  selector: {app: b}
  ports: [{name: http, port: 8080, targetPort: 80}, {name: udp, port: 8081, targetPort: 81, protocol: UDP}]
---
apiVersion: v1
kind: Service
metadata: {name: pair, namespace: probe}
spec:
  selector: {role: pair}
  ports: [{port: 9090, targetPort: http}]
`;
const denyAll = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: probe}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;
const PODS = ['probe/a', 'probe/b', 'probe/c', 'probe/d'];

const cells = (m: Record<string, Record<string, boolean>>) =>
  Object.values(m).flatMap((r) => Object.values(r));

async function waitReady(count: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = podnet(['get', 'pods', '-n', 'probe', '-o', 'json']);
    const items =
      r.code === 0
        ? (JSON.parse(r.out).items as { status?: { conditions?: { type: string; status: string }[] } }[])
        : [];
    if (
      items.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
        .length === count
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('pods did not become Ready');
}

/**
 * Whether the nodes' Service rules (issue 5's proxy) translate these ClusterIPs yet: until they
 * do, a connection to a ClusterIP goes nowhere, and only the shape of --via results is checked.
 */
async function nodesTranslate(ips: string[]): Promise<boolean> {
  for (let i = 0; i < 30; i++) {
    const rules = [1, 2]
      .map(
        (n) =>
          spawnSync('ip', ['netns', 'exec', `pn-${name}-node-${n}`, 'nft', 'list', 'ruleset'], {
            encoding: 'utf8',
          }).stdout,
      )
      .join('\n');
    if (ips.every((ip) => rules.includes(ip))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Prober processes still running (their command line names the prober script). */
function probers(): number[] {
  const out = spawnSync('ps', ['-e', '-o', 'pid=,args='], { encoding: 'utf8' }).stdout;
  return out
    .split('\n')
    .filter((l) => l.includes(join('dist', 'main', 'prober.js')) && l.includes(root))
    .map((l) => Number(l.trim().split(' ')[0]));
}

describeAsRoot('podnet probe and verify', () => {
  let pids: number[] = [];

  beforeAll(async () => {
    const up = podnet(['up', '--nodes', '2', '--api-port', '0']);
    expect(up.code, up.err).toBe(0);
    const file = join(stateRoot, 'probe.yaml');
    writeFileSync(file, manifests);
    const apply = podnet(['apply', '-f', file]);
    expect(apply.code, apply.err).toBe(0);
    await waitReady(4);
    pids = (await listNetns(`pn-${name}-pod-`)).flatMap((ns) => pidsInNetns(ns));
  }, 60_000);

  afterAll(async () => {
    podnet(['down']);
    expect(await leakedNetns(`pn-${name}-`)).toEqual([]);
    expect(
      existsSync('/etc/netns') ? readdirSync('/etc/netns').filter((d) => d.startsWith(`pn-${name}-`)) : [],
    ).toEqual([]);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(probers()).toEqual([]);
    expect(rootNamespaceLeaks()).toEqual({ links: [], tables: [] });
    rmSync(stateRoot, { recursive: true, force: true });
  });

  it('probes every pair: the same pods as matrix, all connected, SCTP untestable', () => {
    const t0 = Date.now();
    const probe = probeJson([]);
    process.stderr.write(`podnet probe, 4 pods, TCP/80 UDP/81 SCTP/82 SCTP/83: ${Date.now() - t0} ms\n`);
    expect(probe.pods).toEqual(PODS);
    const matrix = JSON.parse(podnet(['matrix', '-o', 'json']).out) as { pods: string[] };
    expect(matrix.pods.filter((p) => p.startsWith('probe/'))).toEqual(probe.pods);
    expect(probe.probes.map((p) => `${p.protocol}/${p.port}`)).toEqual(['TCP/80', 'UDP/81']);
    // No NetworkPolicy exists: everything connects.
    for (const p of probe.probes) expect(cells(p.matrix)).toEqual(new Array(16).fill(true));
    expect(probe.untestable).toEqual([
      { port: 82, protocol: 'SCTP', reason: expect.stringMatching(SCTP_REASON) },
      { port: 83, protocol: 'SCTP', reason: expect.stringMatching(SCTP_REASON) },
    ]);
    expect(probers()).toEqual([]); // short-lived: gone when the command returns
  });

  it('prints the table of matrix with the untestable probe named under it', () => {
    const r = podnet(['probe', '-n', 'probe', '--port', 'http', '--protocol', 'TCP', '--protocol', 'SCTP']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('TCP/http');
    expect(r.out).toContain('1 probe/a  . . . .');
    expect(r.out).toMatch(/SCTP\/http: not tested: .*no SCTP sockets/);
  });

  it.each(['service', 'dns'])(
    '--via %s: the columns behind a Service, through its ClusterIP',
    async (via) => {
      const probe = probeJson(['--via', via]); // TCP/80 and UDP/81, as declared; SCTP untestable
      const [tcp, udp] = probe.probes;
      expect(Object.keys(tcp.through!).sort()).toEqual(['probe/a', 'probe/b', 'probe/d']);
      expect(tcp.through!['probe/b']).toMatchObject({ service: 'probe/web' });
      expect(tcp.through!['probe/a']).toMatchObject({ service: 'probe/pair' });
      expect(tcp.through!['probe/b'].address).toMatch(
        via === 'dns' ? /^web\.probe:8080$/ : /^10\.96\.\d+\.\d+:8080$/,
      );
      expect(Object.keys(udp.through!)).toEqual(['probe/b']);
      expect(probe.untestable).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ port: 80, protocol: 'TCP', to: 'probe/c' }),
          expect.objectContaining({ port: 81, protocol: 'UDP', to: 'probe/a' }),
        ]),
      );
      for (const row of Object.values(tcp.matrix))
        expect(Object.keys(row)).toEqual(['probe/a', 'probe/b', 'probe/d']);

      const services = JSON.parse(podnet(['get', 'services', '-A', '-o', 'json']).out) as {
        items: { metadata: { name: string }; spec: { clusterIP: string } }[];
      };
      const ips = services.items
        .filter((s) => ['web', 'pair', 'kube-dns'].includes(s.metadata.name))
        .map((s) => s.spec.clusterIP);
      if (!(await nodesTranslate(ips))) {
        process.stderr.write(
          `\n*** --via ${via}: the nodes do not translate ClusterIPs yet (issue 5): cells not checked ***\n\n`,
        );
        return;
      }
      expect(cells(tcp.matrix)).toEqual(new Array(12).fill(true));
      expect(cells(udp.matrix)).toEqual(new Array(4).fill(true));
    },
  );

  it('verify: agreement without policies and with a default deny (exit 0); a rule removed by hand is caught (exit 1)', async () => {
    const ok = podnet(['verify', '-n', 'probe', '-o', 'json']);
    expect(ok.code, ok.out + ok.err).toBe(0);
    const agreed = JSON.parse(ok.out) as { summary: Record<string, number>; disagreements: unknown[] };
    // 4 pods x 4 pods x 3 probes (TCP/80, UDP/81, SCTP/82, SCTP/83: the SCTP ones untestable);
    // each pod to itself is loopback, not compared.
    expect(agreed.summary).toEqual({
      cells: 64,
      compared: 24,
      agreeing: 24,
      disagreeing: 0,
      untestable: 32,
      loopback: 8,
      refusedUndeclared: 0,
    });

    const file = join(stateRoot, 'deny.yaml');
    writeFileSync(file, denyAll);
    expect(podnet(['apply', '-f', file]).code).toBe(0);
    // The nodes enforce it: every connection into the namespace is now dropped, as predicted.
    await until(
      () => podnet(['verify', '-n', 'probe', '--port', '80']).code === 0,
      'the default deny to be enforced',
    );
    const enforced = podnet(['verify', '-n', 'probe', '-o', 'json']);
    expect(enforced.code, enforced.out).toBe(0);
    expect(JSON.parse(enforced.out).summary).toMatchObject({ compared: 24, agreeing: 24, disagreeing: 0 });

    // Plant a disagreement: remove probe/b from its node's ingress isolation map by hand. The
    // agent does not render again (nothing in the API changed), so b is open: verify must say so.
    const b = JSON.parse(podnet(['get', 'pod', 'b', '-n', 'probe', '-o', 'json']).out) as {
      status: { podIP: string };
    };
    const planted = spawnSync(
      'ip',
      [
        'netns',
        'exec',
        `pn-${name}-node-2`,
        'nft',
        'delete',
        'element',
        'ip',
        `pn-${name}-policy`,
        'np-ingress-pods',
        `{ ${b.status.podIP} }`,
      ],
      { encoding: 'utf8' },
    );
    expect(planted.status, planted.stderr).toBe(0);
    const bad = podnet(['verify', '-n', 'probe', '-o', 'json']);
    expect(bad.code, bad.err).toBe(1);
    const report = JSON.parse(bad.out) as {
      summary: Record<string, number>;
      disagreements: {
        from: string;
        to: string;
        predicted: boolean;
        measured: boolean;
        trace: { verdict: string };
      }[];
    };
    // a, c and d reach b on TCP/80 and UDP/81 although the prediction denies it.
    expect(report.summary).toMatchObject({ compared: 24, disagreeing: 6 });
    for (const d of report.disagreements) {
      expect(d).toMatchObject({ to: 'probe/b', predicted: false, measured: true });
      expect(d.trace.verdict).toBe('denied');
    }
    const text = podnet(['verify', '-n', 'probe', '--port', '80']);
    expect(text.code).toBe(1);
    expect(text.out).toContain(
      'DISAGREE TCP/80 probe/a -> probe/b: predicted denied, measured allowed (answered by b)',
    );
    expect(text.out).toContain('isolated for ingress by probe/default-deny');
    expect(text.out).toContain('12 of 16 cells compared: 9 agree, 3 disagree, 0 untestable, 4 loopback');
    // Deleting the policy makes the agent render again, which repairs the table.
    expect(podnet(['delete', 'networkpolicy', 'default-deny', '-n', 'probe']).code).toBe(0);
    await until(
      () => podnet(['verify', '-n', 'probe', '--port', '80']).code === 0,
      'the policy to be removed',
    );
  });

  it('usage errors exit 2', () => {
    expect(podnet(['probe', '--via', 'carrier-pigeon']).code).toBe(2);
    expect(podnet(['probe', '-n', 'probe', '-A']).code).toBe(2);
    expect(podnet(['probe', '-n', 'nothing-here']).code).toBe(2);
    expect(podnet(['verify', '--protocol', 'ICMP']).code).toBe(2);
    const none = spawnSync(join(root, 'bin', 'podnet'), ['probe', '--name', 'tprobenone'], {
      encoding: 'utf8',
      env: { ...process.env, PODNET_STATE_ROOT: stateRoot },
    });
    expect(none.status).toBe(2); // no such cluster
  });
});
