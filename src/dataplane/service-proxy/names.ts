// Every name in the Service proxy's table (STYLE: all names are constants here). The static
// names are kube-proxy's (pkg/proxy/nftables/proxier.go constants); nothing inside needs a
// prefix, since the table itself carries `pn-<cluster>` (DESIGN.md §2).
import { hashedName } from '../../nft/names.js';

export const proxyTableName = (cluster: string) => `pn-${cluster}-proxy`;

export const CHAIN = {
  filterPrerouting: 'filter-prerouting',
  filterInput: 'filter-input',
  filterForward: 'filter-forward',
  filterOutput: 'filter-output',
  filterOutputPostDnat: 'filter-output-post-dnat',
  natPrerouting: 'nat-prerouting',
  natOutput: 'nat-output',
  natPostrouting: 'nat-postrouting',
  services: 'services',
  serviceEndpointsCheck: 'service-endpoints-check',
  nodePortEndpointsCheck: 'nodeport-endpoints-check',
  clusterIPsCheck: 'cluster-ips-check',
  firewallCheck: 'firewall-check',
  reject: 'reject-chain',
  markForMasquerade: 'mark-for-masquerade',
  masquerading: 'masquerading',
} as const;

export const SET = {
  clusterIPs: 'cluster-ips',
  serviceIPs: 'service-ips',
  serviceNodePorts: 'service-nodeports',
  noEndpointServices: 'no-endpoint-services',
  noEndpointNodePorts: 'no-endpoint-nodeports',
  firewallIPs: 'firewall-ips',
} as const;

/** The packet mark bit that asks for SNAT in postrouting (kube-proxy's default, bit 14). */
export const MASQUERADE_MARK = 0x4000;

/** `ns/name/proto/portName`: the readable part of a Service port's chain names. */
export const servicePortBase = (ns: string, name: string, protocol: string, portName: string) =>
  `${ns}/${name}/${protocol}/${portName}`;

/** `...__ip/port`: the readable part of an endpoint's chain and affinity set names. */
export const endpointBase = (servicePort: string, ip: string, port: number) =>
  `${servicePort}__${ip}/${port}`;

/** Endpoints with Cluster traffic policy (kube-proxy: the cluster policy chain). */
export const serviceChain = (base: string) => hashedName('service', base);
/** Endpoints with Local traffic policy. */
export const localChain = (base: string) => hashedName('local', base);
/** Entry for NodePort, LoadBalancer and external IP traffic. */
export const externalChain = (base: string) => hashedName('external', base);
/** loadBalancerSourceRanges: drops sources outside them (kube-proxy's firewall chain). */
export const firewallChain = (base: string) => hashedName('firewall', base);
export const endpointChain = (base: string) => hashedName('endpoint', base);
export const affinitySet = (base: string) => hashedName('affinity', base);
