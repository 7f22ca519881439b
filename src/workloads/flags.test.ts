import { describe, expect, it } from 'vitest';
import { buildNetexecConfig, buildServeHostnameConfig, parseArgs } from './flags.js';

describe('parseArgs', () => {
  it('accepts the Go flag forms', () => {
    const { flags, positional } = parseArgs(['--http-port=80', '-udp-port', '53', '--udp', 'x']);
    expect(Object.fromEntries(flags)).toEqual({ 'http-port': ['80'], 'udp-port': ['53'], udp: ['true'] });
    expect(positional).toEqual(['x']);
  });
});

describe('buildNetexecConfig', () => {
  const cases = [
    { name: 'agnhost defaults', args: [], tcp: [8080], udp: [8081] },
    { name: 'http only given keeps udp default', args: ['--http-port=80'], tcp: [80], udp: [8081] },
    { name: 'udp disabled', args: ['--http-port=8080', '--udp-port=-1'], tcp: [8080], udp: [] },
    {
      name: 'repeated and comma lists',
      args: ['--http-port=80,8080', '--http-port', '9000', '--udp-port=53'],
      tcp: [80, 8080, 9000],
      udp: [53],
    },
    {
      name: 'declared ports only',
      args: [
        '--ports=[{"port":80,"protocol":"TCP"},{"port":53,"protocol":"UDP"},{"port":9,"protocol":"SCTP"}]',
      ],
      tcp: [80],
      udp: [53],
      skipped: [{ port: 9, protocol: 'SCTP' }],
    },
    {
      name: 'sctp flag skipped',
      args: ['--sctp-port=7'],
      tcp: [8080],
      udp: [8081],
      skipped: [{ port: 7, protocol: 'SCTP' }],
    },
  ];
  it.each(cases)('$name', ({ args, tcp, udp, skipped }) => {
    const cfg = buildNetexecConfig(args, 'p');
    expect(cfg).toMatchObject({ podName: 'p', tcpPorts: tcp, udpPorts: udp, skipped: skipped ?? [] });
  });
  it.each([['--http-port=x'], ['--ports=nope'], ['--http-port=70000']])('rejects %s', (arg) => {
    expect(() => buildNetexecConfig([arg], 'p')).toThrow(/--/);
  });
});

describe('buildServeHostnameConfig', () => {
  it('HTTP on 9376 by default, UDP with --udp', () => {
    expect(buildServeHostnameConfig([], 'p')).toMatchObject({ tcpPorts: [9376], udpPorts: [] });
    expect(buildServeHostnameConfig(['--udp', '--port=9000'], 'p')).toMatchObject({
      tcpPorts: [],
      udpPorts: [9000],
    });
  });
});
