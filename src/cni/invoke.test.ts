import { describe, expect, it } from 'vitest';
import { podnetConflist, referenceConflist } from './conflists.js';
import { Invoker, parseConflist, type PluginRun, type PluginRunner } from './invoke.js';
import type { NetConf, NetConfList } from './types.js';

const list: NetConfList = {
  cniVersion: '1.1.0',
  name: 'net',
  plugins: [{ type: 'a', capabilities: { portMappings: true } }, { type: 'b' }, { type: 'c' }],
};
const rt = {
  containerID: 'c1',
  netns: '/run/netns/pn-x',
  ifName: 'eth0',
  args: { K8S_POD_NAME: 'p' },
  capabilityArgs: { portMappings: [{ hostPort: 80 }], bandwidth: {} },
};

/** Records calls; ADD appends the plugin's type to a Result's interfaces so chaining is visible. */
function fakeRunner(fail?: string) {
  const calls: Array<{
    type: string;
    cmd: string;
    conf: NetConf;
    env: Record<string, string>;
    netns?: string;
  }> = [];
  const runner: PluginRunner = {
    find: async (type, path) => `${path[0]}/${type}`,
    run: async (r: PluginRun, netns?: string) => {
      const type = r.plugin.split('/').pop()!;
      const conf = JSON.parse(r.stdin) as NetConf;
      calls.push({ type, cmd: r.env.CNI_COMMAND, conf, env: r.env, netns });
      if (type === fail)
        return {
          code: 1,
          stdout: JSON.stringify({ cniVersion: '1.1.0', code: 11, msg: 'busy' }),
          stderr: '',
        };
      const prev = conf.prevResult?.interfaces ?? [];
      const out =
        r.env.CNI_COMMAND === 'ADD'
          ? JSON.stringify({ cniVersion: '1.1.0', interfaces: [...prev, { name: type }] })
          : '';
      return { code: 0, stdout: out, stderr: '' };
    },
  };
  return { runner, calls };
}

describe('Invoker', () => {
  it('ADD runs plugins in order, chaining prevResult, inside the node netns', async () => {
    const { runner, calls } = fakeRunner();
    const res = await new Invoker({ cniPath: ['/opt/cni'], netns: 'pn-node', runner }).add(list, rt);
    expect(calls.map((c) => c.type)).toEqual(['a', 'b', 'c']);
    expect(res.interfaces?.map((i) => i.name)).toEqual(['a', 'b', 'c']);
    expect(calls[0].conf.prevResult).toBeUndefined();
    expect(calls[2].conf.prevResult?.interfaces?.map((i) => i.name)).toEqual(['a', 'b']);
    expect(calls[0]).toMatchObject({
      netns: 'pn-node',
      conf: { name: 'net', cniVersion: '1.1.0', runtimeConfig: { portMappings: [{ hostPort: 80 }] } },
    });
    expect(calls[1].conf.runtimeConfig).toBeUndefined();
    expect(calls[0].env).toMatchObject({
      CNI_COMMAND: 'ADD',
      CNI_CONTAINERID: 'c1',
      CNI_NETNS: '/run/netns/pn-x',
      CNI_IFNAME: 'eth0',
      CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAME=p',
      CNI_PATH: '/opt/cni',
    });
  });

  it('DEL runs in reverse order with the cached result', async () => {
    const { runner, calls } = fakeRunner();
    await new Invoker({ cniPath: ['/p'], runner }).del(list, rt, { cniVersion: '1.1.0', ips: [] });
    expect(calls.map((c) => `${c.cmd} ${c.type}`)).toEqual(['DEL c', 'DEL b', 'DEL a']);
    expect(calls.every((c) => c.conf.prevResult !== undefined)).toBe(true);
  });

  it('stops at the first failing plugin and keeps its code', async () => {
    const { runner, calls } = fakeRunner('b');
    await expect(new Invoker({ cniPath: ['/p'], runner }).add(list, rt)).rejects.toMatchObject({
      code: 11,
      msg: 'net: plugin b ADD: busy',
    });
    expect(calls.map((c) => c.type)).toEqual(['a', 'b']);
  });

  const skips = [
    {
      name: 'CHECK skipped when disableCheck',
      list: { ...list, disableCheck: true },
      verb: 'check' as const,
    },
    { name: 'GC skipped when disableGC', list: { ...list, disableGC: true }, verb: 'gc' as const },
    { name: 'GC skipped before 1.1.0', list: { ...list, cniVersion: '1.0.0' }, verb: 'gc' as const },
    { name: 'STATUS skipped before 1.1.0', list: { ...list, cniVersion: '1.0.0' }, verb: 'status' as const },
  ];
  it.each(skips)('$name', async ({ list: l, verb }) => {
    const { runner, calls } = fakeRunner();
    const inv = new Invoker({ cniPath: ['/p'], runner });
    if (verb === 'check') await inv.check(l, rt, { cniVersion: '1.1.0' });
    else if (verb === 'gc') await inv.gc(l, []);
    else await inv.status(l);
    expect(calls).toEqual([]);
  });

  it('GC sends the valid attachments under both names, without container env', async () => {
    const { runner, calls } = fakeRunner();
    const valid = [{ containerID: 'c1', ifname: 'eth0' }];
    await new Invoker({ cniPath: ['/p'], runner }).gc(list, valid);
    expect(calls.map((c) => c.type)).toEqual(['a', 'b', 'c']);
    expect(calls[0].conf).toMatchObject({ 'cni.dev/valid-attachments': valid, 'cni.dev/attachments': valid });
    expect(calls[0].env.CNI_CONTAINERID).toBeUndefined();
  });
});

describe('conflists', () => {
  it.each([
    { name: 'podnet', l: podnetConflist('10.244.0.0/24'), types: ['podnet-bridge'] },
    { name: 'reference', l: referenceConflist('10.244.0.0/24'), types: ['bridge', 'loopback', 'portmap'] },
  ])('$name parses and names its plugins', ({ l, types }) => {
    expect(parseConflist(JSON.stringify(l)).plugins.map((p) => p.type)).toEqual(types);
  });
  it.each([
    { name: 'not JSON', text: '{', code: 6 },
    { name: 'no plugins', text: '{"cniVersion":"1.1.0","name":"n","plugins":[]}', code: 7 },
    { name: 'no name', text: '{"cniVersion":"1.1.0","plugins":[{"type":"x"}]}', code: 7 },
    {
      name: 'unsupported version',
      text: '{"cniVersion":"0.1.0","name":"n","plugins":[{"type":"x"}]}',
      code: 1,
    },
  ])('parseConflist rejects $name', ({ text, code }) => {
    expect(() => parseConflist(text)).toThrow(expect.objectContaining({ code }));
  });
});
