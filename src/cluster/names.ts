// Every name the cluster network uses, in one place (STYLE rule 3). Namespaces carry the
// cluster name (`pn-<cluster>-...`, DESIGN.md §2) so `podnet down` finds them all; links live
// inside those namespaces, so their names need no cluster part and stay within the kernel's
// 15-character limit (IFNAMSIZ 16 with the NUL).

/** Cluster names: lower-case letters and digits, no dash, so `pn-<name>-` never prefixes another cluster's namespaces. */
export const CLUSTER_NAME = /^[a-z][a-z0-9]{0,30}$/;

export function isClusterName(name: string): boolean {
  return CLUSTER_NAME.test(name);
}

/** Every namespace of cluster `name` starts with this. */
export const clusterPrefix = (name: string) => `pn-${name}-`;

export const fabricNetns = (name: string) => `pn-${name}-fabric`;
export const externalNetns = (name: string) => `pn-${name}-external`;
/** Node `index` counts from 1, as the node names do (`node-1`). */
export const nodeNetns = (name: string, index: number) => `pn-${name}-node-${index}`;
export const nodeName = (index: number) => `node-${index}`;

/** The L2 bridge of the node network, inside the fabric namespace. It has no address. */
export const FABRIC_BRIDGE = 'pn-fabric';
/** Fabric-side ends of the veths, one per attached namespace. */
export const fabricPortForNode = (index: number) => `pn-node-${index}`;
export const FABRIC_PORT_EXTERNAL = 'pn-external';
/** The namespace side of every fabric veth. */
export const UPLINK = 'eth0';

export const VXLAN_DEVICE = 'pn-vxlan';
/** Flannel's defaults: VNI 1 and the Linux kernel's VXLAN port 8472 (not IANA's 4789). */
export const VXLAN_VNI = 1;
export const VXLAN_PORT = 8472;
/** 50 bytes of VXLAN encapsulation (outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8) below 1500. */
export const VXLAN_MTU = 1450;
export const FABRIC_MTU = 1500;

/** The CNI plugin's pod bridge in each node namespace (created by the plugin, not by the topology). */
export const POD_BRIDGE = 'pn-br0';

/**
 * The VTEP MAC of node `index`: locally administered unicast (first octet 0x02), then "pn"
 * (0x70 0x6e), 0x01 for "VTEP", and the index in two octets. Deterministic, so a node's FDB
 * and neighbour entries for its peers are a pure function of the node list.
 */
export function vtepMAC(index: number): string {
  if (!Number.isInteger(index) || index < 1 || index > 0xffff)
    throw new RangeError(`node index ${index} out of range`);
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return `02:70:6e:01:${hex(index >> 8)}:${hex(index & 0xff)}`;
}
