// How long one watched change blocks the cluster DNS server's event loop: before, the whole index
// built again with buildDnsIndex (what index-source.ts did a short while after every change, and
// still does after a relist); after, the change applied in place with updateDnsIndex. Both are
// timed on the same objects in the same run, one after the other, so the ratio is the result.
// In-process: no root, no sockets. The objects are dns-cluster.ts's (those bench/dns.ts serves),
// cut by trim.ts and held per kind as the reflectors hold them; `pods insecure`, the Corefile's
// mode, watches no Pods. Only one index is alive at a time, as in the server (64 MB heap).
// Run it also with the DNS pod's heap flags, where a build takes its ~230 ms (docs/benchmarks.md):
//   npm run build && node --max-semi-space-size=1 --max-old-space-size=64 dist/bench/dns-index-update.js
// Usage: node dist/bench/dns-index-update.js [--services 1000,10000] [--reps 21]
import { parseArgs } from 'node:util';
import type { EndpointSlice, KubeObject, Service } from '../api/types.js';
import { keyOf } from '../client/reflector.js';
import { updateDnsIndex, type DnsObjectChange } from '../dns/dns-index-update.js';
import { buildDnsIndex, type DnsIndex, type DnsOptions } from '../dns/records.js';
import { clusterOfKinds } from '../dns/server/index-source.js';
import { trimForDns } from '../dns/server/trim.js';
import { nsOf, objects } from './dns-cluster.js';

const DNS: DnsOptions = { zone: 'cluster.local', pods: 'insecure' };

/** The reflectors' objects: kind -> namespace/name -> trimmed object. */
type Stores = Map<string, Map<string, KubeObject>>;

/** index-source.ts build(): every reflector's items into a Cluster, the old index let go first. */
function rebuild(stores: Stores): DnsIndex {
  return buildDnsIndex(
    clusterOfKinds((kind) => [...(stores.get(kind)?.values() ?? [])]),
    DNS,
  );
}

/** Applies a change to the stores as a reflector does; returns it as the index source sees it. */
function change(stores: Stores, kind: DnsObjectChange['kind'], key: string, object?: KubeObject) {
  const store = stores.get(kind)!;
  const old = store.get(key);
  if (object) store.set(key, trimForDns(object));
  else store.delete(key);
  return { kind, old, object: store.get(key) } as DnsObjectChange;
}

/** The changes of rep `r`: a Service created, an EndpointSlice's endpoint gone unready, the Service deleted. */
function changesOf(stores: Stores, n: number, r: number): [string, () => DnsObjectChange][] {
  const ns = nsOf(0);
  const fresh = `fresh-${r}`;
  const service: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: fresh, namespace: ns },
    spec: {
      clusterIP: `10.112.${r >> 8}.${r & 255}`,
      clusterIPs: [`10.112.${r >> 8}.${r & 255}`],
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    },
  };
  const i = (r * 7919) % n;
  const sliceKey = `${nsOf(i)}/svc-${i}-abcde`;
  const slice = () => {
    const s = structuredClone(stores.get('EndpointSlice')!.get(sliceKey)) as EndpointSlice;
    s.endpoints![0].conditions = { ready: false };
    return s;
  };
  return [
    ['add one Service', () => change(stores, 'Service', `${ns}/${fresh}`, service)],
    ['one EndpointSlice: an endpoint unready', () => change(stores, 'EndpointSlice', sliceKey, slice())],
    ['delete that Service', () => change(stores, 'Service', `${ns}/${fresh}`)],
  ];
}

interface Row {
  services: number;
  change: string;
  rebuildMs: number[];
  inPlaceMs: number[];
}

function measure(n: number, reps: number): Row[] {
  const stores: Stores = new Map(['Namespace', 'Service', 'EndpointSlice', 'Pod'].map((k) => [k, new Map()]));
  for (const o of objects(n)) if (o.kind !== 'Pod') stores.get(o.kind!)!.set(keyOf(o), trimForDns(o));
  // A holder, so that the old index can be let go before the next is built.
  const held: { index?: DnsIndex } = { index: rebuild(stores) };
  const rows = new Map<string, Row>();
  const warmup = 3;
  for (let r = 0; r < warmup + reps; r++) {
    for (const [name, make] of changesOf(stores, n, r)) {
      const c = make();
      let t = performance.now();
      updateDnsIndex(held.index!, c);
      const inPlace = performance.now() - t;
      t = performance.now();
      held.index = undefined;
      held.index = rebuild(stores);
      const rebuildMs = performance.now() - t;
      if (r < warmup) continue;
      const row = rows.get(name) ?? { services: n, change: name, rebuildMs: [], inPlaceMs: [] };
      rows.set(name, row);
      row.rebuildMs.push(rebuildMs);
      row.inPlaceMs.push(inPlace);
    }
  }
  return [...rows.values()];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
  const { values } = parseArgs({
    options: { services: { type: 'string', default: '1000,10000' }, reps: { type: 'string', default: '21' } },
  });
  const reps = Number(values.reps);
  const rows = String(values.services)
    .split(',')
    .flatMap((n) => measure(Number(n), reps));
  const out = [
    `node ${process.version} ${process.execArgv.join(' ') || '(default heap)'}; ${reps} reps after 3 of warm-up; ` +
      'the EndpointSlice is another one each rep',
    '',
    '| Services | change | rebuild (before): median (max) ms | in place (after): median (max) µs | rebuild / in place (medians) |',
    '|---|---|---|---|---|',
    ...rows.map((r) => {
      const [b, a] = [median(r.rebuildMs), median(r.inPlaceMs)];
      const max = (xs: number[]) => Math.max(...xs);
      return (
        `| ${r.services.toLocaleString('en')} | ${r.change} | ${b.toFixed(1)} (${max(r.rebuildMs).toFixed(1)}) | ` +
        `${(a * 1000).toFixed(1)} (${(max(r.inPlaceMs) * 1000).toFixed(1)}) | ${Math.round(b / a).toLocaleString('en')}× |`
      );
    }),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main();
