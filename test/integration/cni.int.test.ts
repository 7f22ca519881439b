// CNI end to end, as root: our conflist (podnet-bridge + podnet-host-local) and the
// reference one (Debian's bridge + host-local + loopback + portmap), each run by invoke.ts
// inside its own node netns. Everything lives in pn-tcb-cni-* namespaces and a temp dir.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  podnetConflist,
  PODNET_CNI_DIR,
  REFERENCE_CNI_DIR,
  referenceConflist,
} from '../../src/cni/conflists.js';
import { execRunner } from '../../src/cni/exec-runner.js';
import { Invoker, type RuntimeConf } from '../../src/cni/invoke.js';
import { hostVethName } from '../../src/cni/bridge/plan.js';
import type { NetConfList, Result } from '../../src/cni/types.js';
import { exec } from '../../src/host/exec.js';
import { createNetns, deleteNetns } from '../../src/host/netns.js';
import { describeAsRoot, leakedNetns } from '../support/root.js';
import { defaultGateway, linkExists, neighbours, podAddresses, tcpExchange } from './cni-support.js';

const PREFIX = 'pn-tcb-cni-';
const NODE = 'pn-tcb-cni-node';
const REF_NODE = 'pn-tcb-cni-node-ref';
let tmp = '';
const pods: string[] = [];
const added = new Map<string, { inv: Invoker; list: NetConfList; result: Result }>();

const rt = (pod: string): RuntimeConf => ({
  containerID: `cid-${pod}`,
  netns: `/run/netns/${pod}`,
  ifName: 'eth0',
  args: { K8S_POD_NAME: pod },
});
const ipOf = (r: Result) => r.ips![0].address.split('/')[0];
const env = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' };

async function newPod(n: string): Promise<string> {
  const name = `${PREFIX}pod-${n}`;
  await createNetns(name);
  pods.push(name);
  return name;
}

async function add(inv: Invoker, list: NetConfList, pod: string): Promise<Result> {
  const result = await inv.add(list, rt(pod));
  added.set(pod, { inv, list, result });
  return result;
}

async function del(pod: string): Promise<void> {
  const a = added.get(pod)!;
  await a.inv.del(a.list, rt(pod), a.result);
  added.delete(pod);
}

const allocations = async (dir: string) =>
  (await readdir(dir).catch(() => [] as string[])).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f)).sort();

