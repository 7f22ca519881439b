// The network skeleton of a local cluster as a pure plan (DESIGN.md §2): which namespaces
// exist, and for each one the `ip -batch` / `bridge -batch` text, sysctls and offload settings
// that wire it. apply.ts runs a plan; nothing here touches the machine, so the whole wiring is
// golden-tested as text (testdata/*.ipbatch).
//
//   pn-<c>-fabric    bridge pn-fabric (no address) with one veth port per node and one for external
//   pn-<c>-node-<i>  eth0 = 172.18.0.(i+1)/16, ip_forward=1, and the backend's way to other nodes' pods
//   pn-<c>-external  eth0 = 172.18.0.100/16, the outside client
//
// Every link is created inside a podnet namespace (the veths inside the fabric namespace, their
// peers moved straight into the node's), so no link ever exists in the machine's root namespace.
import {
  cidrAddress,
  cidrContains,
  formatCIDR,
  formatIP,
  parseCIDR,
  parseIP,
  subnet,
} from '../lib/netaddr/index.js';
import {
  FABRIC_BRIDGE,
  FABRIC_PORT_EXTERNAL,
  UPLINK,
  VXLAN_DEVICE,
  VXLAN_MTU,
  VXLAN_PORT,
  VXLAN_VNI,
  FABRIC_MTU,
  externalNetns,
  fabricNetns,
  fabricPortForNode,
  isClusterName,
  nodeName,
  nodeNetns,
  vtepMAC,
} from './names.js';

export type Backend = 'vxlan' | 'host-gw';
export const BACKENDS: readonly Backend[] = ['vxlan', 'host-gw'];

/** The address plan; the defaults are DESIGN.md §2 (field names as in api/cluster.ts ClusterConfig). */
export interface NetworkConfig {
  /** The node network on the fabric; node i gets its (i+1)-th address. */
  nodeCIDR: string;
  /** The pod network; node i gets its (i-1)-th subnet of length nodeCIDRMaskSize. */
  podCIDR: string;
  nodeCIDRMaskSize: number;
  /** The outside client's address on the fabric. */
  externalAddress: string;
  /** Service ClusterIPs: nodes route them to the fabric (see nodeSetup). */
  serviceCIDR: string;
}

export const defaultNetworkConfig: NetworkConfig = {
  nodeCIDR: '172.18.0.0/16',
  podCIDR: '10.244.0.0/16',
  nodeCIDRMaskSize: 24,
  externalAddress: '172.18.0.100',
  serviceCIDR: '10.96.0.0/12',
};

export interface TopologyInput {
  name: string;
  nodes: number;
  backend: Backend;
  config?: Partial<NetworkConfig>;
}

/** What the rest of podnet needs to know about one node's network. */
export interface NodeNetwork {
  /** 1-based, as in the node name. */
  index: number;
  name: string;
  netns: string;
  /** The node's address on the fabric (no prefix length). */
  address: string;
  podCIDR: string;
  /** First address of podCIDR: the CNI bridge's address and the pods' default gateway. */
  gateway: string;
  /** vxlan only: the VTEP's address (podCIDR's network address, /32) and MAC. */
  vtep?: { address: string; mac: string };
}

/** How to wire one namespace, run in this order: sysctls, ip batch, bridge batch, offloads. */
export interface NamespaceSetup {
  netns: string;
  role: 'fabric' | 'node' | 'external';
  /** `sysctl -w` pairs; only all/default keys, since they are set before the links exist. */
  sysctls: [key: string, value: string][];
  /** `ip -n NETNS -batch -` lines. */
  ip: string[];
  /** `bridge -n NETNS -batch -` lines (VXLAN FDB entries); empty when none. */
  bridge: string[];
  /** Devices whose TX checksum offload is turned off (`ethtool -K DEV tx off`). */
  txOffloadOff: string[];
}

export interface TopologyPlan {
  name: string;
  backend: Backend;
  /** The fabric's prefix length, for addresses given on it (`172.18.255.1/16`). */
  nodePrefixLength: number;
  serviceCIDR: string;
  /** MTU for pod interfaces: the overlay's MTU with vxlan, the fabric's with host-gw. */
  podMTU: number;
  fabricNetns: string;
  nodes: NodeNetwork[];
  external: { netns: string; address: string };
  /** Every namespace of the plan, fabric first; apply creates them all, then runs fabric, then the rest. */
  setups: NamespaceSetup[];
}

export class TopologyError extends Error {
  readonly code = 'invalid-topology';
  constructor(readonly problems: string[]) {
    super(`invalid cluster network: ${problems.join('; ')}`);
  }
}

