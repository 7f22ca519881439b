import { describe, expect, it } from 'vitest';
import { dispatch, parseCniArgs, type CmdArgs, type PluginFuncs } from './skel.js';
import { CniError, ErrorCode, type Result } from './types.js';
import { convertResult, negotiate } from './version.js';

const conf = (v = '1.1.0', extra = {}) => JSON.stringify({ cniVersion: v, name: 'net', type: 'x', ...extra });
const fullEnv = { CNI_CONTAINERID: 'c1', CNI_NETNS: '/run/netns/p', CNI_IFNAME: 'eth0', CNI_PATH: '/a:/b' };
const result: Result = {
  cniVersion: '1.1.0',
  interfaces: [{ name: 'eth0', mtu: 1400, sandbox: '/run/netns/p' }],
  ips: [{ address: '10.244.0.2/24', gateway: '10.244.0.1', interface: 0 }],
  routes: [{ dst: '0.0.0.0/0', gw: '10.244.0.1', priority: 5 }],
};

function harness(funcs: Partial<PluginFuncs> = {}) {
  const calls: Array<{ cmd: string; a: CmdArgs; valid?: unknown }> = [];
  const plugin: PluginFuncs = {
    add: async (a) => (calls.push({ cmd: 'ADD', a }), result),
    del: async (a) => void calls.push({ cmd: 'DEL', a }),
    check: async (a) => void calls.push({ cmd: 'CHECK', a }),
    status: async (a) => void calls.push({ cmd: 'STATUS', a }),
    gc: async (a, valid) => void calls.push({ cmd: 'GC', a, valid }),
    ...funcs,
  };
  return async (env: Record<string, string>, stdin: string) => {
    let out = '';
    const code = await dispatch(plugin, { env, stdin, stdout: (t) => (out += t), stderr: () => undefined });
    return { code, out: out ? (JSON.parse(out) as Record<string, unknown>) : null, calls };
  };
}

