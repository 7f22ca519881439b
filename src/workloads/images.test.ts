import { describe, expect, it } from 'vitest';
import type { Container } from '../api/types.js';
import { imageName, resolveWorkload, type Workload } from './images.js';

const AGNHOST = 'registry.k8s.io/e2e-test-images/agnhost:2.47';
const ports = (...p: [number, string?][]) =>
  p.map(([containerPort, protocol]) => ({ containerPort, protocol }));
const onPorts = (...p: [number, string][]) =>
  `--ports=${JSON.stringify(p.map(([port, protocol]) => ({ port, protocol })))}`;

describe('imageName', () => {
  it.each([
    { image: AGNHOST, want: 'agnhost' },
    { image: 'nginx', want: 'nginx' },
    { image: 'docker.io/library/nginx:1.25@sha256:abc', want: 'nginx' },
    { image: 'localhost:5000/team/HTTPD', want: 'httpd' },
    { image: '', want: '' },
  ])('$image', ({ image, want }) => expect(imageName(image)).toBe(want));
});

describe('resolveWorkload', () => {
  const cases: { name: string; container: Partial<Container>; want: Omit<Workload, 'reason'> }[] = [
    {
      name: 'agnhost netexec args',
      container: { image: AGNHOST, args: ['netexec', '--http-port=8080', '--udp-port=8081'] },
      want: { kind: 'builtin', args: ['netexec', '--http-port=8080', '--udp-port=8081'] },
    },
    {
      name: 'agnhost via command',
      container: { image: AGNHOST, command: ['/agnhost', 'serve-hostname'], args: ['--port=9000'] },
      want: { kind: 'builtin', args: ['serve-hostname', '--port=9000'] },
    },
    {
      name: 'agnhost pause',
      container: { image: AGNHOST, args: ['pause'] },
      want: { kind: 'builtin', args: ['pause'] },
    },
    {
      name: 'agnhost default on declared ports',
      container: { image: AGNHOST, ports: ports([80], [53, 'UDP'], [9, 'SCTP']) },
      want: { kind: 'builtin', args: ['netexec', onPorts([80, 'TCP'], [53, 'UDP'], [9, 'SCTP'])] },
    },
    {
      name: 'agnhost without ports',
      container: { image: AGNHOST },
      want: { kind: 'builtin', args: ['netexec'] },
    },
    {
      name: 'agnhost unknown subcommand',
      container: { image: AGNHOST, args: ['porter'], ports: ports([8080]) },
      want: { kind: 'builtin', args: ['netexec', onPorts([8080, 'TCP'])] },
    },
    {
      name: 'nginx declared',
      container: { image: 'nginx:1.25', ports: ports([8080]) },
      want: { kind: 'builtin', args: ['netexec', onPorts([8080, 'TCP'])] },
    },
    {
      name: 'nginx default port',
      container: { image: 'nginx' },
      want: { kind: 'builtin', args: ['netexec', onPorts([80, 'TCP'])] },
    },
    {
      name: 'http-echo text and listen',
      container: { image: 'hashicorp/http-echo', args: ['-listen=:5679', '-text=hello'] },
      want: { kind: 'builtin', args: ['netexec', onPorts([5679, 'TCP']), '--text=hello'] },
    },
    {
      name: 'whoami',
      container: { image: 'traefik/whoami' },
      want: { kind: 'builtin', args: ['netexec', onPorts([80, 'TCP'])] },
    },
    {
      name: 'busybox idles',
      container: { image: 'busybox:1.36' },
      want: { kind: 'builtin', args: ['idle'] },
    },
    {
      name: 'curl idles',
      container: { image: 'curlimages/curl' },
      want: { kind: 'builtin', args: ['idle'] },
    },
    {
      name: 'busybox command',
      container: { image: 'busybox', command: ['sh', '-c'], args: ['sleep 5'] },
      want: { kind: 'command', argv: ['sh', '-c', 'sleep 5'] },
    },
    {
      name: 'pause image',
      container: { image: 'registry.k8s.io/pause:3.9' },
      want: { kind: 'builtin', args: ['pause'] },
    },
    {
      name: 'coredns (its Corefile arguments are not ours)',
      container: {
        image: 'registry.k8s.io/coredns/coredns:v1.11.1',
        args: ['-conf', '/etc/coredns/Corefile'],
        ports: ports([53, 'UDP'], [53, 'TCP'], [9153, 'TCP']),
      },
      want: { kind: 'builtin', args: ['dns'] },
    },
    {
      name: 'coredns via its command',
      container: {
        image: 'coredns/coredns',
        command: ['/coredns'],
        args: ['-conf', '/etc/coredns/Corefile'],
      },
      want: { kind: 'builtin', args: ['dns'] },
    },
    {
      name: 'coredns image running another program',
      container: { image: 'coredns/coredns', command: ['sleep'], args: ['5'] },
      want: { kind: 'command', argv: ['sleep', '5'] },
    },
    {
      name: 'podnet/dns passes its args',
      container: {
        image: 'podnet/dns',
        args: ['--api-socket=/run/podnet/x/api-read.sock', '--zone=example.org'],
      },
      want: {
        kind: 'builtin',
        args: ['dns', '--api-socket=/run/podnet/x/api-read.sock', '--zone=example.org'],
      },
    },
    {
      name: 'podnet/dns with registry and tag',
      container: { image: 'localhost:5000/podnet/dns:0.1' },
      want: { kind: 'builtin', args: ['dns'] },
    },
    {
      name: 'another image named dns is no DNS server',
      container: { image: 'example.com/dns:1' },
      want: { kind: 'builtin', args: ['idle'] },
    },
    {
      name: 'unknown image with ports',
      container: { image: 'example.com/app:1', ports: ports([3000]) },
      want: { kind: 'builtin', args: ['netexec', onPorts([3000, 'TCP'])] },
    },
    {
      name: 'unknown image without ports',
      container: { image: 'example.com/app:1' },
      want: { kind: 'builtin', args: ['idle'] },
    },
  ];
  it.each(cases)('$name', ({ container, want }) => {
    const got = resolveWorkload({ name: 'c', ...container } as Container);
    expect({ ...got, reason: undefined }).toEqual({ ...want, reason: undefined });
  });
});
