import { describe, expect, it } from 'vitest';
import { buildDnsConfig, parseUpstream } from './config.js';

describe('parseUpstream', () => {
  it.each([
    { text: '10.0.0.1', want: { host: '10.0.0.1', port: 53 } },
    { text: '10.0.0.1:5353', want: { host: '10.0.0.1', port: 5353 } },
    { text: '[fd00::1]:5353', want: { host: 'fd00::1', port: 5353 } },
    { text: 'FD00:0::1', want: { host: 'fd00::1', port: 53 } },
    { text: '[fd00::1]', want: { host: 'fd00::1', port: 53 } },
  ])('$text', ({ text, want }) => expect(parseUpstream(text)).toEqual(want));

  it.each(['dns.google', '10.0.0.1:0', '10.0.0.1:99999', '300.1.1.1', ''])('rejects "%s"', (text) =>
    expect(() => parseUpstream(text)).toThrow(/--upstream/),
  );
});

describe('buildDnsConfig', () => {
  it('has the Corefile defaults', () => {
    expect(buildDnsConfig(['--api-socket=/run/x.sock', '--pod-name=coredns-1'])).toEqual({
      apiSocket: '/run/x.sock',
      dns: { zone: 'cluster.local', pods: 'insecure' },
      port: 53,
      metricsPort: 9153,
      healthPort: 8080,
      readyPort: 8181,
      upstream: undefined,
      upstreamTimeoutMs: 2000,
      cacheSize: 10_000,
    });
  });

  it('takes every flag, in the Go flag forms', () => {
    const cfg = buildDnsConfig(
      [
        '--zone',
        'example.org',
        '-pods=verified',
        '--upstream=10.0.0.2:5300',
        '--port=1053',
        '--metrics-port=-1',
      ],
      { PODNET_API_SOCKET: '/env.sock' },
    );
    expect(cfg).toMatchObject({
      apiSocket: '/env.sock',
      dns: { zone: 'example.org', pods: 'verified' },
      port: 1053,
      metricsPort: null,
      upstream: { host: '10.0.0.2', port: 5300 },
    });
  });

  it.each([
    { args: [], want: /--api-socket/ },
    { args: ['--api-socket=/x', '--pods=maybe'], want: /--pods/ },
    { args: ['--api-socket=/x', '--port=-1'], want: /cannot be disabled/ },
    { args: ['--api-socket=/x', '--ready-port=70000'], want: /--ready-port/ },
  ])('rejects $args', ({ args, want }) => expect(() => buildDnsConfig(args)).toThrow(want));
});
