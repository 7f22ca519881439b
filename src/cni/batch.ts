// The agent's fast path for its own network (podnet-bridge with podnet-host-local): set up
// several pods in one pass instead of one CNI ADD per pod. Each pod gets the netns, links,
// addresses, routes and IPAM files an ADD of the plugin would give it, and the same Result
// (attachResult, planAttach's lines, host-local's allocator and store). Any other conflist
// (`--cni reference`) is not served here: it goes through the CNI protocol as before.
//
// All or nothing: if any step fails, every veth and netns of the batch is deleted and every
// address released, and the error names the pod the batch stopped at; the caller then sets
// the pods up one by one, so one bad pod does not hold the others back.
import { checkBatch, planBatch, planRollback, type BatchPod } from './bridge/batch-plan.js';
import { parseBridgeConfig } from './bridge/config.js';
import { hostVethName, vethMacs } from './bridge/plan.js';
import { attachResult } from './bridge/result.js';
import { allocateMany, releaseAttachments } from './host-local/allocator.js';
import { parseRangeSets } from './host-local/config.js';
import { ipamConfig, type StoreFactory } from './host-local/plugin.js';
import { buildPluginConf, type RuntimeConf } from './invoke.js';
import { CniError, ErrorCode, type NetConfList, type Result } from './types.js';
import { convertResult } from './version.js';

export interface SandboxRequest {
  /** The pod netns to create (an owned name, `pn-...`); rt.netns must be /run/netns/<name>. */
  netnsName: string;
  rt: RuntimeConf;
}

/** Effects of a batch, all in the node netns. */
export interface BatchHost {
  /** True in the machine's own netns, where podnet must not add links or routes. */
  inRootNetns(): Promise<boolean>;
  netnsExists(name: string): Promise<boolean>;
  /** `ip -batch -`; "File exists" is success (the bridge is made by whichever set-up is first). */
  ipBatchIdempotent(script: string): Promise<void>;
  /** Runs `fn` with a new private directory, removed afterwards whatever happens. */
  withScratchDir<T>(fn: (dir: string) => Promise<T>): Promise<T>;
  writeFiles(files: Array<{ path: string; text: string }>): Promise<void>;
  /** `ip -j -batch -`: resolves its stdout; rejects with an Error carrying ip's stderr. */
  ipBatchJson(script: string): Promise<string>;
  /** `ip -force -batch -`: goes on past failing lines; rejects only if ip cannot run. */
  ipBatchForce(script: string): Promise<void>;
  /** Forwarding on, and ICMP redirects off on a subnetViaGateway bridge (BridgeHost's). */
  enableForwarding(redirectsOffOn?: string): Promise<void>;
}

export interface BatchAttacher {
  /** True for a list this can set up: exactly podnet-bridge with podnet-host-local IPAM. */
  supports(list: NetConfList): boolean;
  /**
   * Creates each request's netns and attaches it. Results in request order, each what
   * `Invoker.add(list, rt)` returns for that pod. Throws (having undone everything) on
   * any failure; nothing is touched when a netns exists already or in the root netns.
   */
  add(list: NetConfList, reqs: SandboxRequest[]): Promise<Result[]>;
}

const ROOT_NETNS = 100; // podnet-bridge's code for the same refusal

export function batchAttacher(host: BatchHost, makeStore: StoreFactory): BatchAttacher {
  // Bridges known to exist since a batch on them succeeded: the next batch skips the `ip` run
  // that creates the bridge (~3 ms, a third of a one-pod batch). A failed batch forgets its
  // bridge, in case someone deleted it.
  const bridges = new Set<string>();

  const supports = (list: NetConfList) =>
    list.plugins.length === 1 &&
    list.plugins[0].type === 'podnet-bridge' &&
    (list.plugins[0].ipam as { type?: unknown } | undefined)?.type === 'podnet-host-local';

  async function add(list: NetConfList, reqs: SandboxRequest[]): Promise<Result[]> {
    if (!reqs.length) return [];
    if (!supports(list))
      throw new CniError(
        ErrorCode.InvalidNetworkConfig,
        `${list.name}: not podnet-bridge with podnet-host-local`,
      );
    const conf = buildPluginConf(list, 0, reqs[0].rt);
    const cfg = parseBridgeConfig(conf);
    const ipam = ipamConfig(conf);
    const sets = parseRangeSets(ipam);
    const pods: BatchPod[] = reqs.map((r) => {
      const macs = vethMacs(r.rt.containerID, r.rt.ifName);
      return {
        netnsName: r.netnsName,
        spec: {
          ...cfg,
          hostVeth: hostVethName(r.rt.containerID, r.rt.ifName),
          hostMac: macs.host,
          podMac: macs.pod,
          ifName: r.rt.ifName,
          netns: r.rt.netns,
          ips: [], // from IPAM, below
          routes: ipam.routes ?? [],
        },
      };
    });
    checkBatch(pods);
    if (await host.inRootNetns())
      throw new CniError(ROOT_NETNS, 'refusing to set up pods from the root network namespace');
    for (const r of reqs)
      if (await host.netnsExists(r.netnsName))
        throw new CniError(ErrorCode.InvalidEnvironment, `network namespace ${r.netnsName} exists already`);
    const store = makeStore(ipam.dataDir, conf.name);
    const attachments = reqs.map((r) => ({ containerID: r.rt.containerID, ifname: r.rt.ifName }));
    const ips = await allocateMany(store, sets, attachments);
    pods.forEach((p, i) => (p.spec.ips = ips[i]));
    try {
      const bridgeMac = await host.withScratchDir(async (dir) => {
        const plan = planBatch(pods, dir);
        await host.writeFiles(plan.files);
        if (!bridges.has(cfg.bridge)) await host.ipBatchIdempotent(plan.bridge);
        const out = await host.ipBatchJson(plan.node).catch((e: Error) => {
          const line = Number(/Command failed -:(\d+)/.exec(e.message)?.[1] ?? 0);
          const pod = plan.owners[line - 1];
          throw new Error(`${pod ? `at pod netns ${pod}: ` : ''}${e.message}`);
        });
        return parseBridgeMac(out, cfg.bridge);
      });
      if (cfg.isGateway) await host.enableForwarding(cfg.subnetViaGateway ? cfg.bridge : undefined);
      bridges.add(cfg.bridge);
      return pods.map((p) =>
        convertResult(attachResult(p.spec, bridgeMac, conf.cniVersion, conf.dns), conf.cniVersion),
      );
    } catch (e) {
      bridges.delete(cfg.bridge);
      const undo: string[] = [];
      await host.ipBatchForce(planRollback(pods)).catch((u: Error) => undo.push(u.message));
      await releaseAttachments(store, attachments).catch((u: Error) => undo.push(u.message));
      throw new CniError(
        ErrorCode.Internal,
        `setting up ${reqs.length} pod(s) on ${cfg.bridge}`,
        `${(e as Error).message}${undo.length ? `; undoing it: ${undo.join('; ')}` : ''}`,
      );
    }
  }

  return { supports, add };
}

/** The bridge's MAC from `ip -j link show dev BRIDGE`, the batch's only output. */
function parseBridgeMac(stdout: string, bridge: string): string {
  try {
    const [l] = JSON.parse(stdout) as Array<{ ifname?: string; address?: string }>;
    if (l?.ifname === bridge && l.address) return l.address;
  } catch {
    // reported below
  }
  throw new Error(`no JSON for bridge ${bridge} in the batch's output: ${stdout.slice(0, 200)}`);
}
