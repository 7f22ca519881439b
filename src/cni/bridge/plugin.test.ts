import { describe, expect, it } from 'vitest';
import type { CmdArgs } from '../skel.js';
import type { NetConf } from '../types.js';
import type { BridgeHost } from './host.js';
import { hostVethName } from './plan.js';
import { bridgePlugin } from './plugin.js';

/** A host that records what it is asked and fails the step named in `failAt`. */
function fakeHost(failAt?: string) {
  const log: string[] = [];
  const step = async (name: string) => {
    log.push(name);
    if (name === failAt) throw new Error(`${name} failed`);
  };
  const host: BridgeHost = {
    inRootNetns: async () => false,
    netnsExists: async (p) => p !== '/gone',
    ipBatch: async (ns) => step(ns ? 'pod-batch' : 'node-batch'),
    ipBatchIdempotent: async () => step('bridge'),
    link: async (_ns, name) => ({
      ifindex: 3,
      mac: '02:00:00:00:00:01',
      master: name.startsWith('pn-v') ? 'pn-br0' : undefined,
    }),
    deleteLink: async (ns, name) => step(`del-link ${ns ? 'pod' : 'node'} ${name}`),
    addresses: async () => ['10.244.0.2/24'],
    routes: async () => [{ dst: 'default', gateway: '10.244.0.1' }],
    enableForwarding: async () => step('forwarding'),
    delegate: async (type, cmd) => {
      await step(`ipam ${cmd}`);
      return cmd === 'ADD'
        ? { cniVersion: '1.1.0', ips: [{ address: '10.244.0.2/24', gateway: '10.244.0.1' }] }
        : null;
    },
  };
  return { host, log };
}

const config: NetConf = {
  cniVersion: '1.1.0',
  name: 'podnet',
  type: 'podnet-bridge',
  ipam: { type: 'podnet-host-local' },
};
const args = (over: Partial<CmdArgs> = {}): CmdArgs => ({
  command: 'ADD',
  containerID: 'c1',
  netns: '/run/netns/pn-p',
  ifName: 'eth0',
  args: {},
  path: ['/p'],
  stdinData: JSON.stringify(config),
  config,
  env: {},
  ...over,
});
const veth = hostVethName('c1', 'eth0');

describe('podnet-bridge', () => {
  it('ADD: IPAM, bridge, node, pod, forwarding; the Result names the sandbox interface', async () => {
    const { host, log } = fakeHost();
    const r = await bridgePlugin(host).add(args());
    expect(log).toEqual(['ipam ADD', 'bridge', 'node-batch', 'pod-batch', 'forwarding']);
    expect(r.interfaces?.map((i) => i.name)).toEqual(['pn-br0', veth, 'eth0']);
    expect(r.interfaces?.[2].sandbox).toBe('/run/netns/pn-p');
    expect(r.ips).toEqual([{ address: '10.244.0.2/24', gateway: '10.244.0.1', interface: 2 }]);
    expect(r.routes).toEqual([{ dst: '0.0.0.0/0', gw: '10.244.0.1' }]);
  });

  it.each(['node-batch', 'pod-batch'])(
    'ADD failing at %s deletes the veth and releases the address',
    async (failAt) => {
      const { host, log } = fakeHost(failAt);
      await expect(bridgePlugin(host).add(args())).rejects.toMatchObject({ code: 999 });
      expect(log.slice(-2)).toEqual([`del-link node ${veth}`, 'ipam DEL']);
    },
  );

  it('ADD into a missing netns is code 3 and allocates nothing', async () => {
    const { host, log } = fakeHost();
    await expect(bridgePlugin(host).add(args({ netns: '/gone' }))).rejects.toMatchObject({ code: 3 });
    expect(log).toEqual([]);
  });

  it('ADD refuses the root netns', async () => {
    const { host } = fakeHost();
    host.inRootNetns = async () => true;
    await expect(bridgePlugin(host).add(args())).rejects.toMatchObject({ code: 100 });
  });

  it('DEL with the netns gone releases IPAM and the host veth only', async () => {
    const { host, log } = fakeHost();
    await bridgePlugin(host).del(args({ command: 'DEL', netns: '/gone' }));
    expect(log).toEqual(['ipam DEL', `del-link node ${veth}`]);
  });

  it('CHECK passes when the netns matches prevResult and fails on a missing address', async () => {
    const { host } = fakeHost();
    const prevResult = await bridgePlugin(host).add(args());
    const conf = { ...config, prevResult };
    await expect(bridgePlugin(host).check(args({ command: 'CHECK', config: conf }))).resolves.toBeUndefined();
    host.addresses = async () => [];
    await expect(bridgePlugin(host).check(args({ command: 'CHECK', config: conf }))).rejects.toMatchObject({
      code: 3,
    });
  });

  it('rejects unsupported options with code 2', async () => {
    const { host } = fakeHost();
    await expect(bridgePlugin(host).add(args({ config: { ...config, vlan: 5 } }))).rejects.toMatchObject({
      code: 2,
    });
  });
});
