// The `podnet-host-local` IPAM plugin: ADD allocates one address per range set and returns
// them (no interface index: the calling main plugin sets that), DEL releases whatever the
// attachment holds, CHECK confirms it still holds an address, STATUS says whether the data
// dir is writable, GC frees allocations of attachments the runtime no longer knows.
import type { CmdArgs, PluginFuncs } from '../skel.js';
import { CniError, ErrorCode, type NetConf, type Result } from '../types.js';
import { allocate, collectGarbage, releaseAttachment } from './allocator.js';
import { parseRangeSets, type IpamConfig } from './config.js';
import type { Store } from './store.js';

export interface StoreWithStatus extends Store {
  /** Throws when ADDs could not be recorded. */
  ensureWritable?(): Promise<void>;
}

export type StoreFactory = (dataDir: string | undefined, network: string) => StoreWithStatus;

export function ipamConfig(conf: NetConf): IpamConfig {
  const ipam = conf.ipam as IpamConfig | undefined;
  if (!ipam || typeof ipam !== 'object')
    throw new CniError(ErrorCode.InvalidNetworkConfig, 'missing "ipam" in network config');
  if (typeof conf.name !== 'string' || !conf.name)
    throw new CniError(ErrorCode.InvalidNetworkConfig, 'missing network "name"');
  return ipam;
}

export function hostLocalPlugin(makeStore: StoreFactory): PluginFuncs {
  const storeFor = (conf: NetConf) => makeStore(ipamConfig(conf).dataDir, conf.name);
  return {
    async add(a: CmdArgs): Promise<Result> {
      const ipam = ipamConfig(a.config);
      const sets = parseRangeSets(ipam);
      const ips = await allocate(storeFor(a.config), sets, a.containerID, a.ifName);
      return {
        cniVersion: a.config.cniVersion,
        ips,
        ...(ipam.routes ? { routes: ipam.routes } : {}),
        ...(a.config.dns ? { dns: a.config.dns } : {}),
      };
    },
    async del(a: CmdArgs): Promise<void> {
      await releaseAttachment(storeFor(a.config), a.containerID, a.ifName);
    },
    async check(a: CmdArgs): Promise<void> {
      const held = (await storeFor(a.config).list()).filter(
        (x) => x.containerID === a.containerID && x.ifname === a.ifName,
      );
      if (held.length === 0) {
        throw new CniError(
          ErrorCode.UnknownContainer,
          `host-local: no address allocated to ${a.containerID}/${a.ifName}`,
        );
      }
      const want = (a.config.prevResult?.ips ?? []).map((ip) => ip.address.split('/')[0]);
      const missing = want.filter((ip) => !held.some((h) => h.ip === ip));
      if (missing.length)
        throw new CniError(
          ErrorCode.UnknownContainer,
          `host-local: ${missing.join(',')} not allocated to ${a.containerID}`,
        );
    },
    async status(a: CmdArgs): Promise<void> {
      parseRangeSets(ipamConfig(a.config));
      try {
        await storeFor(a.config).ensureWritable?.();
      } catch (e) {
        throw new CniError(ErrorCode.NotAvailable, 'IPAM data dir is not writable', (e as Error).message);
      }
    },
    async gc(a, valid): Promise<void> {
      await collectGarbage(storeFor(a.config), valid);
    },
  };
}