/** Builds the plan; throws TopologyError listing every problem with the input. */
export function planTopology(input: TopologyInput): TopologyPlan {
  const config: NetworkConfig = { ...defaultNetworkConfig, ...input.config };
  const problems: string[] = [];
  if (!isClusterName(input.name))
    problems.push(
      `cluster name "${input.name}" must be lower-case letters and digits, starting with a letter`,
    );
  if (!Number.isInteger(input.nodes) || input.nodes < 1) problems.push(`nodes must be a positive integer`);
  if (!BACKENDS.includes(input.backend)) problems.push(`backend must be one of ${BACKENDS.join(', ')}`);
  const nodeCIDR = parseCIDR(config.nodeCIDR);
  const podCIDR = parseCIDR(config.podCIDR);
  const external = parseIP(config.externalAddress);
  if (nodeCIDR?.family !== 4) problems.push(`nodeCIDR ${config.nodeCIDR} is not an IPv4 CIDR`);
  if (podCIDR?.family !== 4) problems.push(`podCIDR ${config.podCIDR} is not an IPv4 CIDR`);
  if (podCIDR && !(config.nodeCIDRMaskSize >= podCIDR.prefix && config.nodeCIDRMaskSize <= 30))
    problems.push(`nodeCIDRMaskSize ${config.nodeCIDRMaskSize} must lie between ${podCIDR.prefix} and 30`);
  if (nodeCIDR && (!external || !cidrContains(nodeCIDR, external)))
    problems.push(`externalAddress ${config.externalAddress} is not an address in ${config.nodeCIDR}`);
  if (problems.length === 0) {
    // Node i sits at offset i+1 of the node network (offset 0 is the network address, offset 1
    // is left free, and the last offset is the broadcast address).
    const size = 1n << BigInt(32 - nodeCIDR!.prefix);
    const nodeCount = BigInt(input.nodes);
    if (nodeCount + 1n > size - 2n) problems.push(`${input.nodes} nodes do not fit in ${config.nodeCIDR}`);
    if (nodeCount > 1n << BigInt(config.nodeCIDRMaskSize - podCIDR!.prefix))
      problems.push(
        `${input.nodes} nodes do not fit in ${config.podCIDR} with /${config.nodeCIDRMaskSize} each`,
      );
    const offset = external!.value - nodeCIDR!.network;
    if (offset === 0n || offset === size - 1n)
      problems.push(`externalAddress ${config.externalAddress} is the network or broadcast address`);
    if (offset >= 2n && offset <= nodeCount + 1n)
      problems.push(`externalAddress ${config.externalAddress} is node ${offset - 1n}'s address`);
  }
  if (problems.length > 0) throw new TopologyError(problems);

  const nodes: NodeNetwork[] = [];
  for (let i = 1; i <= input.nodes; i++) {
    const pods = subnet(podCIDR!, config.nodeCIDRMaskSize, BigInt(i - 1));
    nodes.push({
      index: i,
      name: nodeName(i),
      netns: nodeNetns(input.name, i),
      address: formatIP(cidrAddress(nodeCIDR!, BigInt(i + 1))),
      podCIDR: formatCIDR(pods),
      gateway: formatIP(cidrAddress(pods, 1n)),
      vtep:
        input.backend === 'vxlan' ? { address: formatIP(cidrAddress(pods, 0n)), mac: vtepMAC(i) } : undefined,
    });
  }
  const plan: TopologyPlan = {
    name: input.name,
    backend: input.backend,
    nodePrefixLength: nodeCIDR!.prefix,
    serviceCIDR: config.serviceCIDR,
    podMTU: input.backend === 'vxlan' ? VXLAN_MTU : FABRIC_MTU,
    fabricNetns: fabricNetns(input.name),
    nodes,
    external: { netns: externalNetns(input.name), address: config.externalAddress },
    setups: [],
  };
  plan.setups = [
    fabricSetup(plan),
    ...nodes.map((n) => nodeSetup(plan, n)),
    uplinkOnly(plan.external.netns, 'external', `${plan.external.address}/${plan.nodePrefixLength}`),
  ];
  return plan;
}

/** The fabric: an address-less bridge and one veth per namespace, its peer created in that namespace as eth0. */
function fabricSetup(plan: TopologyPlan): NamespaceSetup {
  const ip = [`link add ${FABRIC_BRIDGE} type bridge`, `link set ${FABRIC_BRIDGE} up`];
  const ports: [port: string, netns: string][] = [
    ...plan.nodes.map((n): [string, string] => [fabricPortForNode(n.index), n.netns]),
    [FABRIC_PORT_EXTERNAL, plan.external.netns],
  ];
  for (const [port, peerNetns] of ports) {
    ip.push(`link add ${port} type veth peer name ${UPLINK} netns ${peerNetns}`);
    ip.push(`link set ${port} master ${FABRIC_BRIDGE} up`);
  }
  return {
    netns: plan.fabricNetns,
    role: 'fabric',
    // No IPv6 link-local addresses either: the fabric is a plain switch with no address at all.
    sysctls: [
      ['net.ipv6.conf.all.disable_ipv6', '1'],
      ['net.ipv6.conf.default.disable_ipv6', '1'],
    ],
    ip,
    bridge: [],
    txOffloadOff: [],
  };
}

