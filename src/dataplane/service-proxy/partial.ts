// Partial render, kube-proxy's partial sync (pkg/proxy/nftables/proxier.go syncProxyRules with
// a change tracker): the renderer keeps what each Service rendered to last time and renders
// again only the Services whose Service object or EndpointSlices changed. It also returns the
// transaction from the last table to the new one, computed from the changed Services alone, so
// that an incremental sync costs JavaScript time in proportion to the change. At 10,000
// Services a full render took 0.4 s and diffing two full tables 0.24 s
// (docs/benchmarks.md "Service proxy").
//
// Two ways in. render(input) finds the change itself, with one pass over the inputs (a version
// string per Service and its slices): 18-25 ms at 10,000 Services. renderChanged(context,
// changes) is told which Services changed (the node agent's watch events, as kube-proxy's
// ServiceChangeTracker and EndpointsChangeTracker tell its proxier, pkg/proxy/servicechangetracker.go
// and endpointschangetracker.go) and reads nothing else. A change to anything every Service
// depends on (the node, its address, the cluster config, the Nodes) needs render(input), which
// renders everything again and leaves the diff to TableSyncer.
import type { EndpointSlice, KubeObject, Service } from '../../api/types.js';
import { diffTables } from '../../nft/diff.js';
import { keyText, type Table } from '../../nft/ir.js';
import type { Transaction } from '../../nft/ops.js';
import { buildPortsOf, byName, serviceKey, slicesByService, type ServiceProxyInput } from './model.js';
import { proxyTableName } from './names.js';
import { assembleTable, nodeContext, renderServicePort, type PortFragment } from './render.js';

export interface ProxyRender {
  /**
   * The whole table. Built on first use: the node agent places the diff in its shard tables
   * (shards.ts) and never needs it, and building it took ~8 ms of every sync at 10,000 Services.
   */
  readonly table: Table;
  /** Counts renders; ProxyShards checks that a diff starts from the render it placed last. */
  readonly generation: number;
  /** How to get from the previous render's table to this one; absent after a full render. */
  diff?: { readonly from: Table; fromGeneration: number; tx: Transaction };
}

/** Everything a render reads besides the Services and their EndpointSlices. */
export type ProxyContext = Omit<ServiceProxyInput, 'services' | 'endpointSlices'>;

/** The context of an input (a ServiceProxyInput is one): all but its Services and EndpointSlices. */
export const contextOf = ({ clusterName, nodeName, nodeIP, config, nodes }: ProxyContext): ProxyContext => ({
  clusterName,
  nodeName,
  nodeIP,
  config,
  nodes,
});

/** A Service whose objects changed: what it is now (none once deleted) and its IPv4 EndpointSlices. */
export interface ServiceChange {
  /** `ns/name`. */
  key: string;
  service?: Service;
  slices: EndpointSlice[];
}

/** One Service port's part of the table, kept between renders. */
interface PortEntry {
  name: string;
  fragment: PortFragment;
}

interface ServiceEntry {
  version: string;
  ports: PortEntry[];
  /** The element keys this Service asks for (set and key). */
  keys: string[];
}

/**
 * A render's table, built on first use. Renders hold their own and (for the diff) the previous
 * one's, never another render: a chain of renders would keep every listed object of every sync.
 */
interface LazyTable {
  table?: Table;
  assemble: () => Table;
}

const tableOf = (lazy: LazyTable) => (lazy.table ??= lazy.assemble());

interface State {
  /** Everything that is not a Service or an EndpointSlice. */
  global: string;
  /** The last render's table and generation. */
  lazy: LazyTable;
  generation: number;
  services: Map<string, ServiceEntry>;
  /** Every port, in name order: the order renderServiceProxy renders them in. */
  ports: PortEntry[];
  claims: Claims;
}

export class ServiceProxyRenderer {
  private last: State | undefined;
  private generation = 0;

