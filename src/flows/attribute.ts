// A logged packet as a flow: the rule behind its log prefix (the NetworkPolicy table's flow
// catalog, src/dataplane/policy/catalog.ts) and the pods behind its addresses. Pure.
import type { FlowCatalog } from '../dataplane/policy/catalog.js';
import type { LoggedPacket } from './nflog.js';
import type { Flow } from './store.js';

/** The flow a packet stands for; undefined when its prefix is not a policy rule's. */
export function flowOf(
  packet: LoggedPacket,
  node: string,
  catalog: FlowCatalog,
  podsByIP: ReadonlyMap<string, string>,
): Flow | undefined {
  const rule = catalog[packet.prefix];
  if (!rule) return undefined;
  return {
    time: packet.time,
    node,
    direction: rule.direction,
    src: packet.src,
    srcPod: podsByIP.get(packet.src),
    dst: packet.dst,
    dstPod: podsByIP.get(packet.dst),
    protocol: packet.protocol,
    port: packet.dstPort,
    verdict: rule.verdict === 'accept' ? 'allowed' : 'denied',
    policies: rule.policies,
    rule: rule.rule,
  };
}
