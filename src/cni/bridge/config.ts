// podnet-bridge's network config: a subset of the reference bridge plugin's options with the
// same names (plugins/main/bridge), so a conflist reads the same for either plugin.
import { CniError, ErrorCode, type NetConf } from '../types.js';

export interface BridgeConfig {
  bridge: string;
  isGateway: boolean;
  /** Adds a default route via the gateway in the pod (true unless set false). */
  isDefaultGateway: boolean;
  hairpinMode: boolean;
  /**
   * podnet's own option (not the reference plugin's): the pod's subnet is not on-link for the
   * pod. Its address gets no prefix route, the gateway an on-link host route, and every packet,
   * to a pod of the same bridge too, goes through the gateway, routed by the node. A pod then
   * keeps one neighbour entry (the gateway) instead of one per peer: the kernel's neighbour
   * table is shared by all namespaces and capped machine-wide (gc_thresh3, 1024 by default),
   * which an all-pairs probe of 100 pods on plain bridging overflows (docs/probe.md). The node
   * must not send ICMP redirects (the plugin turns them off), or pods would learn direct routes again.
   */
  subnetViaGateway: boolean;
  mtu?: number;
  ipamType: string;
}

export const DEFAULT_BRIDGE = 'pn-br0';
const LINK_NAME = /^[A-Za-z0-9_.-]{1,15}$/;

/** Validates and defaults the config; throws code 7 (invalid config) or 2 (unsupported field). */
export function parseBridgeConfig(conf: NetConf): BridgeConfig {
  const bad = (details: string) =>
    new CniError(ErrorCode.InvalidNetworkConfig, 'invalid podnet-bridge config', details);
  const bridge = conf.bridge ?? DEFAULT_BRIDGE;
  if (typeof bridge !== 'string' || !LINK_NAME.test(bridge))
    throw bad(`bridge name "${String(bridge)}" is not a valid link name`);
  const flag = (name: string, dflt: boolean): boolean => {
    const v = conf[name];
    if (v === undefined) return dflt;
    if (typeof v !== 'boolean') throw bad(`"${name}" must be a boolean`);
    return v;
  };
  const mtu = conf.mtu;
  if (mtu !== undefined && (typeof mtu !== 'number' || !Number.isInteger(mtu) || mtu < 576 || mtu > 65535)) {
    throw bad(`mtu ${String(mtu)} is out of range 576..65535`);
  }
  for (const unsupported of ['vlan', 'vlanTrunk', 'macspoofchk', 'ipMasq', 'promiscMode']) {
    if (conf[unsupported] !== undefined && conf[unsupported] !== false) {
      throw new CniError(ErrorCode.UnsupportedField, `podnet-bridge does not support "${unsupported}"`);
    }
  }
  const ipamType = conf.ipam?.type;
  if (typeof ipamType !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(ipamType))
    throw bad('"ipam.type" names no plugin');
  const isDefaultGateway = flag('isDefaultGateway', true);
  return {
    bridge,
    // As upstream: a default gateway in the pod implies the bridge carries the gateway address.
    isGateway: flag('isGateway', true) || isDefaultGateway,
    isDefaultGateway,
    hairpinMode: flag('hairpinMode', false),
    subnetViaGateway: flag('subnetViaGateway', false),
    ...(mtu !== undefined ? { mtu: mtu as number } : {}),
    ipamType,
  };
}