describe('dispatch', () => {
  const cases = [
    {
      name: 'VERSION echoes the asked version',
      env: { CNI_COMMAND: 'VERSION' },
      stdin: conf('0.4.0'),
      code: 0,
      want: { cniVersion: '0.4.0', supportedVersions: ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] },
    },
    {
      name: 'VERSION with no stdin',
      env: { CNI_COMMAND: 'VERSION' },
      stdin: '',
      code: 0,
      want: { cniVersion: '1.1.0' },
    },
    { name: 'no CNI_COMMAND is code 4', env: {}, stdin: conf(), code: 1, want: { code: 4 } },
    {
      name: 'unknown command is code 4',
      env: { ...fullEnv, CNI_COMMAND: 'INIT' },
      stdin: conf(),
      code: 1,
      want: { code: 4, msg: 'unknown CNI_COMMAND: INIT' },
    },
    {
      name: 'ADD without CNI_NETNS is code 4',
      env: { ...fullEnv, CNI_COMMAND: 'ADD', CNI_NETNS: '' },
      stdin: conf(),
      code: 1,
      want: { code: 4, msg: 'required env variables [CNI_NETNS] missing' },
    },
    {
      name: 'DEL without CNI_NETNS is fine',
      env: { ...fullEnv, CNI_COMMAND: 'DEL', CNI_NETNS: '' },
      stdin: conf(),
      code: 0,
      want: null,
    },
    {
      name: 'bad JSON is code 6',
      env: { ...fullEnv, CNI_COMMAND: 'ADD' },
      stdin: '{nope',
      code: 1,
      want: { code: 6 },
    },
    {
      name: 'unsupported version is code 1',
      env: { ...fullEnv, CNI_COMMAND: 'ADD' },
      stdin: conf('0.2.0'),
      code: 1,
      want: { code: 1, cniVersion: '0.2.0' },
    },
    {
      name: 'missing version means 0.1.0: code 1',
      env: { ...fullEnv, CNI_COMMAND: 'ADD' },
      stdin: '{"name":"n","type":"x"}',
      code: 1,
      want: { code: 1 },
    },
    {
      name: 'CHECK needs 0.4.0',
      env: { ...fullEnv, CNI_COMMAND: 'CHECK' },
      stdin: conf('0.3.1'),
      code: 1,
      want: { code: 1, msg: 'config version does not allow CHECK' },
    },
    {
      name: 'GC needs 1.1.0',
      env: { CNI_COMMAND: 'GC', CNI_PATH: '/a' },
      stdin: conf('1.0.0'),
      code: 1,
      want: { code: 1 },
    },
    {
      name: 'STATUS needs only CNI_PATH',
      env: { CNI_COMMAND: 'STATUS', CNI_PATH: '/a' },
      stdin: conf(),
      code: 0,
      want: null,
    },
    {
      name: 'bad CNI_ARGS is code 4',
      env: { ...fullEnv, CNI_COMMAND: 'ADD', CNI_ARGS: 'A=1;junk' },
      stdin: conf(),
      code: 1,
      want: { code: 4 },
    },
    {
      name: 'bad valid-attachments is code 7',
      env: { CNI_COMMAND: 'GC', CNI_PATH: '/a' },
      stdin: conf('1.1.0', { 'cni.dev/valid-attachments': [{ containerID: 1 }] }),
      code: 1,
      want: { code: 7 },
    },
  ];
  it.each(cases)('$name', async ({ env, stdin, code, want }) => {
    const r = await harness()(env, stdin);
    expect(r.code).toBe(code);
    if (want === null) expect(r.out).toBeNull();
    else expect(r.out).toMatchObject(want);
  });

  it('ADD passes the parsed environment and prints the Result in the config version', async () => {
    const r = await harness()(
      { ...fullEnv, CNI_COMMAND: 'ADD', CNI_ARGS: 'K8S_POD_NAME=a;IgnoreUnknown=1' },
      conf('0.4.0'),
    );
    expect(r.code).toBe(0);
    const a = r.calls[0].a;
    expect([a.containerID, a.netns, a.ifName, a.path, a.args]).toEqual([
      'c1',
      '/run/netns/p',
      'eth0',
      ['/a', '/b'],
      { K8S_POD_NAME: 'a', IgnoreUnknown: '1' },
    ]);
    expect(r.out).toEqual({
      cniVersion: '0.4.0',
      interfaces: [{ name: 'eth0', sandbox: '/run/netns/p' }],
      ips: [{ version: '4', address: '10.244.0.2/24', gateway: '10.244.0.1', interface: 0 }],
      routes: [{ dst: '0.0.0.0/0', gw: '10.244.0.1' }],
    });
  });

  it('GC hands over the valid attachments', async () => {
    const valid = [{ containerID: 'c1', ifname: 'eth0' }];
    const r = await harness()(
      { CNI_COMMAND: 'GC', CNI_PATH: '/a' },
      conf('1.1.0', { 'cni.dev/valid-attachments': valid }),
    );
    expect(r.code).toBe(0);
    expect(r.calls[0].valid).toEqual(valid);
  });

  it('a plugin CniError is printed with its code and details', async () => {
    const fail = harness({
      add: async () => Promise.reject(new CniError(ErrorCode.TryAgainLater, 'busy', 'lock held')),
    });
    expect((await fail({ ...fullEnv, CNI_COMMAND: 'ADD' }, conf())).out).toEqual({
      cniVersion: '1.1.0',
      code: 11,
      msg: 'busy',
      details: 'lock held',
    });
  });

  it('any other error becomes code 999', async () => {
    const fail = harness({ del: async () => Promise.reject(new Error('boom')) });
    const r = await fail({ ...fullEnv, CNI_COMMAND: 'DEL' }, conf());
    expect(r).toMatchObject({ code: 1, out: { code: 999, details: 'boom' } });
  });
});

describe('versions', () => {
  const cases = [
    {
      name: 'cniVersions: highest supported',
      list: { cniVersion: '1.0.0', cniVersions: ['0.4.0', '1.1.0', '9.9.9'] },
      want: '1.1.0',
    },
    { name: 'cniVersion alone', list: { cniVersion: '0.4.0' }, want: '0.4.0' },
  ];
  it.each(cases)('$name', ({ list, want }) => expect(negotiate(list)).toBe(want));
  it('refuses a list with nothing supported', () =>
    expect(() => negotiate({ cniVersion: '0.2.0' })).toThrow(CniError));
  it('keeps 1.1.0-only fields only for 1.1.0', () => {
    expect(convertResult(result, '1.1.0').routes).toEqual([
      { dst: '0.0.0.0/0', gw: '10.244.0.1', priority: 5 },
    ]);
    expect(convertResult(result, '1.0.0').interfaces).toEqual([{ name: 'eth0', sandbox: '/run/netns/p' }]);
  });
  it('parses CNI_ARGS', () => expect(parseCniArgs('A=1;B=x=y;')).toEqual({ A: '1', B: 'x=y' }));
});
