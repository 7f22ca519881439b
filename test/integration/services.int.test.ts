// Services and cluster DNS with real packets (issue 5): the nftables service proxy on every node,
// EndpointSlices following pod readiness, the DNS server pod behind kube-dns, port-forward, and
// `podnet trace` / `podnet dns` agreeing with what packets and DNS answers did. Root only; one
// cluster `tsvc` with its own state root; nothing may be left behind.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeAsRoot, leakedNetns, rootNamespaceLeaks } from '../support/root.js';

const root = join(import.meta.dirname, '..', '..');
const stateRoot = mkdtempSync(join(tmpdir(), 'podnet-svc-'));
const NAME = 'tsvc';
const EXTERNAL_IP = '172.18.0.100';
const NODE_IPS = ['172.18.0.2', '172.18.0.3'];

function podnet(args: string[]) {
  // --name right after the command word: after `--` it would belong to the command run in a pod.
  const r = spawnSync(join(root, 'bin', 'podnet'), [args[0], '--name', NAME, ...args.slice(1)], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, PODNET_STATE_ROOT: stateRoot, NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** `podnet exec POD -- ...` (or `external`, `node/N`); stdout trimmed. */
const exec = (from: string, cmd: string[]) => podnet(['exec', from, '--', ...cmd]);
const curl = (from: string, url: string, timeout = 3) =>
  exec(from, ['curl', '-s', '-m', String(timeout), url]);

/** A record as `name TYPE data`, names without their trailing dot. */
const normalize = (record: string) =>
  record
    .split(' ')
    .map((t) => t.replace(/\.$/, ''))
    .join(' ');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => T | undefined, ms = 15000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

interface PodJson {
  metadata: { name: string; namespace: string };
  spec: { nodeName?: string };
  status?: { podIP?: string; conditions?: { type: string; status: string }[] };
}
interface SvcJson {
  spec: { clusterIP: string; ports: { port: number; nodePort?: number }[] };
  status?: { loadBalancer?: { ingress?: { ip: string }[] } };
}

const getJson = <T>(args: string[]) => {
  const r = podnet(['get', ...args, '-o', 'json']);
  return r.code === 0 ? (JSON.parse(r.out) as T) : undefined;
};
const readyPods = () =>
  (getJson<{ items: PodJson[] }>(['pods'])?.items ?? []).filter((p) =>
    p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
const service = (name: string) => getJson<SvcJson>(['service', name])!;

/** The LoadBalancer Service `web-ranges`, open to `range` only. */
const rangesService = (range: string) => `apiVersion: v1
kind: Service
metadata: {name: web-ranges}
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: [${range}]
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;

const manifests = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: registry.k8s.io/e2e-test-images/agnhost:2.52
        args: [netexec, --http-port=8080, --udp-port=8081]
        ports: [{name: http, containerPort: 8080}, {name: udp, containerPort: 8081, protocol: UDP}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http}
  - {name: udp, port: 81, targetPort: udp, protocol: UDP}
---
apiVersion: v1
kind: Service
metadata: {name: web-np}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web-local}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web-lb}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
${rangesService('172.18.0.100/32')}---
apiVersion: v1
kind: Service
metadata: {name: sticky}
spec:
  selector: {app: web}
  sessionAffinity: ClientIP
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: nobody}
spec:
  selector: {app: none}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: web-headless}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: search}
spec:
  type: ExternalName
  externalName: www.example.com
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  nodeName: node-1
  containers: [{name: c, image: busybox}]
---
apiVersion: v1
kind: Pod
metadata: {name: web-extra, labels: {app: web}}
spec:
  nodeName: node-1
  containers:
  - name: web
    image: registry.k8s.io/e2e-test-images/agnhost:2.52
    args: [netexec, --http-port=8080, --udp-port=8081]
    ports: [{name: http, containerPort: 8080}, {name: udp, containerPort: 8081, protocol: UDP}]
---
apiVersion: v1
kind: Pod
metadata: {name: flaky, labels: {app: flaky}}
spec:
  nodeName: node-2
  containers:
  - name: web
    image: registry.k8s.io/e2e-test-images/agnhost:2.52
    args: [netexec, --http-port=8080]
    ports: [{containerPort: 8080}]
    readinessProbe:
      exec: {command: [test, -e, /tmp/podnet-tsvc-flaky-ready]}
      periodSeconds: 1
---
apiVersion: v1
kind: Service
metadata: {name: flaky}
spec:
  selector: {app: flaky}
  ports: [{port: 80, targetPort: 8080}]
`;

describeAsRoot('Services and cluster DNS on a local cluster', () => {
  let webPods: { name: string; ip: string; node: string }[] = [];

  beforeAll(async () => {
    writeFileSync('/tmp/podnet-tsvc-flaky-ready', '');
    const up = podnet(['up', '--api-port', '0']);
    expect(up.code, up.err).toBe(0);
    const file = join(stateRoot, 'svc.yaml');
    writeFileSync(file, manifests);
    const apply = podnet(['apply', '-f', file]);
    expect(apply.code, apply.err).toBe(0);
    await until('6 Ready pods', () => readyPods().length === 6, 30000);
    webPods = readyPods()
      .filter((p) => p.metadata.name.startsWith('web-'))
      .map((p) => ({ name: p.metadata.name, ip: p.status!.podIP!, node: p.spec.nodeName! }));
    // Ready pods reach the proxies through their EndpointSlice a moment later (as with kube-proxy):
    // the tests start once the Service has answered; from then on every request must succeed.
    const ip = service('web').spec.clusterIP;
    await until('the web Service to answer', () => curl('client', `http://${ip}/hostname`).out || undefined);
  }, 60000);

  afterAll(async () => {
    const down = podnet(['down']);
    rmSync('/tmp/podnet-tsvc-flaky-ready', { force: true });
    expect(down.code, down.err).toBe(0);
    expect(await leakedNetns(`pn-${NAME}-`)).toEqual([]);
    expect(rootNamespaceLeaks()).toEqual({ links: [], tables: [] });
    rmSync(stateRoot, { recursive: true, force: true });
  });

  /** The backends that answered `n` requests to `url` from `from`. */
  function backends(from: string, url: string, n: number): Set<string> {
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) {
      const r = curl(from, url);
      seen.add(r.code === 0 ? r.out : `curl exit ${r.code} ${r.err.trim()}`);
    }
    return seen;
  }

  it('reaches a ClusterIP Service by address and by every DNS name form, across nodes', () => {
    const ip = service('web').spec.clusterIP;
    const names = webPods.map((p) => p.name).sort();
    expect([...backends('client', `http://${ip}/hostname`, 30)].sort()).toEqual(names);
    for (const host of ['web', 'web.default', 'web.default.svc', 'web.default.svc.cluster.local'])
      expect(names, host).toContain(curl('client', `http://${host}/hostname`).out);
  });

  it('carries UDP through the Service (the datagram reaches a web pod and comes back)', () => {
    const ip = service('web').spec.clusterIP;
    const r = exec('client', [
      'bash',
      '-c',
      `exec 3<>/dev/udp/${ip}/81; echo -n hostname >&3; timeout 3 dd bs=512 count=1 status=none <&3`,
    ]);
    expect(webPods.map((p) => p.name)).toContain(r.out.trim());
  });

  it('reaches a ClusterIP from the node itself', () => {
    const ip = service('web').spec.clusterIP;
    expect(webPods.map((p) => p.name)).toContain(curl('node/node-1', `http://${ip}/hostname`).out);
  });

  it('NodePort from outside: every node accepts, Cluster policy masquerades to the node address', () => {
    const port = service('web-np').spec.ports[0].nodePort!;
    for (const nodeIP of NODE_IPS) {
      const seen = curl('external', `http://${nodeIP}:${port}/clientip`).out.split(':')[0];
      expect(NODE_IPS).toContain(seen);
    }
  });

  it('LoadBalancer: an address from the pool in status, announced on the fabric; Local keeps the client address', () => {
    const lb = service('web-lb').status?.loadBalancer?.ingress?.[0]?.ip;
    expect(lb).toMatch(/^172\.18\.255\.\d+$/);
    expect(NODE_IPS).toContain(curl('external', `http://${lb}/clientip`).out.split(':')[0]);
    const local = service('web-local').status?.loadBalancer?.ingress?.[0]?.ip;
    expect(curl('external', `http://${local}/clientip`).out.split(':')[0]).toBe(EXTERNAL_IP);
  });

  it('loadBalancerSourceRanges: other sources are dropped as podnet trace predicts, the NodePort stays open, a change applies', async () => {
    const svc = service('web-ranges');
    const lb = svc.status?.loadBalancer?.ingress?.[0]?.ip;
    /** Whether `from` reached the LoadBalancer IP, and whether `podnet trace` said it would. */
    const fate = (from: string) => {
      const trace = JSON.parse(podnet(['trace', from, `${lb}:80`, '-o', 'json']).out) as { verdict: string };
      return {
        from,
        reached: curl(from, `http://${lb}/hostname`, 2).code === 0,
        predicted: trace.verdict === 'allowed',
      };
    };
    const sources = ['external', 'client', 'node/node-1'];
    expect(sources.map(fate)).toEqual([
      { from: 'external', reached: true, predicted: true },
      { from: 'client', reached: false, predicted: false },
      { from: 'node/node-1', reached: false, predicted: false },
    ]);
    expect(curl('external', `http://${NODE_IPS[1]}:${svc.spec.ports[0].nodePort}/hostname`).code).toBe(0);

    const file = join(stateRoot, 'ranges.yaml');
    writeFileSync(file, rangesService('10.244.0.0/16'));
    expect(podnet(['apply', '-f', file]).code).toBe(0);
    await until('the client pod to get in', () => curl('client', `http://${lb}/hostname`, 2).code === 0);
    expect(sources.map(fate)).toEqual([
      { from: 'external', reached: false, predicted: false },
      { from: 'client', reached: true, predicted: true },
      { from: 'node/node-1', reached: false, predicted: false },
    ]);
  });

  it('LoadBalancer IP moving to another node: clients learn the new node by gratuitous ARP', async () => {
    const mover = (name: string, node: string) => `---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: mover}}
spec:
  nodeName: ${node}
  containers:
  - {name: web, image: registry.k8s.io/e2e-test-images/agnhost:2.52, args: [netexec, --http-port=8080], ports: [{containerPort: 8080}]}
`;
    const file = join(stateRoot, 'mover.yaml');
    // Local policy: the node with the ready endpoint announces the address.
    writeFileSync(
      file,
      `apiVersion: v1
kind: Service
metadata: {name: mover}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  selector: {app: mover}
  ports: [{port: 80, targetPort: 8080}]
${mover('mover-1', 'node-1')}`,
    );
    expect(podnet(['apply', '-f', file]).code).toBe(0);
    const lb = await until(
      'mover to get an address',
      () => service('mover').status?.loadBalancer?.ingress?.[0]?.ip,
    );
    await until(
      'mover-1 to answer through the LoadBalancer',
      () => curl('external', `http://${lb}/hostname`, 1).out === 'mover-1',
    );
    const macOf = (node: number) =>
      (
        JSON.parse(
          spawnSync('ip', ['-n', `pn-${NAME}-node-${node}`, '-j', 'link', 'show', 'eth0'], {
            encoding: 'utf8',
          }).stdout,
        ) as { address: string }[]
      )[0].address;
    const cached = () => /lladdr (\S+)/.exec(exec('external', ['ip', 'neigh', 'show', lb]).out)?.[1];
    expect(cached()).toBe(macOf(1));

    expect(podnet(['delete', 'pod', 'mover-1', '--grace-period', '0']).code).toBe(0);
    writeFileSync(file, mover('mover-2', 'node-2'));
    expect(podnet(['apply', '-f', file]).code).toBe(0);
    // No packet from the client in between: only node-2's unsolicited ARP can change its cache.
    await until("external's ARP cache to name node-2", () => cached() === macOf(2), 20_000);
    expect(curl('external', `http://${lb}/hostname`).out).toBe('mover-2');
  });

  it('sessionAffinity ClientIP keeps one backend', () => {
    const ip = service('sticky').spec.clusterIP;
    expect(backends('client', `http://${ip}/hostname`, 10).size).toBe(1);
  });

  it('hairpin: a pod reaches itself through its Service', () => {
    const ip = service('flaky').spec.clusterIP;
    expect(curl('flaky', `http://${ip}/hostname`).out).toBe('flaky');
  });

  it('a Service without endpoints rejects at once; an undefined port of a ClusterIP too', () => {
    for (const url of [
      `http://${service('nobody').spec.clusterIP}/`,
      `http://${service('web').spec.clusterIP}:9/`,
    ]) {
      const t0 = Date.now();
      const r = curl('client', url, 5);
      expect(r.code, url).not.toBe(0);
      expect(Date.now() - t0, url).toBeLessThan(2000); // a reject, not a 5 s timeout
    }
  });

  it('an unready pod leaves the rotation and comes back when ready', async () => {
    const ip = service('flaky').spec.clusterIP;
    expect(curl('client', `http://${ip}/hostname`).out).toBe('flaky');
    rmSync('/tmp/podnet-tsvc-flaky-ready');
    await until('flaky out of rotation', () => curl('client', `http://${ip}/hostname`, 1).code !== 0);
    writeFileSync('/tmp/podnet-tsvc-flaky-ready', '');
    await until('flaky back', () => curl('client', `http://${ip}/hostname`, 1).out === 'flaky');
  });

  it('a deleted pod leaves the rotation', async () => {
    const ip = service('web').spec.clusterIP;
    expect(backends('client', `http://${ip}/hostname`, 40).has('web-extra')).toBe(true);
    expect(podnet(['delete', 'pod', 'web-extra']).code).toBe(0);
    await until('web-extra gone', () => !readyPods().some((p) => p.metadata.name === 'web-extra'));
    expect(backends('client', `http://${ip}/hostname`, 20).has('web-extra')).toBe(false);
    webPods = webPods.filter((p) => p.name !== 'web-extra');
  });

  it('dig from a pod answers like podnet dns: A, SRV, PTR, CNAME, headless, pods, NXDOMAIN vs NODATA', () => {
    const questions: [string, string][] = [
      ['web.default.svc.cluster.local', 'A'],
      ['_http._tcp.web.default.svc.cluster.local', 'SRV'],
      ['web-headless.default.svc.cluster.local', 'A'],
      ['search.default.svc.cluster.local', 'CNAME'],
      ['missing.default.svc.cluster.local', 'A'],
      ['web.default.svc.cluster.local', 'AAAA'],
      [`${webPods[1].ip.replaceAll('.', '-')}.default.pod.cluster.local`, 'A'],
      [webPods[1].ip.split('.').reverse().join('.') + '.in-addr.arpa', 'PTR'],
    ];
    for (const [qname, type] of questions) {
      const dig = exec('client', ['dig', '+norec', '+time=2', '+tries=1', qname, type]);
      const status = /status: (\w+)/.exec(dig.out)?.[1];
      const answers = (dig.out.split('\n;; ANSWER SECTION:\n')[1]?.split('\n\n')[0].split('\n') ?? [])
        .map((l) => l.split(/\s+/))
        .map((f) => normalize(`${f[0]} ${f[3]} ${f.slice(4).join(' ')}`))
        .sort();
      const predicted = JSON.parse(podnet(['dns', qname, '--type', type, '-o', 'json']).out) as {
        rcode: string;
        answers: { name: string; type: string; data: string }[];
      };
      expect(status, `${qname} ${type}`).toBe(predicted.rcode);
      const want = predicted.answers.map((a) => normalize(`${a.name} ${a.type} ${a.data}`)).sort();
      expect(answers, `${qname} ${type}`).toEqual(want);
    }
  });

  it('names outside the cluster fail at once with SERVFAIL (no upstream configured)', () => {
    const t0 = Date.now();
    const dig = exec('client', ['dig', '+time=3', '+tries=1', 'example.com', 'A']);
    expect(/status: (\w+)/.exec(dig.out)?.[1]).toBe('SERVFAIL');
    expect(Date.now() - t0).toBeLessThan(2500);
  });

  it('podnet trace for a Service names the endpoints the packets reached', () => {
    const trace = JSON.parse(podnet(['trace', 'client', 'web', '--port', '80', '-o', 'json']).out) as {
      verdict: string;
      hops: { step: string; detail: string }[];
    };
    expect(trace.verdict).toBe('allowed');
    const ip = service('web').spec.clusterIP;
    const reached = backends('client', `http://${ip}/hostname`, 15);
    const endpoints = JSON.stringify(trace.hops.filter((h) => h.step === 'endpoint'));
    for (const pod of reached) expect(endpoints).toContain(pod);
  });

  it('port-forward svc/web carries connections from 127.0.0.1 into the cluster', async () => {
    const child = spawn(join(root, 'bin', 'podnet'), ['port-forward', 'svc/web', ':80', '--name', NAME], {
      env: { ...process.env, PODNET_STATE_ROOT: stateRoot },
    });
    try {
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      const port = await until('Forwarding from', () => /127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
      const body = await (await fetch(`http://127.0.0.1:${port}/hostname`)).text();
      expect(readyPods().map((p) => p.metadata.name)).toContain(body);
    } finally {
      child.kill('SIGINT');
    }
    expect(existsSync(join(stateRoot, NAME))).toBe(true);
  });
});