  /** The table for `input`: equal to renderServiceProxy(input), rendered only where it changed. */
  render(input: ServiceProxyInput): ProxyRender {
    const global = globalVersion(input);
    const slices = slicesByService(input.endpointSlices);
    const last = this.last;
    if (!last || last.global !== global) return this.renderAll(input, global, slices);

    const changed = new Map<string, ServiceEntry | undefined>();
    let kept = 0;
    for (const svc of input.services) {
      const key = serviceKey(svc);
      const own = slices.get(key) ?? [];
      const version = serviceVersion(svc, own);
      const old = last.services.get(key);
      if (old) kept++;
      if (old?.version !== version) changed.set(key, renderService(input, svc, own, version));
    }
    // Only when some Service is gone is it worth building the set of present ones.
    if (kept < last.services.size) {
      const present = new Set(input.services.map(serviceKey));
      for (const key of last.services.keys()) if (!present.has(key)) changed.set(key, undefined);
    }
    return this.commit(last, input, changed);
  }

  /**
   * The table after `changes`, from the last render: equal to renderServiceProxy of the whole
   * input once these Services are as given. Reads only the changed Services, so its cost follows
   * the change. Throws before any render(input), and when `context` differs from the last
   * render's (the node, the config or the Nodes changed: render(input) must redo everything).
   */
  renderChanged(context: ProxyContext, changes: Iterable<ServiceChange>): ProxyRender {
    const last = this.last;
    if (!last || last.global !== globalVersion(context))
      throw new Error(
        'renderChanged: the last render was not of this node, config and Nodes; render(input) first',
      );
    // renderService reads the node, the config and the Nodes of its input, never its Service lists.
    const input: ServiceProxyInput = { ...context, services: [], endpointSlices: [] };
    const changed = new Map<string, ServiceEntry | undefined>();
    for (const { key, service, slices } of changes) {
      const old = last.services.get(key);
      if (!service) {
        if (old) changed.set(key, undefined);
        continue;
      }
      const version = serviceVersion(service, slices);
      if (old?.version !== version) changed.set(key, renderService(input, service, slices, version));
    }
    return this.commit(last, input, changed);
  }

  /** Replaces the changed Services' entries (undefined: gone) and renders the diff of those alone. */
  private commit(
    last: State,
    input: ProxyContext,
    changed: Map<string, ServiceEntry | undefined>,
  ): ProxyRender {
    const previous = { lazy: last.lazy, generation: last.generation };
    const ref = { family: 'ip' as const, name: proxyTableName(input.clusterName) };
    if (changed.size === 0) return this.lazyRender(last, last.lazy, previous, { table: ref, ops: [] });

    const before: PortEntry[] = [];
    const after: PortEntry[] = [];
    let contested = false;
    for (const [key, entry] of changed) {
      const old = last.services.get(key);
      if (old) {
        before.push(...old.ports);
        for (const k of old.keys) contested = last.claims.remove(k) || contested;
        last.services.delete(key);
      }
      if (entry) {
        after.push(...entry.ports);
        for (const k of entry.keys) contested = last.claims.add(k) || contested;
        last.services.set(key, entry);
      }
    }
    const gone = new Set(before);
    if (gone.size > 0) last.ports = last.ports.filter((p) => !gone.has(p));
    for (const p of after) insertSorted(last.ports, p);
    const snapshot = fragments(last.ports);
    const unique = last.claims.contested === 0;
    const lazy: LazyTable = { assemble: () => assembleTable(input, snapshot, unique) };
    // An element key that another Service asks for too belongs to the first in name order,
    // which only the whole tables show: diff those then (rare: two Services claiming one
    // external IP and port).
    const tx = contested
      ? diffTables(tableOf(previous.lazy), tableOf(lazy))
      : retarget(
          diffTables(
            assembleTable(input, fragments(before.sort(byName))),
            assembleTable(input, fragments(after.sort(byName))),
          ),
          ref,
        );
    return this.lazyRender(last, lazy, previous, tx);
  }

