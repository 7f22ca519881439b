import { describe, expect, it } from 'vitest';
import { buildProbeCommand, isProbeSuccess, resolvePort } from './probe-command.js';

const target = { host: '10.244.0.5', ports: [{ name: 'http', containerPort: 8080 }] };

describe('buildProbeCommand', () => {
  it('httpGet with a named port and headers', () => {
    const cmd = buildProbeCommand(
      { httpGet: { port: 'http', path: 'healthz', httpHeaders: [{ name: 'X-A', value: 'b' }] } },
      target,
      1000,
    );
    expect(cmd.type).toBe('http');
    expect('argv' in cmd && cmd.argv).toEqual([
      'curl',
      '-sS',
      '-k',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '--max-time',
      '1.000',
      '-H',
      'X-A: b',
      '-A',
      'kube-probe/podnet',
      'http://10.244.0.5:8080/healthz',
    ]);
  });
  it('tcpSocket passes the address as arguments', () => {
    expect(buildProbeCommand({ tcpSocket: { port: 80 } }, target, 500)).toEqual({
      type: 'tcp',
      argv: ['timeout', '0.500', 'bash', '-c', 'exec 3<>"/dev/tcp/$0/$1"', '10.244.0.5', '80'],
    });
  });
  it('exec', () =>
    expect(buildProbeCommand({ exec: { command: ['true'] } }, target, 1000)).toEqual({
      type: 'exec',
      argv: ['true'],
    }));
  it.each([
    { name: 'unknown named port', probe: { tcpSocket: { port: 'nope' } } },
    { name: 'no handler', probe: {} },
    { name: 'empty exec', probe: { exec: { command: [] } } },
  ])('$name is invalid', ({ probe }) => expect(buildProbeCommand(probe, target, 1000).type).toBe('invalid'));
});

describe('isProbeSuccess', () => {
  const http = { type: 'http', argv: [] } as const;
  it.each([
    { code: 0, out: '200', want: true },
    { code: 0, out: '302', want: true },
    { code: 0, out: '404', want: false },
    { code: 7, out: '000', want: false },
  ])('http $out', ({ code, out, want }) => expect(isProbeSuccess(http, code, out)).toBe(want));
  it('resolvePort', () =>
    expect([resolvePort('http', target.ports), resolvePort('81', []), resolvePort(82, [])]).toEqual([
      8080, 81, 82,
    ]));
});
