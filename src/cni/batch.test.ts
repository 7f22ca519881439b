import { describe, expect, it } from 'vitest';
import { batchAttacher, type BatchHost, type SandboxRequest } from './batch.js';
import type { BridgeHost } from './bridge/host.js';
import { bridgePlugin } from './bridge/plugin.js';
import { podnetConflist, referenceConflist } from './conflists.js';
import { FakeStore } from './host-local/fake-store.js';
import { hostLocalPlugin } from './host-local/plugin.js';
import { Invoker, type PluginRunner } from './invoke.js';
import { dispatch } from './skel.js';
import type { Result } from './types.js';

const BRIDGE_MAC = '02:aa:00:00:00:01';
const list = podnetConflist('10.244.0.0/24', { name: 'podnet', mtu: 1450 });
const req = (n: number): SandboxRequest => ({
  netnsName: `pn-t-pod-${n}`,
  rt: {
    containerID: `uid-${n}`,
    netns: `/run/netns/pn-t-pod-${n}`,
    ifName: 'eth0',
    args: { K8S_POD_NAME: `p${n}` },
  },
});

/** Records what it is asked; `fail` makes ip's batch fail at that line, as ip reports it. */
function fakeHost(o: { fail?: number; existing?: string[]; root?: boolean } = {}) {
  const log: string[] = [];
  const host: BatchHost = {
    inRootNetns: async () => !!o.root,
    netnsExists: async (n) => (o.existing ?? []).includes(n),
    ipBatchIdempotent: async (s) => void log.push(`bridge: ${s.trim()}`),
    withScratchDir: (fn) => fn('/scratch'),
    writeFiles: async (fs) => void log.push(`files: ${fs.map((f) => f.path).join(' ')}`),
    async ipBatchJson(script) {
      log.push(`batch: ${script.trim().split('\n').length} lines`);
      if (o.fail)
        throw new Error(`ip -j -batch -: exit 1: RTNETLINK answers: File exists\nCommand failed -:${o.fail}`);
      return JSON.stringify([{ ifname: 'pn-br0', address: BRIDGE_MAC }]);
    },
    ipBatchForce: async (s) => void log.push(`rollback: ${s.trim().replaceAll('\n', '; ')}`),
    enableForwarding: async () => void log.push('forwarding'),
  };
  return { host, log };
}

/** The same pods through the CNI protocol: Invoker -> skel -> podnet-bridge -> podnet-host-local. */
async function viaPlugin(reqs: SandboxRequest[]): Promise<Result[]> {
  const store = new FakeStore();
  const ipam = hostLocalPlugin(() => store);
  const host: BridgeHost = {
    inRootNetns: async () => false,
    netnsExists: async () => true,
    ipBatch: async () => undefined,
    ipBatchIdempotent: async () => undefined,
    link: async () => ({ ifindex: 2, mac: BRIDGE_MAC }),
    deleteLink: async () => undefined,
    addresses: async () => [],
    routes: async () => [],
    enableForwarding: async () => undefined,
    async delegate(_type, command, _path, env, stdin) {
      let out = '';
      await dispatch(ipam, {
        env: { ...env, CNI_COMMAND: command },
        stdin,
        stdout: (t) => (out += t),
        stderr: () => {},
      });
      return out ? (JSON.parse(out) as Result) : null;
    },
  };
  const runner: PluginRunner = {
    find: async (type) => type,
    async run(r) {
      let stdout = '';
      const code = await dispatch(bridgePlugin(host), {
        env: r.env,
        stdin: r.stdin,
        stdout: (t) => (stdout += t),
        stderr: () => {},
      });
      return { code, stdout, stderr: '' };
    },
  };
  const inv = new Invoker({ cniPath: ['/x'], runner });
  const out: Result[] = [];
  for (const r of reqs) out.push(await inv.add(list, r.rt));
  return out;
}

describe('batchAttacher', () => {
  it("serves podnet's own conflist only", () => {
    const b = batchAttacher(fakeHost().host, () => new FakeStore());
    expect(b.supports(list)).toBe(true);
    expect(b.supports(referenceConflist('10.244.0.0/24'))).toBe(false);
  });

  it('gives each pod the Result an ADD through the CNI protocol gives it', async () => {
    const { host, log } = fakeHost();
    const reqs = [req(1), req(2), req(3)];
    const got = await batchAttacher(host, () => new FakeStore()).add(list, reqs);
    expect(got).toEqual(await viaPlugin(reqs));
    expect(got.map((r) => r.ips?.[0].address)).toEqual(['10.244.0.2/24', '10.244.0.3/24', '10.244.0.4/24']);
    expect(log).toEqual([
      'files: /scratch/pn-t-pod-1 /scratch/pn-t-pod-2 /scratch/pn-t-pod-3',
      'bridge: link add pn-br0 mtu 1450 type bridge',
      'batch: 21 lines',
      'forwarding',
    ]);
  });

  it('on failure undoes every pod of the batch, releases the addresses and names the pod', async () => {
    const { host, log } = fakeHost({ fail: 11 }); // 3 netns adds, 2 gateway lines, pod 1's 5: pod 2's first
    const store = new FakeStore();
    const err = await batchAttacher(host, () => store)
      .add(list, [req(1), req(2), req(3)])
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 999, details: expect.stringMatching(/^at pod netns pn-t-pod-2: /) });
    expect(log.at(-1)).toMatch(
      /^rollback: link del dev pn-v\w+; link del dev pn-v\w+; link del dev pn-v\w+; netns del pn-t-pod-1; netns del pn-t-pod-2; netns del pn-t-pod-3$/,
    );
    expect(await store.list()).toEqual([]);
  });

  it('creates the bridge once, and again after a failed batch', async () => {
    const failing = { fail: 0 };
    const { host, log } = fakeHost(failing);
    const b = batchAttacher(host, () => new FakeStore());
    const bridgeRuns = () => log.filter((l) => l.startsWith('bridge:')).length;
    await b.add(list, [req(1)]);
    await b.add(list, [req(2)]);
    expect(bridgeRuns()).toBe(1);
    failing.fail = 3;
    await expect(b.add(list, [req(3)])).rejects.toMatchObject({ code: 999 });
    failing.fail = 0;
    await b.add(list, [req(4)]);
    expect(bridgeRuns()).toBe(2);
  });

  const untouched: Array<{ name: string; o: Parameters<typeof fakeHost>[0]; code: number }> = [
    { name: 'a netns that exists already', o: { existing: ['pn-t-pod-2'] }, code: 4 },
    { name: 'the root netns', o: { root: true }, code: 100 },
  ];
  it.each(untouched)('refuses $name before touching anything', async ({ o, code }) => {
    const { host, log } = fakeHost(o);
    const store = new FakeStore();
    await expect(batchAttacher(host, () => store).add(list, [req(1), req(2)])).rejects.toMatchObject({
      code,
    });
    expect(log).toEqual([]);
    expect(await store.list()).toEqual([]);
  });
});
