// The `podnet-bridge` plugin (the reference bridge plugin's model): pods on one node hang off
// a Linux bridge in the node's netns through veth pairs; the bridge holds the gateway address.
// ADD: IPAM first, then links and addresses; if anything after IPAM fails, the veth is
// deleted and the address released (upstream's `success := false` + deferred rollback).
// DEL: idempotent, per spec "plugins should generally complete a DEL action without error
// even if some resources are missing". CHECK compares the pod's netns with prevResult.
import type { CmdArgs, PluginFuncs } from '../skel.js';
import { CniError, ErrorCode, type Result } from '../types.js';
import { parseBridgeConfig } from './config.js';
import type { BridgeHost } from './host.js';
import { hostVethName, planAttach, vethMacs, type AttachSpec } from './plan.js';
import { attachResult } from './result.js';

const ROOT_NETNS = 100; // plugin-specific code

function delegateIpam(host: BridgeHost, a: CmdArgs, command: string, ipamType: string) {
  return host.delegate(ipamType, command, a.path, a.env, a.stdinData);
}

async function add(host: BridgeHost, a: CmdArgs): Promise<Result> {
  const cfg = parseBridgeConfig(a.config);
  if (await host.inRootNetns()) {
    throw new CniError(
      ROOT_NETNS,
      'podnet-bridge refuses to run in the root network namespace',
      'run it inside the node netns (ip netns exec NODE ...)',
    );
  }
  if (!(await host.netnsExists(a.netns)))
    throw new CniError(ErrorCode.UnknownContainer, `network namespace ${a.netns} does not exist`);
  const ipam = await delegateIpam(host, a, 'ADD', cfg.ipamType);
  const hostVeth = hostVethName(a.containerID, a.ifName);
  try {
    if (!ipam?.ips?.length)
      throw new CniError(
        ErrorCode.InvalidNetworkConfig,
        `IPAM plugin ${cfg.ipamType} returned no IP addresses`,
      );
    const macs = vethMacs(a.containerID, a.ifName);
    const spec: AttachSpec = {
      ...cfg,
      hostVeth,
      hostMac: macs.host,
      podMac: macs.pod,
      ifName: a.ifName,
      netns: a.netns,
      ips: ipam.ips,
      routes: ipam.routes ?? [],
    };
    const plan = planAttach(spec);
    await host.ipBatchIdempotent(plan.bridge);
    await host.ipBatch(undefined, plan.gateway + plan.veth);
    await host.ipBatch(a.netns, plan.pod);
    if (cfg.isGateway) await host.enableForwarding(cfg.subnetViaGateway ? cfg.bridge : undefined);
    const br = await host.link(undefined, cfg.bridge);
    if (!br)
      throw new CniError(ErrorCode.Internal, `bridge ${cfg.bridge} vanished right after it was created`);
    return attachResult(spec, br.mac, a.config.cniVersion, ipam.dns);
  } catch (e) {
    await host.deleteLink(undefined, hostVeth).catch(() => undefined);
    await delegateIpam(host, a, 'DEL', cfg.ipamType).catch(() => undefined);
    throw e instanceof CniError
      ? e
      : new CniError(
          ErrorCode.Internal,
          `attaching ${a.containerID}/${a.ifName} to ${cfg.bridge}`,
          (e as Error).message,
        );
  }
}

async function del(host: BridgeHost, a: CmdArgs): Promise<void> {
  const cfg = parseBridgeConfig(a.config);
  const errors: string[] = [];
  // Keep going through failures and report them together (upstream host-local cmdDel).
  await delegateIpam(host, a, 'DEL', cfg.ipamType).catch((e: Error) => errors.push(e.message));
  await host
    .deleteLink(undefined, hostVethName(a.containerID, a.ifName))
    .catch((e: Error) => errors.push(e.message));
  if (await host.netnsExists(a.netns))
    await host.deleteLink(a.netns, a.ifName).catch((e: Error) => errors.push(e.message));
  if (errors.length)
    throw new CniError(
      ErrorCode.Internal,
      `DEL of ${a.containerID}/${a.ifName} incomplete`,
      errors.join('; '),
    );
}

async function check(host: BridgeHost, a: CmdArgs): Promise<void> {
  const cfg = parseBridgeConfig(a.config);
  const prev = a.config.prevResult;
  if (!prev) throw new CniError(ErrorCode.InvalidNetworkConfig, 'CHECK needs prevResult');
  await delegateIpam(host, a, 'CHECK', cfg.ipamType);
  const idx = (prev.interfaces ?? []).findIndex((i) => i.name === a.ifName && i.sandbox === a.netns);
  if (idx < 0)
    throw new CniError(
      ErrorCode.InvalidNetworkConfig,
      `prevResult has no interface ${a.ifName} in ${a.netns}`,
    );
  if (!(await host.netnsExists(a.netns)) || !(await host.link(a.netns, a.ifName))) {
    throw new CniError(ErrorCode.UnknownContainer, `${a.ifName} not found in ${a.netns}`);
  }
  const veth = await host.link(undefined, hostVethName(a.containerID, a.ifName));
  if (veth?.master !== cfg.bridge)
    throw new CniError(ErrorCode.UnknownContainer, `host side of ${a.ifName} is not on bridge ${cfg.bridge}`);
  const have = await host.addresses(a.netns, a.ifName);
  for (const ip of (prev.ips ?? []).filter((x) => x.interface === idx)) {
    if (!have.includes(ip.address))
      throw new CniError(
        ErrorCode.UnknownContainer,
        `${a.ifName} lacks address ${ip.address}`,
        `has ${have.join(', ')}`,
      );
  }
  for (const r of prev.routes ?? []) {
    const family = r.dst.includes(':') ? 6 : 4;
    const dst = r.dst === '0.0.0.0/0' || r.dst === '::/0' ? 'default' : r.dst;
    const found = (await host.routes(a.netns, family)).some(
      (x) => x.dst === dst && (!r.gw || x.gateway === r.gw),
    );
    if (!found)
      throw new CniError(
        ErrorCode.UnknownContainer,
        `route to ${r.dst}${r.gw ? ` via ${r.gw}` : ''} missing in ${a.netns}`,
      );
  }
}

export function bridgePlugin(host: BridgeHost): PluginFuncs {
  return {
    add: (a) => add(host, a),
    del: (a) => del(host, a),
    check: (a) => check(host, a),
    async status(a) {
      const cfg = parseBridgeConfig(a.config);
      if (await host.inRootNetns())
        throw new CniError(ErrorCode.NotAvailable, 'podnet-bridge is not inside a node netns');
      await delegateIpam(host, a, 'STATUS', cfg.ipamType); // the spec: STATUS goes to the delegated IPAM too
    },
    async gc(a) {
      await delegateIpam(host, a, 'GC', parseBridgeConfig(a.config).ipamType);
    },
  };
}