function uplinkOnly(netns: string, role: 'node' | 'external', cidr: string): NamespaceSetup {
  return {
    netns,
    role,
    sysctls: [],
    ip: [`addr add ${cidr} dev ${UPLINK}`, `link set ${UPLINK} up`],
    bridge: [],
    txOffloadOff: [],
  };
}

function nodeSetup(plan: TopologyPlan, node: NodeNetwork): NamespaceSetup {
  const setup = uplinkOnly(node.netns, 'node', `${node.address}/${plan.nodePrefixLength}`);
  setup.sysctls.push(['net.ipv4.ip_forward', '1']);
  // A route for ClusterIPs, as a node's default route gives them: the node's own connections are
  // routed before the Service proxy's DNAT in the output hook (then re-routed to the endpoint),
  // so without one `connect` fails with "Network is unreachable" and never reaches the rules.
  setup.ip.push(`route add ${plan.serviceCIDR} dev ${UPLINK}`);
  const peers = plan.nodes.filter((p) => p.index !== node.index);
  if (plan.backend === 'host-gw') {
    // host-gw (Flannel's backend of that name, kindnet's routes): every node is on the fabric's
    // L2, so another node's pod range is simply routed via that node's address.
    for (const p of peers) setup.ip.push(`route add ${p.podCIDR} via ${p.address} dev ${UPLINK}`);
    return setup;
  }
  // vxlan, Flannel's layout: the VTEP holds <podCIDR network>/32; a peer's range is routed
  // onlink via the peer's VTEP address, whose MAC is pinned by a permanent neighbour entry and
  // whose MAC is mapped to the peer's node address by a permanent FDB entry. No learning, no
  // multicast: the kernel never has to guess. The all-zero FDB entries flood broadcast and
  // unknown unicast (rare, since ARP never runs for the pinned VTEP addresses) to every peer.
  const vtep = node.vtep!;
  setup.ip.push(
    `link add ${VXLAN_DEVICE} address ${vtep.mac} mtu ${VXLAN_MTU} type vxlan id ${VXLAN_VNI} local ${node.address} dev ${UPLINK} dstport ${VXLAN_PORT} nolearning`,
    `addr add ${vtep.address}/32 dev ${VXLAN_DEVICE}`,
    `link set ${VXLAN_DEVICE} up`,
  );
  for (const p of peers) {
    setup.ip.push(`neigh add ${p.vtep!.address} lladdr ${p.vtep!.mac} dev ${VXLAN_DEVICE} nud permanent`);
    setup.ip.push(`route add ${p.podCIDR} via ${p.vtep!.address} dev ${VXLAN_DEVICE} onlink`);
    setup.bridge.push(`fdb append 00:00:00:00:00:00 dev ${VXLAN_DEVICE} dst ${p.address} self permanent`);
    setup.bridge.push(`fdb add ${p.vtep!.mac} dev ${VXLAN_DEVICE} dst ${p.address} self permanent`);
  }
  // The VXLAN checksum trap (shared/anchors/systems.md §3.3, kubernetes/kubernetes#88986):
  // kernels before 5.7 could emit VXLAN packets with a bad inner checksum when the outer packet
  // was NATed and TX checksum offload was on, giving 63 s delays. Off costs little at our rates.
  setup.txOffloadOff.push(VXLAN_DEVICE);
  return setup;
}

/** Every namespace name of the plan, fabric first. */
export function planNamespaces(plan: TopologyPlan): string[] {
  return plan.setups.map((s) => s.netns);
}

/**
 * The plan as readable text: one section per namespace, whose lines are exactly what apply.ts
 * pipes to `ip -batch` / `bridge -batch`; sysctls and offloads appear as comments.
 */
export function formatPlan(plan: TopologyPlan): string {
  const out = [
    `# cluster ${plan.name}: ${plan.nodes.length} node(s), backend ${plan.backend}, pod MTU ${plan.podMTU}`,
    ...plan.nodes.map(
      (n) =>
        `# ${n.name}: netns ${n.netns}, address ${n.address}, podCIDR ${n.podCIDR}, gateway ${n.gateway}` +
        (n.vtep ? `, vtep ${n.vtep.address} ${n.vtep.mac}` : ''),
    ),
    `# external: netns ${plan.external.netns}, address ${plan.external.address}`,
  ];
  for (const s of plan.setups) {
    out.push('', `# ---- ${s.netns} (${s.role})`);
    for (const [k, v] of s.sysctls) out.push(`# sysctl ${k}=${v}`);
    out.push(`# ip -n ${s.netns} -batch -`, ...s.ip);
    if (s.bridge.length > 0) out.push(`# bridge -n ${s.netns} -batch -`, ...s.bridge);
    for (const d of s.txOffloadOff) out.push(`# ethtool -K ${d} tx off`);
  }
  return out.join('\n') + '\n';
}
