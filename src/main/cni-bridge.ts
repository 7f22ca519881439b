// Entry point of the `podnet-bridge` plugin (libexec/cni/podnet-bridge).
import { bridgePlugin } from '../cni/bridge/plugin.js';
import { execHost } from '../cni/bridge/host.js';
import { runPlugin } from './cni-io.js';

export function main(): Promise<number> {
  return runPlugin(bridgePlugin(execHost));
}
