// The ADD Result of podnet-bridge, built from the plan's facts. One function for the plugin
// (one pod per call) and the agent's batched set-up (many pods per call), so a pod's Result is
// the same whichever path attached it.
import type { Dns, Result } from '../types.js';
import { podRoutes, type AttachSpec } from './plan.js';

/**
 * interfaces `[bridge, host veth, container (sandbox)]`, ips pointing at the container
 * interface (index 2), the pod's routes, and IPAM's DNS when it gave any. `bridgeMac` is
 * read after the veth joined the bridge: a bridge without a set address takes the lowest of
 * its ports' MACs.
 */
export function attachResult(s: AttachSpec, bridgeMac: string, cniVersion: string, dns?: Dns): Result {
  return {
    cniVersion,
    interfaces: [
      { name: s.bridge, mac: bridgeMac },
      { name: s.hostVeth, mac: s.hostMac },
      { name: s.ifName, mac: s.podMac, sandbox: s.netns, ...(s.mtu ? { mtu: s.mtu } : {}) },
    ],
    ips: s.ips.map((ip) => ({ ...ip, interface: 2 })),
    routes: podRoutes(s),
    ...(dns ? { dns } : {}),
  };
}
