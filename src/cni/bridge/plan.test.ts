import { describe, expect, it } from 'vitest';
import { hostVethName, planAttach, type AttachSpec } from './plan.js';

const base: AttachSpec = {
  bridge: 'pn-br0',
  hostVeth: hostVethName('c0ffee', 'eth0'),
  ifName: 'eth0',
  netns: '/run/netns/pn-podnet-pod-1',
  ips: [{ address: '10.244.0.5/24', gateway: '10.244.0.1' }],
  isGateway: true,
  isDefaultGateway: true,
  hairpinMode: true,
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
    name: 'dual-stack',
    tweak: (s) => ({ ...s, ips: [...s.ips, { address: 'fd00:10:244::5/64', gateway: 'fd00:10:244::1' }] }),
  },
];

describe('planAttach', () => {
  it.each(cases)('$name', async ({ name, tweak }) => {
    const p = planAttach(tweak(base));
    const text = `# bridge (tolerates "File exists")\n${p.bridge}# node netns\n${p.node}# pod netns\n${p.pod}`;
    await expect(text).toMatchFileSnapshot(`testdata/${name}.ipbatch`);
  });

  it('names the host veth deterministically within IFNAMSIZ', () => {
    expect(hostVethName('c0ffee', 'eth0')).toBe(hostVethName('c0ffee', 'eth0'));
    expect(hostVethName('c0ffee', 'eth0')).not.toBe(hostVethName('c0ffee', 'eth1'));
    expect(hostVethName('x'.repeat(64), 'eth0')).toMatch(/^pn-v[0-9a-f]{10}$/);
  });
});
