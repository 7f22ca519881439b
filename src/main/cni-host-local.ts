// Entry point of the `podnet-host-local` IPAM plugin (libexec/cni/podnet-host-local).
import { DEFAULT_DATA_DIR, DiskStore } from '../cni/host-local/disk-store.js';
import { hostLocalPlugin } from '../cni/host-local/plugin.js';
import { runPlugin } from './cni-io.js';

export function main(): Promise<number> {
  return runPlugin(
    hostLocalPlugin((dataDir, network) => new DiskStore(dataDir ?? DEFAULT_DATA_DIR, network)),
  );
}
