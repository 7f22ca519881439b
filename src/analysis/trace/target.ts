// Parsing trace endpoints (DESIGN.md §3). SRC: `ns/pod`, `pod` (namespace default), `external`
// (the outside client, 172.18.0.100) or `external:IP` (a client at another outside address: what
// loadBalancerSourceRanges decide on), `node/NAME`. DST: `ns/pod`, an IP, `host:port`, a DNS name, or a URL.
import type { Cluster } from '../../api/cluster.js';
import type { Pod } from '../../api/types.js';
import { isIP, parseIPv4 } from '../../lib/netaddr/index.js';

export type Source =
  { kind: 'pod'; pod: Pod } | { kind: 'external'; ip?: string } | { kind: 'node'; name: string };

export type Destination =
  | { kind: 'pod'; pod: Pod; port?: number }
  | { kind: 'ip'; ip: string; port?: number }
  | { kind: 'name'; name: string; port?: number }
  | { kind: 'url'; url: URL };

export class TargetError extends Error {}

export function findPod(cluster: Cluster, ref: string): Pod | undefined {
  const [ns, name] = ref.includes('/') ? ref.split('/', 2) : ['default', ref];
  return cluster.pods.find((p) => p.metadata.namespace === ns && p.metadata.name === name);
}

export function parseSource(cluster: Cluster, text: string): Source {
  if (text === 'external') return { kind: 'external' };
  if (text.startsWith('external:')) {
    const ip = text.slice('external:'.length);
    if (parseIPv4(ip) === null) throw new TargetError(`"${text}": external:IP needs an IPv4 address`);
    return { kind: 'external', ip };
  }
  if (text.startsWith('node/')) {
    const name = text.slice(5);
    if (!cluster.nodes.some((n) => n.metadata.name === name))
      throw new TargetError(`node "${name}" not found`);
    return { kind: 'node', name };
  }
  const pod = findPod(cluster, text);
  if (!pod)
    throw new TargetError(
      `source pod "${text.includes('/') ? text : `default/${text}`}" not found (use ns/pod, external, external:IP or node/NAME)`,
    );
  if (!pod.status?.podIP)
    throw new TargetError(`source pod "${text}" has no IP (phase ${pod.status?.phase ?? 'Pending'})`);
  return { kind: 'pod', pod };
}

function splitPort(text: string): { host: string; port?: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(text);
  if (!m) return { host: text };
  return { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

export function parseDestination(cluster: Cluster, text: string): Destination {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      const url = new URL(text);
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new TargetError(`unsupported URL scheme ${url.protocol} (http or https)`);
      return { kind: 'url', url };
    } catch (e) {
      if (e instanceof TargetError) throw e;
      throw new TargetError(`"${text}" is not a valid URL`);
    }
  }
  const { host, port } = splitPort(text);
  if (isIP(host)) return { kind: 'ip', ip: host, port };
  if (/^[^/]+\/[^/]+$/.test(host)) {
    const pod = findPod(cluster, host);
    if (!pod) throw new TargetError(`destination pod "${host}" not found`);
    return { kind: 'pod', pod, port };
  }
  if (!/^[a-zA-Z0-9_]([a-zA-Z0-9_.-]*[a-zA-Z0-9.])?$/.test(host))
    throw new TargetError(`"${text}" is neither a pod, an IP, a DNS name nor a URL`);
  return { kind: 'name', name: host, port };
}
