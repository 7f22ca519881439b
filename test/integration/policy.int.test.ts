// NetworkPolicy enforced by the node agents on a real 2-node cluster (issue 6), as a user meets
// it: pods under a default deny cannot send a packet from their very first one, while pods a
// policy allows connect on their first try (the rules know a pod before its containers start);
// a pod's own node reaches it through any policy, another node does not; label changes on pods
// and namespaces take effect without touching the policies; denied flows
// name the isolating policies and are counted at /metrics; `--policy off` enforces nothing and
// lint says so. Root only; nothing may be left behind.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeAsRoot, leakedNetns, rootNamespaceLeaks } from '../support/root.js';

const root = join(import.meta.dirname, '..', '..');
const stateRoot = mkdtempSync(join(tmpdir(), 'podnet-policy-'));
const name = 'tpol';

function podnet(args: string[], cluster = name) {
  // --name right after the command: `exec` passes everything after `--` to the pod.
  const r = spawnSync(join(root, 'bin', 'podnet'), [args[0], '--name', cluster, ...args.slice(1)], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, PODNET_STATE_ROOT: stateRoot, NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function apply(yaml: string, cluster = name): void {
  const file = join(stateRoot, `apply-${Date.now()}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  const r = podnet(['apply', '-f', file], cluster);
  expect(r.code, r.err).toBe(0);
}

async function until<T>(what: string, get: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const podIP = (ns: string, pod: string, cluster = name) =>
  until(`${ns}/${pod} to have an IP`, () => {
    const r = podnet(['get', 'pod', pod, '-n', ns, '-o', 'json'], cluster);
    return r.code === 0
      ? ((JSON.parse(r.out) as { status?: { podIP?: string } }).status?.podIP ?? undefined)
      : undefined;
  });

/** One TCP connection from inside a pod, as the pod's user: true when it connected within 1 s. */
const connects = (ns: string, pod: string, ip: string, port = 80, cluster = name) =>
  podnet(
    ['exec', '-n', ns, pod, '--', 'timeout', '1', 'bash', '-c', `echo > /dev/tcp/${ip}/${port}`],
    cluster,
  ).code === 0;

const netexec = (ns: string, pod: string, node: string, labels = '{}') => `---
apiVersion: v1
kind: Pod
metadata: {name: ${pod}, namespace: ${ns}, labels: ${labels}}
spec:
  nodeName: ${node}
  containers:
  - {name: netexec, image: registry.k8s.io/e2e-test-images/agnhost:2.53, ports: [{containerPort: 80}]}
`;

/** A pod whose container, as soon as it starts, tries five connections to `target` and logs each. */
const dialer = (ns: string, pod: string, node: string, labels: string, target: string) => `---
apiVersion: v1
kind: Pod
metadata: {name: ${pod}, namespace: ${ns}, labels: ${labels}}
spec:
  nodeName: ${node}
  restartPolicy: Never
  containers:
  - name: dial
    command: [bash, -c]
    args: ['for i in 1 2 3 4 5; do if timeout 1 bash -c "echo > /dev/tcp/${target}/80"; then echo "attempt $i: connected"; else echo "attempt $i: failed"; fi; done']
`;

const attempts = (ns: string, pod: string) =>
  until(
    `${ns}/${pod} to finish its five attempts`,
    () => {
      const lines = podnet(['logs', '-n', ns, pod]).out.match(/attempt \d: \w+/g);
      return lines && lines.length === 5 ? lines : undefined;
    },
    30_000,
  );

describeAsRoot('NetworkPolicy enforced on a running cluster', () => {
  let server = '';

  beforeAll(async () => {
    const up = podnet(['up', '--nodes', '2', '--api-port', '0']);
    expect(up.code, up.err).toBe(0);
    expect(up.out).toContain('NetworkPolicy enforced');
    apply(`apiVersion: v1
kind: Namespace
metadata: {name: open}
${netexec('open', 'server', 'node-1')}`);
    server = await podIP('open', 'server');
    await until('open/server to answer', () => (connects('open', 'server', server) ? true : undefined));
  }, 60_000);

  afterAll(async () => {
    podnet(['down']);
    podnet(['down'], 'tpoloff');
    expect(await leakedNetns(`pn-${name}-`)).toEqual([]);
    expect(await leakedNetns('pn-tpoloff-')).toEqual([]);
    expect(rootNamespaceLeaks()).toEqual({ links: [], tables: [] });
    rmSync(stateRoot, { recursive: true, force: true });
  });

  it('no window: under a default deny a new pod fails from its first packet; an allowed pod connects on its first try', async () => {
    apply(`apiVersion: v1
kind: Namespace
metadata: {name: nw}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-egress, namespace: nw}
spec: {podSelector: {}, policyTypes: [Egress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-egress-ok, namespace: nw}
spec:
  podSelector: {matchLabels: {role: ok}}
  policyTypes: [Egress]
  egress: [{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: open}}}]}]
