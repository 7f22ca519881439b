// The agent's batched pod set-up (src/cni/batch.ts) in real namespaces, as root: the pods get
// what an ADD of podnet-bridge gives them, the Result names the kernel's links, the protocol's
// DEL tears a batched pod down, and a failed batch leaves nothing behind. Everything lives in
// pn-tcb-batch-* namespaces and a temp dir.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { batchAttacher, type SandboxRequest } from '../../src/cni/batch.js';
import { execBatchHost } from '../../src/cni/batch-host.js';
import { hostVethName } from '../../src/cni/bridge/plan.js';
import { podnetConflist, PODNET_CNI_DIR } from '../../src/cni/conflists.js';
import { execRunner } from '../../src/cni/exec-runner.js';
import { openDiskStore } from '../../src/cni/host-local/disk-store.js';
import { Invoker } from '../../src/cni/invoke.js';
import { setUpSandboxes } from '../../src/cni/sandboxes.js';
import type { NetConfList, Result } from '../../src/cni/types.js';
import { exec } from '../../src/host/exec.js';
import { createNetns, deleteNetns, listNetns } from '../../src/host/netns.js';
import { describeAsRoot, leakedNetns } from '../support/root.js';
import { defaultGateway, linkExists, podAddresses, tcpExchange } from './cni-support.js';

const PREFIX = 'pn-tcb-batch-';
const NODE = 'pn-tcb-batch-node';
const env = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' };
let tmp = '';
let list: NetConfList;
let ipamDir = '';
const batch = batchAttacher(execBatchHost(NODE), openDiskStore);
const invoker = new Invoker({ cniPath: [PODNET_CNI_DIR], netns: NODE, runner: execRunner, baseEnv: env });

const req = (n: string): SandboxRequest => ({
  netnsName: `${PREFIX}pod-${n}`,
  rt: { containerID: `cid-${n}`, netns: `/run/netns/${PREFIX}pod-${n}`, ifName: 'eth0' },
});
const ipOf = (r: Result) => r.ips![0].address.split('/')[0];
const allocations = async () =>
  (await readdir(ipamDir).catch(() => [] as string[])).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f)).sort();
const macOf = async (netns: string, dev: string) =>
  (
    JSON.parse(await exec(['ip', '-n', netns, '-j', 'link', 'show', 'dev', dev])) as Array<{
      address: string;
    }>
  )[0].address;

/** A leftover link in the node netns with the host veth name of `cid`'s pod. */
const staleLink = (cid: string) =>
  exec(['ip', 'netns', 'exec', NODE, 'ip', 'link', 'add', hostVethName(cid, 'eth0'), 'type', 'bridge']);

describeAsRoot('batched pod set-up in real namespaces', () => {
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'pn-tcb-batch-'));
    list = podnetConflist('10.244.7.0/24', { name: 'tcnib', dataDir: tmp, mtu: 1500 });
    ipamDir = join(tmp, 'tcnib');
    await createNetns(NODE);
  });

  afterAll(async () => {
    for (const ns of await listNetns(`${PREFIX}pod-`)) await deleteNetns(ns);
    await deleteNetns(NODE);
    await rm(tmp, { recursive: true, force: true });
    expect(await leakedNetns(PREFIX)).toEqual([]);
  });

  it('three pods in one batch: addresses, routes, the kernel MACs in the Results; pods talk', async () => {
    const reqs = ['1', '2', '3'].map(req);
    const results = await batch.add(list, reqs);
    expect(results.map(ipOf)).toEqual(['10.244.7.2', '10.244.7.3', '10.244.7.4']);
    for (const [i, r] of reqs.entries()) {
      const ns = r.netnsName;
      expect(await podAddresses(ns)).toEqual([results[i].ips![0].address]);
      expect(await defaultGateway(ns)).toBe('10.244.7.1');
      const [br, veth, pod] = results[i].interfaces!;
      expect(veth.mac).toBe(await macOf(NODE, hostVethName(r.rt.containerID, 'eth0')));
      expect(pod).toEqual({ name: 'eth0', mac: await macOf(ns, 'eth0'), sandbox: r.rt.netns, mtu: 1500 });
      expect(br.name).toBe('pn-br0');
    }
    expect(results[2].interfaces![0].mac).toBe(await macOf(NODE, 'pn-br0'));
    expect(await tcpExchange(reqs[0].netnsName, reqs[2].netnsName, ipOf(results[2]))).toBe(
      `hello from ${reqs[2].netnsName}`,
    );
    expect(await allocations()).toEqual(['10.244.7.2', '10.244.7.3', '10.244.7.4']);
  });

  it('the CNI protocol checks and deletes a batched pod; the plugin ADD gives the same Result shape', async () => {
    const batched = (await batch.add(list, [req('4')]))[0];
    await invoker.check(list, req('4').rt, batched);
    await invoker.del(list, req('4').rt, batched);
    expect(await linkExists(NODE, hostVethName('cid-4', 'eth0'))).toBe(false);
    expect(await allocations()).not.toContain(ipOf(batched));
    await deleteNetns(req('4').netnsName);
    // The same pod again, through the plugin executable this time.
    await createNetns(req('4').netnsName);
    const added = await invoker.add(list, req('4').rt);
    const mask = (x: Result) => ({
      ...x,
      interfaces: x.interfaces!.slice(1),
      ips: x.ips!.map((i) => ({ ...i, address: '' })),
    });
    expect(mask(added)).toEqual(mask(batched));
    await invoker.del(list, req('4').rt, added);
    await deleteNetns(req('4').netnsName);
  });

  it('a batch that fails half-way leaves nothing behind; the agent path then goes one by one', async () => {
    const before = await allocations();
    const reqs = ['5', '6', '7'].map(req);
    // A stale link with pod 6's host veth name: the batch stops at pod 6's `link add`.
    await staleLink('cid-6');
    await expect(batch.add(list, reqs)).rejects.toMatchObject({
      code: 999,
      details: expect.stringMatching(/^at pod netns pn-tcb-batch-pod-6: /),
    });
    expect((await listNetns(`${PREFIX}pod-`)).sort()).toEqual(
      ['1', '2', '3'].map((n) => req(n).netnsName).sort(),
    );
    expect(await allocations()).toEqual(before);
    for (const n of ['5', '6', '7'])
      expect(await linkExists(NODE, hostVethName(`cid-${n}`, 'eth0'))).toBe(false);

    await staleLink('cid-6');
    const log: string[] = [];
    const got = await setUpSandboxes({ invoker, conflist: list, batch, log: (l) => log.push(l) }, reqs);
    expect(log).toEqual([expect.stringMatching(/^batched set-up of 3 pod\(s\) failed, now one by one: /)]);
    // All three: the batch's rollback removed the stale link (as the plugin's rollback would).
    expect(got.map((g) => (g instanceof Error ? g.message : 'ok'))).toEqual(['ok', 'ok', 'ok']);
    for (const [i, g] of got.entries()) {
      await invoker.del(list, reqs[i].rt, g as Result);
      await deleteNetns(reqs[i].netnsName);
    }
    expect(await allocations()).toEqual(before);
  });
});
