import { describe, expect, it } from 'vitest';
import type { BatchAttacher, SandboxRequest } from './batch.js';
import { podnetConflist } from './conflists.js';
import { Invoker, type PluginRunner } from './invoke.js';
import { setUpSandboxes, type SandboxSetup } from './sandboxes.js';
import type { Result } from './types.js';

const list = podnetConflist('10.244.0.0/24');
const req = (n: number): SandboxRequest => ({
  netnsName: `pn-t-pod-${n}`,
  rt: { containerID: `uid-${n}`, netns: `/run/netns/pn-t-pod-${n}`, ifName: 'eth0' },
});
const result = (id: string): Result => ({
  cniVersion: '1.1.0',
  ips: [{ address: `10.244.0.9/24`, gateway: id }],
});

/** An Invoker whose plugin fails ADD for the container IDs in `failFor`; a netns log. */
function setup(o: { batch?: BatchAttacher; failFor?: string[]; netnsFails?: string[] } = {}) {
  const log: string[] = [];
  const runner: PluginRunner = {
    find: async (t) => t,
    async run(r) {
      const id = r.env.CNI_CONTAINERID;
      log.push(`add ${id}`);
      if (o.failFor?.includes(id))
        return {
          code: 1,
          stdout: JSON.stringify({ cniVersion: '1.1.0', code: 11, msg: 'no addresses' }),
          stderr: '',
        };
      return { code: 0, stdout: JSON.stringify(result(id)), stderr: '' };
    },
  };
  const s: SandboxSetup = {
    invoker: new Invoker({ cniPath: ['/x'], runner }),
    conflist: list,
    batch: o.batch,
    log: (l) => log.push(`log: ${l}`),
    netns: {
      async create(n) {
        log.push(`create ${n}`);
        if (o.netnsFails?.includes(n)) throw new Error(`${n} exists`);
      },
      delete: async (n) => void log.push(`delete ${n}`),
    },
  };
  return { s, log };
}

const batch = (fail: boolean): BatchAttacher => ({
  supports: () => true,
  async add(_l, reqs) {
    if (fail) throw new Error('Command failed -:7');
    return reqs.map((r) => result(`batch-${r.rt.containerID}`));
  },
});

describe('setUpSandboxes', () => {
  it('uses the batch when it supports the list', async () => {
    const { s, log } = setup({ batch: batch(false) });
    const got = await setUpSandboxes(s, [req(1), req(2)]);
    expect(got).toEqual([result('batch-uid-1'), result('batch-uid-2')]);
    expect(log).toEqual([]);
  });

  it('without a batch: netns then ADD per pod; a failed ADD deletes its netns, a failed create does not', async () => {
    const { s, log } = setup({ failFor: ['uid-2'], netnsFails: ['pn-t-pod-3'] });
    const got = await setUpSandboxes(s, [req(1), req(2), req(3)]);
    expect(got[0]).toEqual(result('uid-1'));
    expect(got[1]).toMatchObject({ code: 11 });
    expect(got[2]).toEqual(new Error('pn-t-pod-3 exists'));
    expect(log).toEqual([
      'create pn-t-pod-1',
      'add uid-1',
      'create pn-t-pod-2',
      'add uid-2',
      'delete pn-t-pod-2',
      'create pn-t-pod-3',
    ]);
  });

  it('a failed batch falls back to one pod at a time, and says so', async () => {
    const { s, log } = setup({ batch: batch(true) });
    const got = await setUpSandboxes(s, [req(1), req(2)]);
    expect(got).toEqual([result('uid-1'), result('uid-2')]);
    expect(log[0]).toBe('log: batched set-up of 2 pod(s) failed, now one by one: Command failed -:7');
    expect(log.slice(1)).toEqual(['create pn-t-pod-1', 'add uid-1', 'create pn-t-pod-2', 'add uid-2']);
  });
});