${dialer('nw', 'denied-1', 'node-1', '{role: no}', server)}${dialer('nw', 'denied-2', 'node-2', '{role: no}', server)}${dialer('nw', 'allowed-1', 'node-1', '{role: ok}', server)}${dialer('nw', 'allowed-2', 'node-2', '{role: ok}', server)}`);
    // Same node as the server and across nodes.
    for (const pod of ['denied-1', 'denied-2'])
      expect(await attempts('nw', pod)).toEqual([1, 2, 3, 4, 5].map((i) => `attempt ${i}: failed`));
    for (const pod of ['allowed-1', 'allowed-2'])
      expect(await attempts('nw', pod)).toEqual([1, 2, 3, 4, 5].map((i) => `attempt ${i}: connected`));

    // The very first packet of a denied pod met its policy (not an unknown-pod guard): the
    // flow names the isolating policy, and so do the Prometheus counters.
    const flows = await until('the denied flows of nw/denied-2', () => {
      const r = podnet(['flows', '--pod', 'nw/denied-2', '--verdict', 'denied', '-o', 'json']);
      const list = r.code === 0 ? (JSON.parse(r.out) as { flows: Record<string, unknown>[] }).flows : [];
      return list.length >= 5 ? list : undefined;
    });
    expect(flows).toHaveLength(5); // one per attempt: retransmitted SYNs are not new attempts
    for (const f of flows)
      expect(f).toMatchObject({
        node: 'node-2',
        direction: 'egress',
        srcPod: 'nw/denied-2',
        dst: server,
        dstPod: 'open/server',
        port: 80,
        protocol: 'TCP',
        verdict: 'denied',
        policies: ['nw/deny-egress'],
        rule: 'isolated by nw/deny-egress',
      });
    const allowed = podnet(['flows', '--pod', 'nw/allowed-1', '--verdict', 'allowed', '-o', 'json']);
    expect((JSON.parse(allowed.out) as { flows: unknown[] }).flows[0]).toMatchObject({
      rule: 'egress rule 1 of nw/allow-egress-ok',
      policies: ['nw/allow-egress-ok'],
    });
    const kubeconfig = join(stateRoot, name, 'kubeconfig');
    const metrics = spawnSync('kubectl', ['--kubeconfig', kubeconfig, 'get', '--raw', '/metrics'], {
      encoding: 'utf8',
    });
    expect(metrics.status, metrics.stderr).toBe(0);
    expect(metrics.stdout).toContain(
      'podnet_networkpolicy_flows_total{node="node-2",direction="egress",policy="nw/deny-egress",verdict="denied"} 5',
    );
  }, 90_000);

  it('a label change on a pod or a namespace takes effect without touching the policies', async () => {
    apply(`apiVersion: v1
kind: Namespace
metadata: {name: lbl}
---
apiVersion: v1
kind: Namespace
metadata: {name: other}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-clients, namespace: lbl}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{podSelector: {matchLabels: {role: client}}}]
  - from: [{namespaceSelector: {matchLabels: {team: blue}}}]
