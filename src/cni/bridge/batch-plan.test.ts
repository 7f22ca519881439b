import { describe, expect, it } from 'vitest';
import { planBatch, planRollback, type BatchPod } from './batch-plan.js';
import { hostVethName, vethMacs, type AttachSpec } from './plan.js';

const pod = (n: number, tweak: (s: AttachSpec) => AttachSpec = (s) => s): BatchPod => {
  const netnsName = `pn-podnet-pod-${n}`;
  return {
    netnsName,
    spec: tweak({
      bridge: 'pn-br0',
      hostVeth: hostVethName(`uid-${n}`, 'eth0'),
      hostMac: vethMacs(`uid-${n}`, 'eth0').host,
      podMac: vethMacs(`uid-${n}`, 'eth0').pod,
      ifName: 'eth0',
      netns: `/run/netns/${netnsName}`,
      ips: [{ address: `10.244.0.${n + 1}/24`, gateway: '10.244.0.1' }],
      isGateway: true,
      isDefaultGateway: true,
      hairpinMode: true,
      subnetViaGateway: true,
      mtu: 1450,
      routes: [],
    }),
  };
};

describe('planBatch', () => {
  it('two pods: namespaces, shared gateway lines once, veths, pod scripts, the bridge read', async () => {
    const pods = [pod(1), pod(2)];
    const p = planBatch(pods, '/tmp/pn-batch');
    const files = p.files.map((f) => `# ${f.path}\n${f.text}`).join('');
    const text = `# bridge\n${p.bridge}# node netns (ip -j -batch)\n${p.node}${files}# rollback (ip -force -batch)\n${planRollback(pods)}`;
    await expect(text).toMatchFileSnapshot('testdata/batch.ipbatch');
  });

  it('names the pod each line sets up, so a failure can name it', () => {
    const p = planBatch([pod(1), pod(2)], '/d');
    const lines = p.node.trimEnd().split('\n');
    expect(p.owners).toHaveLength(lines.length);
    const ownerOf = (re: RegExp) => p.owners[lines.findIndex((l) => re.test(l))];
    expect(ownerOf(/^netns add pn-podnet-pod-2$/)).toBe('pn-podnet-pod-2');
    expect(ownerOf(/^address replace/)).toBe('');
    expect(ownerOf(/^netns exec pn-podnet-pod-1 /)).toBe('pn-podnet-pod-1');
    expect(lines.at(-1)).toBe('link show dev pn-br0');
  });

  const refused: Array<{ name: string; pods: BatchPod[]; want: RegExp }> = [
    { name: 'no pods', pods: [], want: /no pods/ },
    {
      name: 'a netns name ip would split',
      pods: [{ ...pod(1), netnsName: 'pn-x y' }],
      want: /unsafe netns name/,
    },
    {
      name: 'a name podnet does not own',
      pods: [{ ...pod(1), netnsName: 'other' }],
      want: /unsafe netns name/,
    },
    {
      name: 'a spec for another netns',
      pods: [{ ...pod(1), netnsName: 'pn-podnet-pod-9' }],
      want: /is not the path of netns/,
    },
    {
      name: 'an interface name with a blank',
      pods: [pod(1, (s) => ({ ...s, ifName: 'eth0 up' }))],
      want: /unsafe interface name/,
    },
    { name: 'two bridges', pods: [pod(1), pod(2, (s) => ({ ...s, bridge: 'pn-br1' }))], want: /bridges/ },
  ];
  it.each(refused)('refuses $name', ({ pods, want }) => {
    expect(() => planBatch(pods, '/d')).toThrow(want);
  });
});
