// The node agent's NetworkPolicy enforcement: keeps this node's nftables table
// (pn-<cluster>-policy, rendered by src/dataplane/policy) in step with NetworkPolicies, Pods,
// Namespaces and Nodes, and keeps the flow catalog of every render so that the flow recorder
// can name the rule behind each logged packet. Renders only when an input changed.
//
// No window for a new pod (issue 6): the agent calls `sync` after CNI ADD gave the pod its
// address and before its containers start, with the addresses of the sandboxes it holds. Those
// addresses go into the render even when the Pod object does not carry them yet (the status
// is written after the containers start), so the pod is in the ruleset before its first packet.
import type { KubeObject, Namespace, NetworkPolicy, Node, Pod } from '../api/types.js';
import type { HttpObjectClient } from '../client/http-client.js';
import type { FlowCatalog } from '../dataplane/policy/catalog.js';
import { renderPolicy } from '../dataplane/policy/render.js';
import { TableSyncer } from '../nft/apply.js';
import { nftRunnerFor } from '../nft/libnftables.js';

export interface PolicyEnforcerOptions {
  cluster: string;
  node: string;
  /** The node's network namespace (nft is pointed at it by name). */
  netns: string;
  client: HttpObjectClient;
  log: (line: string) => void;
}

/** Identity and version of every object: the render runs only when this changes. */
const versions = (objs: KubeObject[]) =>
  objs.map((o) => `${o.metadata?.namespace}/${o.metadata?.name}@${o.metadata?.resourceVersion}`).join(',');

/**
 * The pods as the ruleset must see them: this node's pods carry the address of their sandbox
 * (`ns/name` -> IP) whether or not their status says so yet.
 */
export function withSandboxAddresses(
  pods: Pod[],
  node: string,
  sandboxes: ReadonlyMap<string, string>,
): Pod[] {
  return pods.map((p) => {
    if (p.spec?.nodeName !== node) return p;
    const ip = sandboxes.get(`${p.metadata.namespace}/${p.metadata.name}`);
    if (!ip || p.status?.podIP === ip) return p;
    return { ...p, status: { ...p.status, podIP: ip, podIPs: [{ ip }] } };
  });
}

export class PolicyEnforcer {
  private readonly syncer: TableSyncer;
  private lastInputs = '';
  /** Every prefix any render used: prefixes are hashes of their meaning, so they never clash. */
  readonly catalog: FlowCatalog = {};
  /** Pod IP -> `ns/name`, for naming the ends of a logged packet. */
  podsByIP = new Map<string, string>();

  constructor(private readonly o: PolicyEnforcerOptions) {
    this.syncer = new TableSyncer(o.netns, nftRunnerFor(o.netns, o.log));
  }

  /** Makes the node's table match the cluster; `sandboxes` maps `ns/name` -> IP of this node's pods. */
  async sync(sandboxes: ReadonlyMap<string, string>): Promise<void> {
    const [networkPolicies, pods, namespaces, nodes] = await Promise.all([
      this.o.client.list<NetworkPolicy>('NetworkPolicy'),
      this.o.client.list<Pod>('Pod'),
      this.o.client.list<Namespace>('Namespace'),
      this.o.client.list<Node>('Node'),
    ]);
    const local = [...sandboxes].map(([k, ip]) => `${k}=${ip}`).join(',');
    const inputs = [
      versions(networkPolicies),
      versions(pods),
      versions(namespaces),
      versions(nodes),
      local,
    ].join('|');
    if (inputs === this.lastInputs) return;
    const seen = withSandboxAddresses(pods, this.o.node, sandboxes);
    const t0 = performance.now();
    const { table, catalog } = renderPolicy({
      clusterName: this.o.cluster,
      nodeName: this.o.node,
      nodes,
      networkPolicies,
      pods: seen,
      namespaces,
    });
    const result = await this.syncer.sync(table);
    Object.assign(this.catalog, catalog);
    this.podsByIP = new Map(
      seen
        .filter((p) => p.status?.podIP)
        .map((p) => [p.status!.podIP!, `${p.metadata.namespace}/${p.metadata.name}`]),
    );
    if (result.mode !== 'unchanged')
      this.o.log(
        `network policy: ${result.mode} sync, ${result.ops} operation(s) in ${(performance.now() - t0).toFixed(1)} ms` +
          (result.error ? ` (the diff failed: ${result.error})` : ''),
      );
    this.lastInputs = inputs;
  }
}
