import { describe, expect, it } from 'vitest';
import { hostVethName, planAttach, vethMacs, type AttachSpec } from './plan.js';

const base: AttachSpec = {
  bridge: 'pn-br0',
  hostVeth: hostVethName('c0ffee', 'eth0'),
  hostMac: vethMacs('c0ffee', 'eth0').host,
  podMac: vethMacs('c0ffee', 'eth0').pod,
  ifName: 'eth0',
  netns: '/run/netns/pn-podnet-pod-1',
  ips: [{ address: '10.244.0.5/24', gateway: '10.244.0.1' }],
  isGateway: true,
  isDefaultGateway: true,
  hairpinMode: true,
  subnetViaGateway: false,
  routes: [],
};

const cases: Array<{ name: string; tweak: (s: AttachSpec) => AttachSpec }> = [
  { name: 'default', tweak: (s) => s },
  {
    name: 'no-gateway-no-hairpin',
    tweak: (s) => ({ ...s, isGateway: false, isDefaultGateway: false, hairpinMode: false }),
  },
  {
    name: 'mtu-and-ipam-routes',
    tweak: (s) => ({
      ...s,
      mtu: 1450,
      routes: [{ dst: '10.96.0.0/12' }, { dst: '0.0.0.0/0', gw: '10.244.0.254' }],
    }),
  },
  {
    // podnet's conflist: no prefix route, the gateway on-link, the default route via it.
    name: 'subnet-via-gateway',
    tweak: (s) => ({
      ...s,
      subnetViaGateway: true,
      ips: [...s.ips, { address: 'fd00:10:244::5/64', gateway: 'fd00:10:244::1' }],
    }),
  },
  {
    name: 'dual-stack',
    tweak: (s) => ({ ...s, ips: [...s.ips, { address: 'fd00:10:244::5/64', gateway: 'fd00:10:244::1' }] }),
  },
];

describe('planAttach', () => {
  it.each(cases)('$name', async ({ name, tweak }) => {
    const p = planAttach(tweak(base));
    const text = `# bridge (tolerates "File exists")\n${p.bridge}# node netns\n${p.gateway}${p.veth}# pod netns\n${p.pod}`;
    await expect(text).toMatchFileSnapshot(`testdata/${name}.ipbatch`);
  });

  it('names the host veth deterministically within IFNAMSIZ', () => {
    expect(hostVethName('c0ffee', 'eth0')).toBe(hostVethName('c0ffee', 'eth0'));
    expect(hostVethName('c0ffee', 'eth0')).not.toBe(hostVethName('c0ffee', 'eth1'));
    expect(hostVethName('x'.repeat(64), 'eth0')).toMatch(/^pn-v[0-9a-f]{10}$/);
  });

  it('derives distinct, locally administered unicast MACs for the two veth ends', () => {
    const m = vethMacs('c0ffee', 'eth0');
    expect(m).toEqual(vethMacs('c0ffee', 'eth0'));
    expect(m.host).not.toBe(m.pod);
    expect(vethMacs('c0ffee', 'eth1').pod).not.toBe(m.pod);
    for (const mac of [m.host, m.pod]) {
      expect(mac).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
      expect(parseInt(mac.slice(0, 2), 16) & 0x03).toBe(0x02); // local bit set, multicast bit clear
    }
  });
});
