// Images are never pulled (DESIGN.md §2): a container becomes either a built-in workload
// (dist/main/workload.js with these arguments) or a program from the host's filesystem.
// Pure: the same mapping serves the node agent and analysis ("what will answer on this port?").
import type { Container, ContainerPort } from '../api/types.js';

export type Workload =
  /** Arguments for `node dist/main/workload.js` (the runtime adds `--pod-name`). */
  | { kind: 'builtin'; args: string[]; reason: string }
  /** A host program: argv[0] is looked up on PATH inside the pod's mount view. */
  | { kind: 'command'; argv: string[]; reason: string };

/** Port as the workloads take it in `--ports=JSON`. */
export interface DeclaredPort {
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
}

/** Images answering HTTP like netexec, and the port they listen on when none is declared. */
const HTTP_IMAGES: Record<string, number> = {
  nginx: 80,
  'nginx-unprivileged': 8080,
  httpd: 80,
  caddy: 80,
  'http-echo': 5678,
  whoami: 80,
  httpbin: 80,
  'echo-server': 80,
  'http-https-echo': 8080,
  echoserver: 8080,
  'hello-app': 8080,
  'test-webserver': 80,
};

/** Shell-ish images: without `command` they would run a shell and exit; we keep them idle. */
const IDLE_IMAGES = new Set([
  'busybox',
  'alpine',
  'curl',
  'ubuntu',
  'debian',
  'netshoot',
  'centos',
  'fedora',
  'dnsutils',
  'jessie-dnsutils',
]);

const AGNHOST_SUBCOMMANDS = new Set(['netexec', 'serve-hostname', 'pause']);

/** podnet's own DNS image (cluster/addons.ts), whose `args` are the dns workload's flags. */
const PODNET_DNS = 'podnet/dns';

/**
 * The short name of an image: registry, path, tag and digest removed
 * (`registry.k8s.io/e2e-test-images/agnhost:2.45` -> `agnhost`).
 */
export function imageName(image: string | undefined): string {
  if (!image) return '';
  const noDigest = image.split('@')[0];
  const last = noDigest.split('/').pop() ?? '';
  return last.split(':')[0].toLowerCase();
}

/** The repository of an image, registry included: tag and digest removed, lower case. */
function imageRepository(image: string | undefined): string {
  const noDigest = (image ?? '').split('@')[0].toLowerCase();
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/**
 * Cluster DNS images: CoreDNS (`registry.k8s.io/coredns/coredns`, `coredns/coredns`) and podnet's
 * own. CoreDNS's arguments name its Corefile, which is not read: the server runs with the
 * Corefile Kubernetes installs (cluster.local, pods insecure, no upstream unless given).
 */
function dnsWorkload(container: Container, name: string): Workload | undefined {
  const repo = imageRepository(container.image);
  if (repo === PODNET_DNS || repo.endsWith(`/${PODNET_DNS}`)) {
    return {
      kind: 'builtin',
      args: ['dns', ...(container.args ?? [])],
      reason: 'podnet/dns: the cluster DNS server',
    };
  }
  const command = container.command ?? [];
  if (name === 'coredns' && (command.length === 0 || /(^|\/)coredns$/.test(command[0]))) {
    return {
      kind: 'builtin',
      args: ['dns'],
      reason: "coredns: podnet's cluster DNS server (the Corefile is not read)",
    };
  }
  return undefined;
}

export function declaredPorts(container: Container): DeclaredPort[] {
  return (container.ports ?? []).map((p: ContainerPort) => ({
    port: p.containerPort,
    protocol: (p.protocol ?? 'TCP') as DeclaredPort['protocol'],
  }));
}

const netexecOn = (ports: DeclaredPort[]): string[] => ['netexec', `--ports=${JSON.stringify(ports)}`];

/** Maps a container to what the runtime starts. Never fails: unknown images get the default workload. */
export function resolveWorkload(container: Container): Workload {
  const name = imageName(container.image);
  const ports = declaredPorts(container);
  const command = container.command ?? [];
  const args = container.args ?? [];

  if (name === 'agnhost') {
    // e2e manifests write both `args: [netexec, ...]` and `command: [/agnhost, netexec, ...]`.
    const viaCommand = command.length > 0 && /(^|\/)agnhost$/.test(command[0]);
    if (command.length === 0 || viaCommand) {
      const all = viaCommand ? [...command.slice(1), ...args] : args;
      if (all.length > 0 && AGNHOST_SUBCOMMANDS.has(all[0])) {
        return { kind: 'builtin', args: all, reason: `agnhost ${all[0]}` };
      }
      if (all.length > 0) {
        return {
          kind: 'builtin',
          args: netexecOn(ports),
          reason: `agnhost ${all[0]} is not built in; netexec on declared ports`,
        };
      }
      return {
        kind: 'builtin',
        args: ports.length ? netexecOn(ports) : ['netexec'],
        reason: 'agnhost default: netexec',
      };
    }
  }
  const dns = dnsWorkload(container, name);
  if (dns) return dns;
  if (command.length > 0)
    return { kind: 'command', argv: [...command, ...args], reason: 'container command from the host' };
  if (name === 'pause') return { kind: 'builtin', args: ['pause'], reason: 'pause image' };
  if (name in HTTP_IMAGES) {
    const http = ports.length
      ? ports
      : [{ port: listenPortArg(args) ?? HTTP_IMAGES[name], protocol: 'TCP' as const }];
    const text = httpEchoText(name, args);
    return {
      kind: 'builtin',
      args: [...netexecOn(http), ...(text === undefined ? [] : [`--text=${text}`])],
      reason: `${name} serves HTTP like netexec`,
    };
  }
  if (IDLE_IMAGES.has(name))
    return { kind: 'builtin', args: ['idle'], reason: `${name} without command idles` };
  if (ports.length)
    return {
      kind: 'builtin',
      args: netexecOn(ports),
      reason: `unknown image ${name || '(none)'}: netexec on declared ports`,
    };
  return { kind: 'builtin', args: ['idle'], reason: `unknown image ${name || '(none)'} without ports idles` };
}

/** hashicorp/http-echo answers every request with `-text=X`; keep that behaviour. */
function httpEchoText(name: string, args: string[]): string | undefined {
  if (name !== 'http-echo') return undefined;
  for (const a of args) {
    const m = /^--?text=(.*)$/s.exec(a);
    if (m) return m[1];
  }
  return undefined;
}

/** `-listen=:5678` (http-echo) or `--port=8000` (whoami) when no containerPort is declared. */
function listenPortArg(args: string[]): number | undefined {
  for (const a of args) {
    const m = /^--?(?:listen=(?:[^:]*):|port=)(\d+)$/.exec(a);
    if (m) return Number(m[1]);
  }
  return undefined;
}