  /** The render of `lazy`, which becomes the last one; with the diff from `from`, if any. */
  private lazyRender(
    state: State,
    lazy: LazyTable,
    from?: { lazy: LazyTable; generation: number },
    tx?: Transaction,
  ): ProxyRender {
    const render: ProxyRender = {
      get table() {
        return tableOf(lazy);
      },
      generation: ++this.generation,
    };
    if (from && tx)
      render.diff = {
        get from() {
          return tableOf(from.lazy);
        },
        fromGeneration: from.generation,
        tx,
      };
    state.lazy = lazy;
    state.generation = render.generation;
    return render;
  }

  private renderAll(
    input: ServiceProxyInput,
    global: string,
    slices: Map<string, EndpointSlice[]>,
  ): ProxyRender {
    const services = new Map<string, ServiceEntry>();
    const claims = new Claims();
    for (const svc of input.services) {
      const key = serviceKey(svc);
      const own = slices.get(key) ?? [];
      const entry = renderService(input, svc, own, serviceVersion(svc, own));
      services.set(key, entry);
      for (const k of entry.keys) claims.add(k);
    }
    const ports = [...services.values()].flatMap((s) => s.ports).sort(byName);
    const table = assembleTable(input, fragments(ports), claims.contested === 0);
    const lazy: LazyTable = { table, assemble: () => table };
    this.last = { global, lazy, generation: 0, services, ports, claims };
    return this.lazyRender(this.last, lazy);
  }
}

/**
 * One Service's ports in name order (the order of the full render; a Service's ports are
 * adjacent in it), each element key kept by its first port only, as the full render does.
 */
function renderService(
  input: ServiceProxyInput,
  svc: Service,
  own: EndpointSlice[],
  version: string,
): ServiceEntry {
  const node = nodeContext(input);
  const keys = new Set<string>();
  const ports = buildPortsOf(input, svc, own)
    .sort(byName)
    .map((sp) => {
      const fragment = renderServicePort(sp, node);
      fragment.elements = fragment.elements.filter((e) => {
        const k = `${e.set} ${keyText(e.element.key)}`;
        return !keys.has(k) && !!keys.add(k);
      });
      return { name: sp.name, fragment };
    });
  return { version, ports, keys: [...keys] };
}

/** Inserts in name order by binary search: sorting 10,000 ports again took milliseconds. */
function insertSorted(ports: PortEntry[], p: PortEntry): void {
  let lo = 0;
  let hi = ports.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (byName(ports[mid], p) < 0) lo = mid + 1;
    else hi = mid;
  }
  ports.splice(lo, 0, p);
}

const fragments = (ports: PortEntry[]) => ports.map((p) => p.fragment);

/** How many Services ask for each element key: more than one, and the first one wins. */
class Claims {
  private readonly count = new Map<string, number>();
  /** Keys asked for by more than one Service. */
  contested = 0;

  /** True when the key is now contested. */
  add(key: string): boolean {
    const n = (this.count.get(key) ?? 0) + 1;
    this.count.set(key, n);
    if (n === 2) this.contested++;
    return n > 1;
  }

  /** True when the key was contested. */
  remove(key: string): boolean {
    const n = this.count.get(key) ?? 0;
    if (n <= 1) this.count.delete(key);
    else this.count.set(key, n - 1);
    if (n === 2) this.contested--;
    return n > 1;
  }
}

/** The diff of the changed Services alone, addressed to the whole table. */
const retarget = (tx: Transaction | undefined, table: Transaction['table']): Transaction | undefined =>
  tx && { table, ops: tx.ops };

/** An object's resourceVersion, or its whole content when it has none (objects built in tests). */
const version = (o: KubeObject) => o.metadata?.resourceVersion ?? JSON.stringify(o);

/** The versions of a Service and its slices (a loop: this runs for every Service on every sync). */
function serviceVersion(svc: Service, own: EndpointSlice[]): string {
  let v = version(svc);
  for (const s of own) v += ` ${version(s)}`;
  return v;
}

function globalVersion(input: ProxyContext): string {
  const { clusterName, nodeName, nodeIP, config } = input;
  return JSON.stringify({ clusterName, nodeName, nodeIP, config, nodes: input.nodes.map(version) });
}
