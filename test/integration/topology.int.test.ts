// The cluster network for real: namespaces, fabric bridge, veths, VXLAN and host-gw routes, with
// real TCP connections between nodes, the outside client and stand-in pods on different nodes.
// The cluster names start with `tnet` (namespaces `pn-tnettopo...`); everything is deleted and
// the root namespace's links, addresses and routes must be exactly as before.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exec, execCapture } from '../../src/host/exec.js';
import { createNetns, ipBatch, listNetns } from '../../src/host/netns.js';
import {
  clusterExists,
  createTopology,
  destroyCluster,
  TopologyApplyError,
} from '../../src/cluster/apply.js';
import { planTopology, type NodeNetwork, type TopologyPlan } from '../../src/cluster/topology.js';
import { describeAsRoot, leakedNetns } from '../support/root.js';

const VX = 'tnettopovx';
const GW = 'tnettopogw';
const T3 = 'tnettopo3';
const BAD = 'tnettopobad';
const ALL = [VX, GW, T3, BAD];
const PREFIX = 'pn-tnettopo';

/** The root namespace as `ip -j` shows it; compared before and after. */
async function rootSnapshot(): Promise<string> {
  const links = JSON.parse(await exec(['ip', '-j', 'link', 'show'])) as { ifindex: number; ifname: string }[];
  const addrs = JSON.parse(await exec(['ip', '-j', 'addr', 'show'])) as {
    ifname: string;
    addr_info: { local: string; prefixlen: number }[];
  }[];
  const routes = await exec(['ip', 'route', 'show', 'table', 'all']);
  return JSON.stringify({
    links: links.map((l) => `${l.ifindex}:${l.ifname}`).sort(),
    addrs: addrs.flatMap((a) => a.addr_info.map((i) => `${a.ifname} ${i.local}/${i.prefixlen}`)).sort(),
    routes: routes.split('\n').sort(),
  });
}

// TCP "ping" (ICMP needs ping, which the machine may not have): a one-shot server in the target
// namespace answers with the client address it saw; the client retries until it is listening.
const SERVER = `const net=require('net');const [h,p,ms]=process.argv.slice(1);
const s=net.createServer(c=>{c.end(c.remoteAddress+'\\n');s.close();}).listen(+p,h);
setTimeout(()=>process.exit(2),+ms).unref();`;
const CLIENT = `const net=require('net');const [h,p,ms]=process.argv.slice(1);const end=Date.now()+(+ms);
(function go(){const c=net.connect(+p,h);let d='';c.setTimeout(500);c.on('data',x=>d+=x);
c.on('end',()=>{process.stdout.write(d);process.exit(0)});
const retry=()=>{c.destroy();if(Date.now()>end)process.exit(1);setTimeout(go,50)};
c.on('error',retry);c.on('timeout',retry);})();`;

let nextPort = 41000;

/** Connects from `fromNs` to `address` served in `toNs`; resolves with the client address the server saw. */
async function tcpPing(fromNs: string, toNs: string, address: string): Promise<string> {
  const port = String(nextPort++);
  const server = execCapture(['node', '-e', SERVER, address, port, '4000'], { netns: toNs });
  const client = await execCapture(['node', '-e', CLIENT, address, port, '3000'], { netns: fromNs });
  await server;
  if (client.code !== 0) throw new Error(`no TCP connection ${fromNs} -> ${toNs} ${address}:${port}`);
  return client.stdout.trim();
}

/** A stand-in for the CNI plugin's work: one pod namespace per node, .10 in its range, default via .1. */
async function addStandInPod(plan: TopologyPlan, node: NodeNetwork): Promise<{ netns: string; ip: string }> {
  const netns = `pn-${plan.name}-standin-${node.index}`;
  const base = node.podCIDR.split('/')[0].split('.').slice(0, 3).join('.');
  await createNetns(netns);
  await ipBatch(
    node.netns,
    [
      `link add pn-standin type veth peer name eth0 netns ${netns}`,
      `addr add ${node.gateway}/24 dev pn-standin`,
      `link set pn-standin up`,
    ].join('\n'),
  );
  await ipBatch(
    netns,
    [
      `addr add ${base}.10/24 dev eth0`,
      `link set eth0 mtu ${plan.podMTU} up`,
      `route add default via ${node.gateway}`,
    ].join('\n'),
  );
  return { netns, ip: `${base}.10` };
}

async function txPackets(netns: string, dev: string): Promise<number> {
  const [l] = JSON.parse(await exec(['ip', '-n', netns, '-j', '-s', 'link', 'show', dev])) as {
    stats64: { tx: { packets: number } };
  }[];
  return l.stats64.tx.packets;
}

