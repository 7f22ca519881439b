import { describe, expect, it } from 'vitest';
import { inProcessRunner } from './in-process-runner.js';
import type { PluginRunner } from './invoke.js';

const calls: string[] = [];
const fallback: PluginRunner = {
  async find(type) {
    calls.push(`find ${type}`);
    return `/usr/lib/cni/${type}`;
  },
  async run(r, netns) {
    calls.push(`run ${r.plugin}${netns ? ` in ${netns}` : ''}`);
    return { code: 0, stdout: '{}', stderr: '' };
  },
};

describe('inProcessRunner', () => {
  it("serves podnet's own types in-process with the executables' contract", async () => {
    const runner = inProcessRunner(fallback);
    const plugin = await runner.find('podnet-bridge', ['/x']);
    expect(plugin).toBe('in-process:podnet-bridge');
    const r = await runner.run({ plugin, env: { CNI_COMMAND: 'VERSION' }, stdin: '{"cniVersion":"1.1.0"}' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).supportedVersions).toContain('1.1.0');
  });

  it('executes other types, and its own types when a netns must be entered', async () => {
    calls.length = 0;
    const runner = inProcessRunner(fallback);
    await runner.run({ plugin: await runner.find('loopback', ['/usr/lib/cni']), env: {}, stdin: '' });
    await runner.run(
      { plugin: await runner.find('podnet-host-local', ['/opt']), env: { CNI_PATH: '/opt' }, stdin: '' },
      'pn-x-node-1',
    );
    expect(calls).toEqual([
      'find loopback',
      'run /usr/lib/cni/loopback',
      'find podnet-host-local',
      'run /usr/lib/cni/podnet-host-local in pn-x-node-1',
    ]);
  });
});
