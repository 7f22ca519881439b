// The node agent's kube-proxy: keeps this node's nftables tables (pn-<cluster>-proxy and its
// shards pn-<cluster>-proxy-<k>, rendered by src/dataplane/service-proxy) in step with
// Services, EndpointSlices and Nodes, announces
// the LoadBalancer IPs this node answers ARP for (as /32 addresses on its fabric interface), and
// serves the health check node ports of externalTrafficPolicy Local Services. Fed by watch
// events, as kube-proxy is by its informers: reflectors keep the objects, a change tracker
// (service-changes.ts) says which Services changed, and a sync renders only those
// (partial.ts renderChanged) and syncs the diff in one transaction (src/nft/apply.ts). A
// (re)list, a Node change or a failed sync renders from every object instead (render(input),
// which still renders again only the Services whose versions differ).
import { availableParallelism } from 'node:os';
import type { ClusterConfig } from '../api/cluster.js';
import type { EndpointSlice, Node, Service } from '../api/types.js';
import { Reflector, type WatchClient } from '../client/reflector.js';
import { UPLINK } from '../cluster/names.js';
import { serviceKey } from '../dataplane/service-proxy/model.js';
import { NodeDutiesCache } from '../dataplane/service-proxy/node-duties-cache.js';
import {
  ServiceProxyRenderer,
  type ProxyContext,
  type ProxyRender,
  type ServiceChange,
} from '../dataplane/service-proxy/partial.js';
import { ProxyShards } from '../dataplane/service-proxy/shards.js';
import { exec } from '../host/exec.js';
import { ipBatch } from '../host/netns.js';
import { execNftRunner, TableGroupSyncer, type SyncOptions } from '../nft/apply.js';
import { nftRunnerFor } from '../nft/libnftables.js';
import { HealthCheckServers } from './health-check.js';
import { ServiceChangeTracker, type ProxyKind } from './service-changes.js';
import { SyncRunner } from './sync-runner.js';

export interface ServiceProxyOptions {
  cluster: string;
  node: string;
  /** The node's network namespace (the agent runs in it; nft and ip are pointed at it by name). */
  netns: string;
  nodeIP: string;
  config: ClusterConfig;
  client: WatchClient;
  log: (line: string) => void;
  /** How long a sync waits after the first change, so that changes arriving together join it. */
  coalesceMs?: number;
  /** How long after a failed sync the next one starts (kube-proxy: its sync period). */
  retryMs?: number;
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

const KINDS: ProxyKind[] = ['Service', 'EndpointSlice', 'Node'];

export class ServiceProxy {
  private readonly syncer: TableGroupSyncer;
  private readonly renderer = new ServiceProxyRenderer();
  private readonly shards = new ProxyShards();
  private readonly health: HealthCheckServers;
  private readonly reflectors: Record<ProxyKind, Reflector>;
  private readonly changes = new ServiceChangeTracker();
  private readonly duties = new NodeDutiesCache();
  private readonly runner: SyncRunner;
  /** undefined until read from the interface (a restarted agent finds its predecessor's). */
  private announced: Set<string> | undefined;

  constructor(private readonly o: ServiceProxyOptions) {
    // Endpoint churn removes endpoint chains: deleting them later spares nft its chain dump now.
    this.syncer = new TableGroupSyncer(o.netns, nftRunnerFor(o.netns, o.log), PROXY_SYNC_OPTIONS);
    this.health = new HealthCheckServers(o.nodeIP, o.log);
    this.runner = new SyncRunner(() => this.sync(), {
      // A Service and its EndpointSlice are written by different controllers a few ms apart.
      delayMs: o.coalesceMs ?? 5,
      retryMs: o.retryMs ?? 1000,
      onError: (e) => o.log(`service proxy: ${e instanceof Error ? e.message : e}`),
    });
    const reflector = (kind: ProxyKind): Reflector => {
      const r: Reflector = new Reflector({
        kind,
        client: o.client,
        onChange: (change) => {
          this.changes.record(kind, change, () => r.items());
          this.runner.request();
        },
        log: (line) => o.log(`service proxy: ${line}`),
      });
      return r;
    };
    this.reflectors = {
      Service: reflector('Service'),
      EndpointSlice: reflector('EndpointSlice'),
      Node: reflector('Node'),
    };
  }

  /** Starts watching; the first sync follows the first list of every kind. */
  start(): void {
    for (const kind of KINDS) this.reflectors[kind].start();
  }

  /** Renders what changed, syncs the tables, then the node duties if they may have changed. */
  private async sync(): Promise<void> {
    if (!KINDS.every((k) => this.reflectors[k].hasSynced)) return;
    const context: ProxyContext = {
      clusterName: this.o.cluster,
      nodeName: this.o.node,
      nodeIP: this.o.nodeIP,
      config: this.o.config,
      nodes: this.reflectors.Node.items() as Node[],
    };
    const t0 = performance.now();
    const work = this.changes.take((key) => this.reflectors.Service.get(key));
    try {
      let render: ProxyRender;
      let dutiesChanged = true;
      if (work.full) {
        const services = this.reflectors.Service.items() as Service[];
        const endpointSlices = this.reflectors.EndpointSlice.items() as EndpointSlice[];
        render = this.renderer.render({ ...context, services, endpointSlices });
        this.duties.reset(
          context,
          services.map((s) => this.changeOf(s)),
        );
      } else {
        render = this.renderer.renderChanged(context, work.changes);
        dutiesChanged = this.duties.update(context, work.changes);
      }
      const { tables, diff } = this.shards.place(render);
      const result = await this.syncer.sync(tables, diff);
      if (result.mode !== 'unchanged')
        this.o.log(
          `service proxy: ${result.mode} sync, ${result.ops} operation(s) in ${(performance.now() - t0).toFixed(1)} ms` +
            (result.error ? ` (the diff failed: ${result.error})` : ''),
        );
      if (!dutiesChanged) return;
      await this.announce(this.duties.announced());
      await this.health.sync(this.duties.healthCheckNodePorts());
    } catch (e) {
      // The changes taken are lost with this sync (kube-proxy's proxier sets needFullSync).
      this.changes.forceFull();
      throw e;
    }
  }

  private changeOf(service: Service): ServiceChange {
    const key = serviceKey(service);
    return { key, service, slices: this.changes.slicesOf(key) };
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

  /** Stops watching and syncing; resolves once a sync under way has ended. */
  async close(): Promise<void> {
    for (const kind of KINDS) this.reflectors[kind].stop();
    await this.runner.close();
    this.health.close();
  }
}
