// Pure plans for podnet-bridge: attachment facts in, `ip -batch` text out, one batch per
// namespace, so what an ADD will do can be read (and golden-tested) before it is done.
//
// Order matters: the bridge exists before the node batch runs (created on its own, because
// concurrent ADDs race to create it and "File exists" must be tolerated there only); the
// veth's peer is created directly inside the pod netns (`peer name eth0 netns PATH`), so no
// container-side name ever appears in the node netns where it could clash; the pod batch
// runs after that, when eth0 exists.
import { createHash } from 'node:crypto';
import type { Route } from '../types.js';

export interface AttachSpec {
  bridge: string;
  hostVeth: string;
  /** MACs of the two veth ends (vethMacs): set at creation, so the Result needs no read-back. */
  hostMac: string;
  podMac: string;
  ifName: string;
  /** The pod's netns path (CNI_NETNS). */
  netns: string;
  /** The pod's addresses (with prefix length) and their gateways, from IPAM. */
  ips: Array<{ address: string; gateway?: string }>;
  isGateway: boolean;
  isDefaultGateway: boolean;
  hairpinMode: boolean;
  /** No prefix route in the pod: its subnet too is reached through the gateway (config.ts). */
  subnetViaGateway: boolean;
  mtu?: number;
  /** Routes from IPAM, added in the pod as well. */
  routes: Route[];
}

export interface AttachPlan {
  /** Creates the bridge; run it alone and tolerate "File exists". */
  bridge: string;
  /** The node netns's part, run after `bridge`: the bridge's gateway address and up (the same for every pod)... */
  gateway: string;
  /** ...then the pod's veth pair, its host end on the bridge. */
  veth: string;
  /** Run in the pod netns after `veth`. */
  pod: string;
}

/**
 * The node-side veth name: `pn-v` + 10 hex digits of sha256(containerID/ifName). Stable, so
 * DEL and rollback find the link without state; 14 characters, within IFNAMSIZ (15).
 */
export function hostVethName(containerID: string, ifName: string): string {
  return `pn-v${createHash('sha256').update(`${containerID}/${ifName}`).digest('hex').slice(0, 10)}`;
}

/**
 * The veth ends' MACs: 6 bytes of sha256(containerID/ifName/end), locally administered and
 * unicast. Chosen rather than read back after creation: the Result names them without an
 * `ip -j link show` per end (two processes, ~3 ms each, one of them inside the pod netns).
 * 46 random bits per address: a clash between two pods of one bridge is ~1e-10 for 100 pods.
 */
export function vethMacs(containerID: string, ifName: string): { host: string; pod: string } {
  const mac = (end: string) => {
    const b = createHash('sha256').update(`${containerID}/${ifName}/${end}`).digest().subarray(0, 6);
    b[0] = (b[0] & 0xfc) | 0x02;
    return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
  };
  return { host: mac('host'), pod: mac('pod') };
}

const prefixOf = (cidr: string) => cidr.slice(cidr.indexOf('/') + 1);
const isV6 = (ip: string) => ip.includes(':');
const lines = (xs: Array<string | false | undefined>) =>
  xs
    .filter((x): x is string => !!x)
    .map((x) => `${x}\n`)
    .join('');

/** IPAM's routes plus, per family, a default route via that family's gateway unless IPAM gave one. */
export function podRoutes(s: AttachSpec): Route[] {
  const routes = [...s.routes];
  for (const ip of s.ips) {
    const dflt = isV6(ip.address) ? '::/0' : '0.0.0.0/0';
    if (s.isDefaultGateway && ip.gateway && !routes.some((r) => r.dst === dflt))
      routes.push({ dst: dflt, gw: ip.gateway });
  }
  return routes;
}

export function planAttach(s: AttachSpec): AttachPlan {
  const mtu = s.mtu ? ` mtu ${s.mtu}` : '';
  const gateway = lines([
    ...s.ips.map(
      (ip) =>
        s.isGateway &&
        !!ip.gateway &&
        `address replace ${ip.gateway}/${prefixOf(ip.address)} dev ${s.bridge}`,
    ),
    `link set dev ${s.bridge} up`,
  ]);
  const veth = lines([
    `link add ${s.hostVeth}${mtu} address ${s.hostMac} type veth peer name ${s.ifName}${mtu} address ${s.podMac} netns ${s.netns}`,
    `link set dev ${s.hostVeth} master ${s.bridge}`,
    // Hairpin lets a pod reach itself through a Service VIP (the packet leaves and returns on one port).
    s.hairpinMode && `link set dev ${s.hostVeth} type bridge_slave hairpin on`,
    `link set dev ${s.hostVeth} up`,
  ]);
  const pod = lines([
    'link set dev lo up',
    ...s.ips.map(
      (ip) => `address add ${ip.address} dev ${s.ifName}${s.subnetViaGateway ? ' noprefixroute' : ''}`,
    ),
    `link set dev ${s.ifName} up`,
    ...s.ips.map(
      (ip) => s.subnetViaGateway && ip.gateway && `route replace ${ip.gateway} dev ${s.ifName} scope link`,
    ),
    ...podRoutes(s).map((r) => {
      const dst = r.dst === '0.0.0.0/0' || r.dst === '::/0' ? 'default' : r.dst;
      const gw = r.gw ?? s.ips.find((ip) => isV6(ip.address) === isV6(r.dst))?.gateway;
      return `route replace ${dst}${gw ? ` via ${gw}` : ''} dev ${s.ifName}${r.mtu ? ` mtu ${r.mtu}` : ''}`;
    }),
  ]);
  return { bridge: `link add ${s.bridge}${mtu} type bridge\n`, gateway, veth, pod };
}