describeAsRoot('cluster network topology (root)', () => {
  let before = '';

  beforeAll(async () => {
    for (const n of ALL) await destroyCluster(n);
    before = await rootSnapshot();
  });

  afterAll(async () => {
    for (const n of ALL) await destroyCluster(n);
    expect(await leakedNetns(PREFIX)).toEqual([]);
    expect(await rootSnapshot()).toEqual(before);
  });

  for (const backend of ['vxlan', 'host-gw'] as const) {
    it(`2 nodes over ${backend}: nodes, external and cross-node pods reach each other`, async () => {
      const name = backend === 'vxlan' ? VX : GW;
      const plan = planTopology({ name, nodes: 2, backend });
      const res = await createTopology(plan);
      process.stdout.write(`[topology] ${name} created in ${res.timings.totalMs.toFixed(0)} ms\n`);
      expect(await clusterExists(name)).toBe(true);
      const [n1, n2] = plan.nodes;
      const ext = plan.external;

      // node <-> node, external <-> node, over the fabric bridge; no NAT anywhere.
      expect(await tcpPing(n1.netns, n2.netns, n2.address)).toBe(n1.address);
      expect(await tcpPing(n2.netns, n1.netns, n1.address)).toBe(n2.address);
      expect(await tcpPing(ext.netns, n1.netns, n1.address)).toBe(ext.address);
      expect(await tcpPing(n2.netns, ext.netns, ext.address)).toBe(n2.address);

      // The fabric is an L2 switch with no address at all.
      const fabricAddrs = JSON.parse(
        await exec(['ip', '-n', plan.fabricNetns, '-j', 'addr', 'show', 'pn-fabric']),
      );
      expect(fabricAddrs[0].addr_info).toEqual([]);

      // Pods on different nodes, through the backend.
      const p1 = await addStandInPod(plan, n1);
      const p2 = await addStandInPod(plan, n2);
      const tx0 = backend === 'vxlan' ? await txPackets(n1.netns, 'pn-vxlan') : 0;
      expect(await tcpPing(p1.netns, p2.netns, p2.ip)).toBe(p1.ip);
      expect(await tcpPing(p2.netns, p1.netns, p1.ip)).toBe(p2.ip);
      expect(await tcpPing(n1.netns, p2.netns, p2.ip)).not.toBe('');

      if (backend === 'vxlan') {
        expect(await txPackets(n1.netns, 'pn-vxlan')).toBeGreaterThan(tx0); // it did go through the tunnel
        const detail = await exec(['ip', '-n', n1.netns, '-d', 'link', 'show', 'pn-vxlan']);
        expect(detail).toMatch(/vxlan id 1 /);
        expect(detail).toMatch(/dstport 8472/);
        expect(detail).toMatch(/mtu 1450/);
        expect(detail).toMatch(/nolearning/);
        if (!res.warnings.some((w) => w.startsWith('ethtool'))) {
          const k = await exec(['ethtool', '-k', 'pn-vxlan'], { netns: n1.netns });
          expect(k).toMatch(/^tx-checksumming: off/m);
        }
        const routes = await exec(['ip', '-n', n1.netns, 'route', 'show', n2.podCIDR]);
        expect(routes.trim()).toBe(`${n2.podCIDR} via ${n2.vtep!.address} dev pn-vxlan onlink `.trim());
      } else {
        const routes = await exec(['ip', '-n', n1.netns, 'route', 'show', n2.podCIDR]);
        expect(routes.trim()).toBe(`${n2.podCIDR} via ${n2.address} dev eth0`);
        expect((await execCapture(['ip', '-n', n1.netns, 'link', 'show', 'pn-vxlan'])).code).not.toBe(0);
      }

      const deleted = await destroyCluster(name);
      expect(deleted.sort()).toEqual([...plan.setups.map((s) => s.netns), p1.netns, p2.netns].sort());
      expect(await destroyCluster(name)).toEqual([]); // idempotent
      expect(await clusterExists(name)).toBe(false);
      expect(await leakedNetns(`pn-${name}-`)).toEqual([]);
    });
  }

  it('refuses to create over an existing cluster and leaves it intact', async () => {
    const plan = planTopology({ name: BAD, nodes: 1, backend: 'vxlan' });
    await createTopology(plan);
    const err = await createTopology(plan).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TopologyApplyError);
    expect((err as TopologyApplyError).code).toBe('exists');
    expect((await listNetns(`pn-${BAD}-`)).length).toBe(3);
    await destroyCluster(BAD);
  });

  it('rolls back every namespace when a step fails', async () => {
    const plan = planTopology({ name: BAD, nodes: 2, backend: 'vxlan' });
    plan.setups[2].ip.push('route add 10.99.0.0/16 via 192.0.2.1 dev no-such-link');
    const err = await createTopology(plan).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TopologyApplyError);
    expect((err as TopologyApplyError).code).toBe('apply-failed');
    expect((err as Error).message).toMatch(/pn-tnettopobad-node-2: ip -batch/);
    expect(await leakedNetns(`pn-${BAD}-`)).toEqual([]);
  });

  it('3 nodes over vxlan: creation time', async () => {
    const plan = planTopology({ name: T3, nodes: 3, backend: 'vxlan' });
    const { timings } = await createTopology(plan);
    const f = (ms: number) => `${ms.toFixed(0)} ms`;
    process.stdout.write(
      `[topology] 3-node vxlan create: total ${f(timings.totalMs)} (namespaces ${f(timings.namespacesMs)}, ` +
        `fabric ${f(timings.fabricMs)}, nodes+external ${f(timings.namespacesSetupMs)})\n`,
    );
    expect(await tcpPing(plan.nodes[0].netns, plan.nodes[2].netns, plan.nodes[2].address)).toBe(
      plan.nodes[0].address,
    );
    const t0 = performance.now();
    await destroyCluster(T3);
    process.stdout.write(`[topology] 3-node destroy: ${f(performance.now() - t0)}\n`);
    expect(timings.totalMs).toBeLessThan(2000);
  });
});
