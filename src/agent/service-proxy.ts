// The node agent's kube-proxy: keeps this node's nftables tables (pn-<cluster>-proxy and its
// shards pn-<cluster>-proxy-<k>, rendered by src/dataplane/service-proxy) in step with
// Services, EndpointSlices and Nodes, announces
// the LoadBalancer IPs this node answers ARP for (as /32 addresses on its fabric interface), and
// serves the health check node ports of externalTrafficPolicy Local Services. Only runs a
// render when an input changed, and then renders only the Services whose objects changed
// (partial.ts, kube-proxy's partial sync); the tables are synced by diff, all in one
// transaction (src/nft/apply.ts).
import { availableParallelism } from 'node:os';
import type { ClusterConfig } from '../api/cluster.js';
import type { EndpointSlice, KubeObject, Node, Service } from '../api/types.js';
import type { HttpObjectClient } from '../client/http-client.js';
import { UPLINK } from '../cluster/names.js';
import { announcedAddresses, healthCheckNodePorts } from '../dataplane/service-proxy/node-duties.js';
import { ServiceProxyRenderer } from '../dataplane/service-proxy/partial.js';
import { ProxyShards } from '../dataplane/service-proxy/shards.js';
import { exec } from '../host/exec.js';
import { ipBatch } from '../host/netns.js';
import { execNftRunner, TableGroupSyncer, type SyncOptions } from '../nft/apply.js';
import { nftRunnerFor } from '../nft/libnftables.js';
import { HealthCheckServers } from './health-check.js';

export interface ServiceProxyOptions {
  cluster: string;
  node: string;
  /** The node's network namespace (the agent runs in it; nft and ip are pointed at it by name). */
  netns: string;
  nodeIP: string;
  config: ClusterConfig;
  client: HttpObjectClient;
  log: (line: string) => void;
}

/**
 * How the proxy's tables are synced: stale chains wait (their deletes cost nft a dump of every
 * chain), and a full load runs one `nft -f` per table on every core (its cost is nft's own
 * parsing; the agent's libnftables runner would take them one by one: 6.7 s against 4.2 s at
 * 10,000 Services).
 */
export const PROXY_SYNC_OPTIONS: SyncOptions = {
  deferChainDeletes: true,
  loadConcurrency: Math.max(1, availableParallelism()),
  loadRunner: execNftRunner,
};

/** Identity and version of every object: the render runs only when this changes. */
const versions = (objs: KubeObject[]) =>
  objs.map((o) => `${o.metadata?.namespace}/${o.metadata?.name}@${o.metadata?.resourceVersion}`).join(',');

export class ServiceProxy {
  private readonly syncer: TableGroupSyncer;
  private readonly renderer = new ServiceProxyRenderer();
  private readonly shards = new ProxyShards();
  private readonly health: HealthCheckServers;
  private lastInputs = '';
  /** undefined until read from the interface (a restarted agent finds its predecessor's). */
  private announced: Set<string> | undefined;

  constructor(private readonly o: ServiceProxyOptions) {
    // Endpoint churn removes endpoint chains: deleting them later spares nft its chain dump now.
    this.syncer = new TableGroupSyncer(o.netns, nftRunnerFor(o.netns, o.log), PROXY_SYNC_OPTIONS);
    this.health = new HealthCheckServers(o.nodeIP, o.log);
  }

  async sync(): Promise<void> {
    const [services, endpointSlices, nodes] = await Promise.all([
      this.o.client.list<Service>('Service'),
      this.o.client.list<EndpointSlice>('EndpointSlice'),
      this.o.client.list<Node>('Node'),
    ]);
    const inputs = [versions(services), versions(endpointSlices), versions(nodes)].join('|');
    if (inputs === this.lastInputs) return;
    const input = {
      clusterName: this.o.cluster,
      nodeName: this.o.node,
      nodeIP: this.o.nodeIP,
      config: this.o.config,
      services,
      endpointSlices,
      nodes,
    };
    const t0 = performance.now();
    const { tables, diff } = this.shards.place(this.renderer.render(input));
    const result = await this.syncer.sync(tables, diff);
    if (result.mode !== 'unchanged')
      this.o.log(
        `service proxy: ${result.mode} sync, ${result.ops} operation(s) in ${(performance.now() - t0).toFixed(1)} ms` +
          (result.error ? ` (the diff failed: ${result.error})` : ''),
      );
    await this.announce(announcedAddresses(input));
    await this.health.sync(healthCheckNodePorts(input));
    this.lastInputs = inputs;
  }

  /** L2 mode: this node owns the LoadBalancer IPs it announces; the kernel answers ARP for them. */
  private async announce(wanted: string[]): Promise<void> {
    const had = (this.announced ??= await this.hostAddresses());
    const next = new Set(wanted);
    const script = [
      ...[...had].filter((ip) => !next.has(ip)).map((ip) => `address del ${ip}/32 dev ${UPLINK}`),
      ...wanted.filter((ip) => !had.has(ip)).map((ip) => `address replace ${ip}/32 dev ${UPLINK}`),
    ].join('\n');
    if (!script) return;
    await ipBatch(this.o.netns, `${script}\n`);
    this.announced = next;
    this.o.log(`announcing LoadBalancer IPs: ${wanted.join(', ') || '(none)'}`);
    for (const ip of wanted.filter((a) => !had.has(a))) await this.gratuitousArp(ip);
  }

  /**
   * An address that moved here from another node: clients on the fabric still have the old
   * node's MAC in their ARP caches. An unsolicited ARP (MetalLB's L2 mode does the same)
   * updates the entries they have (Linux replaces an existing entry; arp_accept=0 keeps
   * unknown ones out).
   */
  private async gratuitousArp(ip: string): Promise<void> {
    await exec([
      'nsenter',
      `--net=/run/netns/${this.o.netns}`,
      'arping',
      '-U',
      '-c',
      '1',
      '-I',
      UPLINK,
      ip,
    ]).catch((e) => this.o.log(`gratuitous ARP for ${ip}: ${e instanceof Error ? e.message : e}`));
  }

  /** The /32 addresses on the fabric interface: LoadBalancer IPs (the node's own is a /16). */
  private async hostAddresses(): Promise<Set<string>> {
    const out = await exec(['ip', '-n', this.o.netns, '-j', '-4', 'address', 'show', 'dev', UPLINK]);
    const links = JSON.parse(out || '[]') as { addr_info?: { local: string; prefixlen: number }[] }[];
    return new Set(
      links.flatMap((l) => (l.addr_info ?? []).filter((a) => a.prefixlen === 32).map((a) => a.local)),
    );
  }

  close(): void {
    this.health.close();
  }
}
