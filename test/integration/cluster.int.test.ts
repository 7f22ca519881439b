// podnet up / apply / exec / down end to end, as a user runs them (real namespaces, CNI,
// processes, the API server). Root only; each cluster uses its own name and state root, and
// everything must be gone afterwards: namespaces, /etc/netns entries, processes, state.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeAsRoot, leakedNetns } from '../support/root.js';

const root = join(import.meta.dirname, '..', '..');
const stateRoot = mkdtempSync(join(tmpdir(), 'podnet-state-'));

function podnet(args: string[]) {
  const r = spawnSync(join(root, 'bin', 'podnet'), args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, PODNET_STATE_ROOT: stateRoot, NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const pods = `
apiVersion: v1
kind: Pod
metadata: {name: server, labels: {app: server}}
spec:
  nodeName: node-2
  containers:
  - name: netexec
    image: registry.k8s.io/e2e-test-images/agnhost:2.52
    args: ["netexec", "--http-port=8080", "--udp-port=8081"]
    ports: [{containerPort: 8080}, {containerPort: 8081, protocol: UDP}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  nodeName: node-1
  containers: [{name: sh, image: busybox}]
`;

function workloadProcesses(cluster: string): string[] {
  const out = spawnSync('ps', ['-e', '-o', 'pid=,args='], { encoding: 'utf8' }).stdout;
  return out
    .split('\n')
    .filter(
      (l) =>
        l.includes(`--state-dir ${join(stateRoot, cluster)}`) ||
        (l.includes('workload.js') && l.includes(stateRoot)),
    );
}

async function waitReady(name: string, count: number): Promise<{ name: string; ip: string }[]> {
  for (let i = 0; i < 100; i++) {
    const r = podnet(['get', 'pods', '--name', name, '-o', 'json']);
    const items =
      r.code === 0
        ? (JSON.parse(r.out).items as {
            metadata: { name: string };
            status?: { podIP?: string; conditions?: { type: string; status: string }[] };
          }[])
        : [];
    const ready = items.filter((p) =>
      p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    if (ready.length === count) return ready.map((p) => ({ name: p.metadata.name, ip: p.status!.podIP! }));
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('pods did not become Ready');
}

describeAsRoot('podnet up/down', () => {
  afterAll(async () => {
    for (const name of ['tupvx', 'tupgw']) podnet(['down', '--name', name]);
    expect(await leakedNetns('pn-tup')).toEqual([]);
    expect(
      existsSync('/etc/netns') ? readdirSync('/etc/netns').filter((d) => d.startsWith('pn-tup')) : [],
    ).toEqual([]);
    rmSync(stateRoot, { recursive: true, force: true });
  });

  it.each([
    { name: 'tupvx', backend: 'vxlan', cni: 'podnet' },
    { name: 'tupgw', backend: 'host-gw', cni: 'reference' },
  ])(
    '$backend with $cni CNI: pods on two nodes talk without NAT, and down leaves nothing',
    async ({ name, backend, cni }) => {
      const t0 = Date.now();
      const up = podnet([
        'up',
        '--name',
        name,
        '--nodes',
        '2',
        '--backend',
        backend,
        '--cni',
        cni,
        '--api-port',
        '0',
      ]);
      expect(up.code, up.err).toBe(0);
      const upSeconds = (Date.now() - t0) / 1000;
      process.stderr.write(`podnet up (${backend}, ${cni}): ${upSeconds.toFixed(2)} s\n`);
      expect(upSeconds).toBeLessThan(10);

      expect(podnet(['up', '--name', name]).code).toBe(2); // already up: refused, nothing touched

      const file = join(stateRoot, `${name}-pods.yaml`);
      writeFileSync(file, pods);
      const apply = podnet(['apply', '--name', name, '-f', file]);
      expect(apply.code, apply.err).toBe(0);
      const ready = await waitReady(name, 2);
      const server = ready.find((p) => p.name === 'server')!;
      const client = ready.find((p) => p.name === 'client')!;
      expect(server.ip).toMatch(/^10\.244\.1\./);
      expect(client.ip).toMatch(/^10\.244\.0\./);

      const hostname = podnet([
        'exec',
        'client',
        '--name',
        name,
        '--',
        'curl',
        '-s',
        '-m',
        '5',
        `http://${server.ip}:8080/hostname`,
      ]);
      expect(hostname.out).toBe('server');
      const clientip = podnet([
        'exec',
        'client',
        '--name',
        name,
        '--',
        'curl',
        '-s',
        '-m',
        '5',
        `http://${server.ip}:8080/clientip`,
      ]);
      expect(clientip.out.split(':')[0]).toBe(client.ip); // the flat network: no NAT between pods
      const id = podnet(['exec', 'client', '--name', name, '--', 'id', '-u']);
      expect(id.out.trim()).toBe('65534');

      const down = podnet(['down', '--name', name]);
      expect(down.code, down.err).toBe(0);
      expect(await leakedNetns(`pn-${name}-`)).toEqual([]);
      expect(workloadProcesses(name)).toEqual([]);
      expect(existsSync(join(stateRoot, name))).toBe(false);
    },
  );

  it('refuses bad flags before touching anything', async () => {
    expect(podnet(['up', '--name', 'tupbad', '--backend', 'ethernet']).code).toBe(2);
    expect(podnet(['up', '--name', 'Bad_Name']).code).toBe(2);
    expect(await leakedNetns('pn-tupbad')).toEqual([]);
  });
});
