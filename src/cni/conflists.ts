// The two network configurations a node agent can run (`podnet up --cni podnet|reference`):
// our plugins, or Debian's reference plugins (containernetworking-plugins in /usr/lib/cni).
// Both build the same network: bridge `pn-br0` holding the node's gateway (the first address
// of its pod CIDR), one veth per pod, host-local addresses, hairpin on, a default route.
import { fileURLToPath } from 'node:url';
import type { NetConfList } from './types.js';

/** libexec/cni of this checkout (dist/cni/ -> ../../libexec/cni). */
export const PODNET_CNI_DIR = fileURLToPath(new URL('../../libexec/cni', import.meta.url));
export const REFERENCE_CNI_DIR = '/usr/lib/cni';

export interface ConflistOptions {
  /** Network name; also the IPAM directory's name under dataDir. */
  name?: string;
  bridge?: string;
  /**
   * Where host-local keeps allocations. Nodes share the machine's filesystem, so each node
   * needs its own (e.g. /var/lib/podnet/<cluster>/<node>/ipam); default /var/lib/cni/networks.
   */
  dataDir?: string;
  mtu?: number;
}

function ipam(type: string, nodePodCIDR: string, o: ConflistOptions) {
  return { type, ranges: [[{ subnet: nodePodCIDR }]], ...(o.dataDir ? { dataDir: o.dataDir } : {}) };
}

function bridgeFields(o: ConflistOptions) {
  return {
    bridge: o.bridge ?? 'pn-br0',
    isGateway: true,
    isDefaultGateway: true,
    hairpinMode: true,
    ...(o.mtu ? { mtu: o.mtu } : {}),
  };
}

export function podnetConflist(nodePodCIDR: string, o: ConflistOptions = {}): NetConfList {
  return {
    cniVersion: '1.1.0',
    cniVersions: ['1.0.0', '1.1.0'],
    name: o.name ?? 'podnet',
    plugins: [
      {
        type: 'podnet-bridge',
        ...bridgeFields(o),
        subnetViaGateway: true,
        ipam: ipam('podnet-host-local', nodePodCIDR, o),
      },
    ],
  };
}

/**
 * Debian's plugins speak CNI up to 1.0.0 (no STATUS/GC), so the list says 1.0.0. loopback
 * passes prevResult through; portmap passes it through unless runtimeConfig.portMappings.
 */
export function referenceConflist(nodePodCIDR: string, o: ConflistOptions = {}): NetConfList {
  return {
    cniVersion: '1.0.0',
    name: o.name ?? 'podnet',
    plugins: [
      { type: 'bridge', ...bridgeFields(o), ipMasq: false, ipam: ipam('host-local', nodePodCIDR, o) },
      { type: 'loopback' },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
}
