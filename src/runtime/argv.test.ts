import { describe, expect, it } from 'vitest';
import { buildSandboxArgv, buildWorkloadArgv, logPath, NOBODY } from './argv.js';

describe('buildSandboxArgv', () => {
  it('enters the netns and drops every privilege before the program', () => {
    expect(buildSandboxArgv('pn-x-pod', NOBODY, ['sleep', '1'])).toEqual([
      'ip', 'netns', 'exec', 'pn-x-pod',
      'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs',
      '--', 'sleep', '1',
    ]); // prettier-ignore
  });
  it.each([
    { name: 'root user', user: { uid: 0, gid: 0 }, argv: ['x'] },
    { name: 'empty argv', user: NOBODY, argv: [] },
  ])('refuses $name', ({ user, argv }) => expect(() => buildSandboxArgv('pn-x', user, argv)).toThrow());
});

describe('buildWorkloadArgv', () => {
  const runner = { nodePath: '/usr/bin/node', workloadScript: '/r/dist/main/workload.js' };
  it('runs built-ins with the pod name', () => {
    const argv = buildWorkloadArgv(
      { kind: 'builtin', args: ['netexec', '--http-port=80'], reason: '' },
      'web-1',
      runner,
    );
    expect(argv[0]).toBe('/usr/bin/node');
    expect(argv.slice(-4)).toEqual([
      '/r/dist/main/workload.js',
      'netexec',
      '--http-port=80',
      '--pod-name=web-1',
    ]);
  });
  it('runs commands as given', () => {
    expect(buildWorkloadArgv({ kind: 'command', argv: ['sh', '-c', 'x'], reason: '' }, 'p', runner)).toEqual([
      'sh',
      '-c',
      'x',
    ]);
  });
});

it('logPath', () => {
  expect(logPath('/var/lib/podnet', 'default', 'web', 'c1')).toBe('/var/lib/podnet/pods/default_web/c1.log');
});