${netexec('lbl', 'web', 'node-2', '{app: web}')}${netexec('lbl', 'client', 'node-1')}${netexec('other', 'visitor', 'node-2')}`);
    const web = await podIP('lbl', 'web');
    await podIP('lbl', 'client');
    await podIP('other', 'visitor');
    const policyVersion = () =>
      (
        JSON.parse(podnet(['get', 'networkpolicy', 'web-from-clients', '-n', 'lbl', '-o', 'json']).out) as {
          metadata: { resourceVersion: string };
        }
      ).metadata.resourceVersion;
    const before = policyVersion();
    await until('lbl/client to be running', () => (connects('lbl', 'client', server) ? true : undefined));
    expect(connects('lbl', 'client', web)).toBe(false);
    expect(connects('other', 'visitor', web)).toBe(false);
    // "Traffic to and from the node where a Pod is running is always allowed" (kubernetes.io):
    // web's node reaches it through the policy; the other node is just an address.
    const fromNode = (n: number) =>
      spawnSync('ip', [
        'netns',
        'exec',
        `pn-${name}-node-${n}`,
        'timeout',
        '1',
        'bash',
        '-c',
        `echo > /dev/tcp/${web}/80`,
      ]).status === 0;
    expect(fromNode(2)).toBe(true);
    expect(fromNode(1)).toBe(false);

    apply(netexec('lbl', 'client', 'node-1', '{role: client}'));
    await until(
      'the pod label to allow lbl/client',
      () => (connects('lbl', 'client', web) ? true : undefined),
      5000,
    );
    apply(`apiVersion: v1
kind: Namespace
metadata: {name: other, labels: {team: blue}}`);
    await until(
      'the namespace label to allow other/visitor',
      () => (connects('other', 'visitor', web) ? true : undefined),
      5000,
    );
    expect(policyVersion()).toBe(before);
  }, 60_000);

  it('the flow log survives its NFLOG reader being killed', async () => {
    const readers = () =>
      spawnSync('ip', ['netns', 'pids', `pn-${name}-node-2`], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter((pid) => pid && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'tcpdump')
        .map(Number);
    const [before] = readers();
    expect(before).toBeGreaterThan(0);
    process.kill(before, 'SIGKILL'); // a tcpdump this test's cluster started
    const after = await until('the agent to start a new reader', () => readers().find((p) => p !== before));
    expect(after).not.toBe(before);
    const web = await podIP('lbl', 'web');
    expect(connects('open', 'server', web)).toBe(false); // open/server is no client of lbl/web
    await until('the denied flow after the restart', () => {
      const r = podnet(['flows', '--pod', 'open/server', '--verdict', 'denied', '-o', 'json']);
      return r.code === 0 && (JSON.parse(r.out) as { flows: unknown[] }).flows.length > 0 ? true : undefined;
    });
  }, 30_000);

  it('--policy off enforces nothing, and lint says the policies have no effect', async () => {
    const up = podnet(['up', '--nodes', '1', '--api-port', '0', '--policy', 'off'], 'tpoloff');
    expect(up.code, up.err).toBe(0);
    expect(up.out).toContain('NetworkPolicy NOT enforced');
    apply(
      `apiVersion: v1
kind: Namespace
metadata: {name: x}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: x}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
${netexec('x', 'a', 'node-1')}${netexec('x', 'b', 'node-1')}`,
      'tpoloff',
    );
    const b = await podIP('x', 'b', 'tpoloff');
    await podIP('x', 'a', 'tpoloff');
    await until('x/a to reach x/b', () => (connects('x', 'a', b, 80, 'tpoloff') ? true : undefined));
    const tables = spawnSync('ip', ['netns', 'exec', 'pn-tpoloff-node-1', 'nft', 'list', 'tables'], {
      encoding: 'utf8',
    }).stdout;
    expect(tables).not.toContain('pn-tpoloff-policy');
    const lint = podnet(['lint', '-o', 'json'], 'tpoloff');
    expect(
      (JSON.parse(lint.out) as { findings: { code: string; object: string }[] }).findings,
    ).toContainEqual(expect.objectContaining({ code: 'PN109', object: 'NetworkPolicy/x/deny-all' }));
    expect(podnet(['lint', '-o', 'json']).out).not.toContain('PN109');
    const verify = podnet(['verify', '-n', 'x', '--port', '80'], 'tpoloff');
    expect(verify.code).toBe(1); // the prediction denies, the unenforced network lets it through
    expect(verify.out).toContain('does not enforce NetworkPolicy (podnet up --policy off)');
    expect(podnet(['down'], 'tpoloff').code).toBe(0);
  }, 60_000);
});