describeAsRoot('CNI plugins in real namespaces', () => {
  let ours: Invoker;
  let ref: Invoker;
  let ourList: NetConfList;
  let refList: NetConfList;
  let ourDir = '';

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'pn-tcb-cni-'));
    await createNetns(NODE);
    await createNetns(REF_NODE);
    ourList = podnetConflist('10.244.0.0/24', { name: 'tcni', dataDir: join(tmp, 'ours') });
    refList = referenceConflist('10.244.1.0/24', { name: 'tcni-ref', dataDir: join(tmp, 'ref') });
    ourDir = join(tmp, 'ours', 'tcni');
    ours = new Invoker({ cniPath: [PODNET_CNI_DIR], netns: NODE, runner: execRunner, baseEnv: env });
    ref = new Invoker({ cniPath: [REFERENCE_CNI_DIR], netns: REF_NODE, runner: execRunner, baseEnv: env });
  });

  afterAll(async () => {
    for (const pod of [...added.keys()]) await del(pod).catch(() => undefined);
    await ours.gc(ourList, []).catch(() => undefined); // anything a failed test left allocated
    for (const p of pods) await deleteNetns(p);
    await deleteNetns(NODE);
    await deleteNetns(REF_NODE);
    const leftover = [...(await allocations(ourDir)), ...(await allocations(join(tmp, 'ref', 'tcni-ref')))];
    await rm(tmp, { recursive: true, force: true });
    expect(leftover).toEqual([]);
    expect(await leakedNetns(PREFIX)).toEqual([]);
  });

  it('VERSION and STATUS of our plugins', async () => {
    for (const type of ['podnet-bridge', 'podnet-host-local']) {
      expect(await ours.version(type)).toEqual({
        cniVersion: '1.1.0',
        supportedVersions: ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'],
      });
    }
    expect((await ref.version('bridge', '1.0.0')).supportedVersions).toContain('1.0.0');
    await expect(ours.status(ourList)).resolves.toBeUndefined();
  });

  it('STATUS reports code 50 when the IPAM data dir cannot be written', async () => {
    await writeFile(join(tmp, 'not-a-dir'), '');
    const broken = podnetConflist('10.244.0.0/24', { name: 'tcni', dataDir: join(tmp, 'not-a-dir') });
    await expect(ours.status(broken)).rejects.toMatchObject({ code: 50 });
  });

  it('ADD (ours) gives each pod its address and default route; pods talk over the bridge; CHECK passes', async () => {
    const [a, b] = [await newPod('1'), await newPod('2')];
    const ra = await add(ours, ourList, a);
    const rb = await add(ours, ourList, b);
    expect(ra.ips).toEqual([{ address: '10.244.0.2/24', gateway: '10.244.0.1', interface: 2 }]);
    expect(ra.interfaces?.[2]).toMatchObject({ name: 'eth0', sandbox: `/run/netns/${a}` });
    expect(await podAddresses(a)).toEqual(['10.244.0.2/24']);
    expect(await podAddresses(b)).toEqual([rb.ips![0].address]);
    expect(await defaultGateway(a)).toBe('10.244.0.1');
    expect(await podAddresses(NODE, 'pn-br0')).toEqual(['10.244.0.1/24']);
    expect(await tcpExchange(a, b, ipOf(rb))).toBe(`hello from ${b}`);
    // subnetViaGateway: the pods' subnet is not on-link, they talk through the node, and each
    // keeps one neighbour entry (the gateway), with no ICMP redirect teaching them otherwise.
    expect(await neighbours(a)).toEqual(['10.244.0.1']);
    expect(await neighbours(b)).toEqual(['10.244.0.1']);
    for (const dev of ['all', 'pn-br0'])
      expect(
        (await exec(['sysctl', '-n', `net.ipv4.conf.${dev}.send_redirects`], { netns: NODE })).trim(),
      ).toBe('0');
    await ours.check(ourList, rt(a), ra);
    expect(await allocations(ourDir)).toEqual(['10.244.0.2', '10.244.0.3']);
  });

  it('DEL frees the link and the address; the next ADD does not reuse it; a second DEL is fine', async () => {
    const a = `${PREFIX}pod-1`;
    const freed = ipOf(added.get(a)!.result);
    await del(a);
    expect(await linkExists(NODE, hostVethName(`cid-${a}`, 'eth0'))).toBe(false);
    expect(await linkExists(a, 'eth0')).toBe(false);
    expect(await allocations(ourDir)).not.toContain(freed);
    await ours.del(ourList, rt(a)); // idempotent
    const c = await newPod('3');
    expect(ipOf(await add(ours, ourList, c))).not.toBe(freed);
  });

  it('CHECK fails once the pod lost its address', async () => {
    const c = `${PREFIX}pod-3`;
    const { result } = added.get(c)!;
    await exec(['ip', '-n', c, 'address', 'flush', 'dev', 'eth0']);
    await expect(ours.check(ourList, rt(c), result)).rejects.toMatchObject({ code: 3 });
  });

  it('concurrent ADDs get distinct addresses', async () => {
    const ps = await Promise.all(['4', '5', '6', '7'].map(newPod));
    const results = await Promise.all(ps.map((p) => add(ours, ourList, p)));
    const ips = results.map(ipOf);
    expect(new Set(ips).size).toBe(4);
    for (const [i, p] of ps.entries()) expect(await podAddresses(p)).toEqual([results[i].ips![0].address]);
  });

  it('GC releases addresses of attachments the runtime no longer lists', async () => {
    const keep = [`${PREFIX}pod-2`, `${PREFIX}pod-4`];
    const before = await allocations(ourDir);
    await ours.gc(
      ourList,
      keep.map((p) => ({ containerID: `cid-${p}`, ifname: 'eth0' })),
    );
    const after = await allocations(ourDir);
    expect(after).toEqual(keep.map((p) => ipOf(added.get(p)!.result)).sort());
    expect(before.length).toBeGreaterThan(after.length);
  });

  it('the reference plugins build the same network (bridge, host-local, loopback, portmap)', async () => {
    const [x, y] = [await newPod('r1'), await newPod('r2')];
    const rx = await add(ref, refList, x);
    const ry = await add(ref, refList, y);
    expect(ipOf(rx)).toBe('10.244.1.2');
    expect(await podAddresses(x)).toEqual([rx.ips![0].address]);
    expect(await defaultGateway(x)).toBe('10.244.1.1');
    expect(await tcpExchange(x, y, ipOf(ry))).toBe(`hello from ${y}`);
    // The reference bridge puts pods on-link: x resolved y itself.
    expect(await neighbours(x)).toContain(ipOf(ry));
    await ref.check(refList, rt(x), rx);
    await del(x);
    await del(y);
    expect(await allocations(join(tmp, 'ref', 'tcni-ref'))).toEqual([]);
  });
});
