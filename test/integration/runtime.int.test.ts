// Pod runtime for real: two pod namespaces joined by a veth pair (addresses only inside them),
// built-in netexec in `a` probed from `b`, sandboxing read from /proc, restarts, probes, stop.
// Needs `npm run build` first (pods run dist/main/workload.js).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../../src/api/types.js';
import { execCapture } from '../../src/host/exec.js';
import { createNetns, deleteNetns, ipBatch } from '../../src/host/netns.js';
import { defaultRunner, PodRuntime } from '../../src/runtime/pod.js';
import { execInPod } from '../../src/runtime/process.js';
import { describeAsRoot, leakedNetns } from '../support/root.js';

const A = 'pn-trt-a';
const B = 'pn-trt-b';
const AGNHOST = 'registry.k8s.io/e2e-test-images/agnhost:2.47';
const backoff = { initialMs: 100, maxMs: 400, resetAfterMs: 60_000 };

const pod = (name: string, spec: Pod['spec']): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec,
});
const inB = (argv: string[]) => execCapture(argv, { netns: B, timeoutMs: 10_000 });
/** Running (a zombie waiting for init to reap it is not). */
const alive = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0] !== 'Z';
  } catch {
    return false;
  }
};

async function until(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A UDP round trip from namespace b (node's dgram cannot switch namespaces in-process). */
async function udpFromB(msg: string, port = 8081): Promise<string> {
  const script = `const s=require('dgram').createSocket('udp4');s.on('message',m=>{process.stdout.write(m);process.exit(0)});s.send(process.argv[1],${port},'10.99.0.1');setTimeout(()=>process.exit(3),3000)`;
  const r = await inB([process.execPath, '-e', script, msg]);
  return r.stdout;
}

describeAsRoot('pod runtime (root: real namespaces and processes)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'pn-trt-state-'));
  chmodSync(stateDir, 0o755); // the probes' `test -e` runs as nobody
  const readyFile = join(stateDir, 'ready');
  const liveFile = join(stateDir, 'live');
  const runtimes: PodRuntime[] = [];
  const pids = new Set<number>();
  let web: PodRuntime;

  const start = async (p: Pod) => {
    const rt = await PodRuntime.start({ pod: p, netns: A, podIP: '10.99.0.1', stateDir, backoff });
    runtimes.push(rt);
    return rt;
  };

  beforeAll(async () => {
    if (!existsSync(defaultRunner().workloadScript))
      throw new Error('run `npm run build` first: dist/main/workload.js is missing');
    await createNetns(A);
    await createNetns(B);
    // The veth pair is created inside `a`, its peer moved straight into `b`: nothing in the root namespace.
    await ipBatch(
      A,
      'link add eth0 type veth peer name eth0 netns pn-trt-b\naddr add 10.99.0.1/24 dev eth0\nlink set eth0 up\n',
    );
    await ipBatch(B, 'addr add 10.99.0.2/24 dev eth0\nlink set eth0 up\n');
    writeFileSync(readyFile, '');
    writeFileSync(liveFile, '');
    web = await start(
      pod('web', {
        containers: [
          {
            name: 'netexec',
            image: AGNHOST,
            args: ['netexec', '--http-port=8080', '--udp-port=8081'],
            readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1 },
          },
          {
            name: 'nginx',
            image: 'nginx',
            ports: [{ containerPort: 80 }],
            readinessProbe: {
              exec: { command: ['test', '-e', readyFile] },
              periodSeconds: 1,
              failureThreshold: 1,
            } as never,
          },
        ],
      }),
    );
    await until(
      'netexec answers',
      async () =>
        (await inB(['curl', '-s', '--max-time', '1', 'http://10.99.0.1:8080/hostname'])).stdout === 'web',
    );
  });

  afterAll(async () => {
    for (const rt of runtimes) {
      for (const p of rt.pids()) pids.add(p);
      await rt.stop(2000);
    }
    await deleteNetns(A);
    await deleteNetns(B);
    rmSync(stateDir, { recursive: true, force: true });
    expect([...pids].filter(alive)).toEqual([]);
    expect(await leakedNetns('pn-trt-')).toEqual([]);
  });

  it('serves HTTP like agnhost netexec to another namespace', async () => {
    const get = async (path: string, port = 8080) =>
      (await inB(['curl', '-s', '--max-time', '2', `http://10.99.0.1:${port}${path}`])).stdout;
    expect(await get('/hostname')).toBe('web');
    expect(await get('/clientip')).toMatch(/^10\.99\.0\.2:\d+$/);
    expect(await get('/echo?msg=hi')).toBe('hi');
    expect(await get('/anything')).toBe('web');
    expect(await get('/hostname', 80)).toBe('web'); // port 80 bound by uid 65534 (ip_unprivileged_port_start=0)
  });

  it('answers UDP datagrams', async () => {
    expect(await udpFromB('hostname')).toBe('web');
    expect(await udpFromB('echo hello')).toBe('hello');
    expect(await udpFromB('clientip')).toMatch(/^10\.99\.0\.2:\d+$/);
  });

  it('runs containers as nobody with no capabilities and no_new_privs, in their own process group', () => {
    for (const pid of web.pids()) {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      expect(status).toMatch(/^Uid:\s+65534\s+65534\s+65534\s+65534$/m);
      expect(status).toMatch(/^CapEff:\s+0+$/m);
      expect(status).toMatch(/^CapPrm:\s+0+$/m);
      expect(status).toMatch(/^CapBnd:\s+0+$/m);
      expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
      expect(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[2]).toBe(String(pid)); // pgrp
    }
  });

  it('writes container logs', () => {
    const log = readFileSync(join(stateDir, 'pods', 'default_web', 'netexec.log'), 'utf8');
    expect(log).toContain('serving HTTP on TCP port 8080');
  });

  it('exec runs in the pod netns as the pod user', async () => {
    const r = await execInPod(A, ['sh', '-c', 'id -u; ip -o -4 addr show dev eth0']);
    expect(r.stdout).toMatch(/^65534\n.*10\.99\.0\.1\/24/s);
  });

  it('readiness probes flip readiness', async () => {
    await until('pod ready', () => web.status().ready);
    rmSync(readyFile);
    await until(
      'nginx unready',
      () => web.status().containerStatuses.find((c) => c.name === 'nginx')?.ready === false,
    );
    expect(web.status().ready).toBe(false);
    writeFileSync(readyFile, '');
    await until('pod ready again', () => web.status().ready);
  });

  it('restartPolicy Always restarts a crashing command, with back-off', async () => {
    const rt = await start(
      pod('crasher', {
        containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo crashing; exit 3'] }],
      }),
    );
    await until('3 restarts', () => rt.status().containerStatuses[0].restartCount >= 3);
    const log = readFileSync(join(stateDir, 'pods', 'default_crasher', 'c.log'), 'utf8');
    expect(log.match(/crashing/g)!.length).toBeGreaterThanOrEqual(3);
    const s = rt.status().containerStatuses[0];
    expect(JSON.stringify(s.lastState ?? s.state)).toContain('"exitCode":3');
  });

  it('restartPolicy Never leaves a finished container terminated', async () => {
    const rt = await start(
      pod('once', {
        restartPolicy: 'Never',
        containers: [{ name: 'c', image: 'busybox', command: ['true'] }],
      }),
    );
    await until('terminated', () => 'terminated' in rt.status().containerStatuses[0].state);
    await new Promise((r) => setTimeout(r, 300));
    expect(rt.status().containerStatuses[0]).toMatchObject({
      restartCount: 0,
      state: { terminated: { exitCode: 0, reason: 'Completed' } },
    });
  });

  it('a failing liveness probe kills the container and it restarts', async () => {
    const probe = { exec: { command: ['test', '-e', liveFile] }, periodSeconds: 1, failureThreshold: 1 };
    const rt = await start(
      pod('live', {
        containers: [
          { name: 'c', image: 'busybox', command: ['sleep', '1000'], livenessProbe: probe as never },
        ],
      }),
    );
    const first = rt.pids()[0];
    await new Promise((r) => setTimeout(r, 1500));
    expect(rt.status().containerStatuses[0].restartCount).toBe(0); // alive while the file exists
    rmSync(liveFile);
    await until('restart after liveness failure', () => rt.status().containerStatuses[0].restartCount >= 1);
    writeFileSync(liveFile, '');
    expect(alive(first)).toBe(false);
  });

  it('stop leaves no process behind', async () => {
    const rt = await start(
      pod('stopme', {
        containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'sleep 1000 & sleep 1000'] }],
      }),
    );
    await until('running', () => 'running' in rt.status().containerStatuses[0].state);
    const [pid] = rt.pids();
    await new Promise((r) => setTimeout(r, 200));
    const children = (await execCapture(['pgrep', '-g', String(pid)])).stdout.trim().split('\n').map(Number);
    expect(children.length).toBeGreaterThanOrEqual(2);
    await rt.stop(1000);
    await until('group gone', () => children.filter(alive).length === 0, 2000);
  });
});
