// Drives reconcile.ts: computes the wanted slices of every selector Service and makes the
// managed slices in the store equal to them. Slices managed by anyone else are left alone.
// Like an informer-driven controller, it only reconciles a Service when something it depends
// on changed: the Service, the pods of its namespace, the nodes, or its own slices (a
// fingerprint of their resourceVersions is kept between passes).
import type { EndpointSlice, KubeObject, Node, Pod, Service } from '../../api/types.js';
import type { ObjectClient } from '../../store/client.js';
import type { Controller } from '../controller.js';
import { CONTROLLER_NAME, desiredSlices, MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from './reconcile.js';

// Both sides are built by reconcile.ts with the same key order, so JSON text compares them.
const content = (s: EndpointSlice) =>
  JSON.stringify([s.metadata.labels, s.endpoints, s.ports, s.addressType]);

/** Count and newest resourceVersion: changes on any create, update or delete. */
function versionOf(objects: KubeObject[]): string {
  let max = 0;
  for (const o of objects) max = Math.max(max, Number(o.metadata?.resourceVersion ?? 0));
  return `${objects.length}:${max}`;
}

function group<T extends KubeObject>(objects: T[], key: (o: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const o of objects) {
    const k = key(o);
    const list = out.get(k);
    if (list) list.push(o);
    else out.set(k, [o]);
  }
  return out;
}

export function endpointSliceController(): Controller {
  const done = new Map<string, string>(); // ns/service -> fingerprint of what it was reconciled from
  return {
    name: 'endpointslice',
    reads: ['Service', 'Pod', 'Node', 'EndpointSlice'],
    async sync(client: ObjectClient) {
      let writes = 0;
      const nodeList = await client.list<Node>('Node');
      const nodes = new Map(nodeList.map((n) => [n.metadata.name!, n]));
      const nodesVersion = versionOf(nodeList);
      const podsByNs = group(await client.list<Pod>('Pod'), (p) => p.metadata.namespace!);
      const managedList = (await client.list<EndpointSlice>('EndpointSlice')).filter(
        (s) => s.metadata.labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME,
      );
      const slicesBySvc = group(
        managedList,
        (s) => `${s.metadata.namespace}/${s.metadata.labels?.[SERVICE_NAME_LABEL]}`,
      );
      const services = new Set<string>();
      for (const svc of await client.list<Service>('Service')) {
        const id = `${svc.metadata.namespace}/${svc.metadata.name}`;
        services.add(id);
        const pods = podsByNs.get(svc.metadata.namespace!) ?? [];
        const have = slicesBySvc.get(id) ?? [];
        const inputs = `${svc.metadata.resourceVersion}|${versionOf(pods)}|${nodesVersion}`;
        if (done.get(id) === `${inputs}|${versionOf(have)}`) continue;
        const byName = new Map(have.map((s) => [s.metadata.name!, s]));
        const after: EndpointSlice[] = [];
        for (const want of desiredSlices(svc, pods, nodes)) {
          const existing = byName.get(want.metadata.name!);
          byName.delete(want.metadata.name!);
          if (!existing) after.push(await client.create(want));
          else if (content(existing) !== content(want)) {
            after.push(
              await client.update({
                ...want,
                metadata: { ...existing.metadata, labels: want.metadata.labels },
              }),
            );
          } else {
            after.push(existing);
            continue;
          }
          writes++;
        }
        // Left over: ours but no longer wanted (pods gone, ports changed, selector removed).
        for (const s of byName.values()) {
          await client.delete('EndpointSlice', s.metadata.namespace, s.metadata.name!);
          writes++;
        }
        // Our own writes are not a reason to come back: remember the slices as we left them.
        done.set(id, `${inputs}|${versionOf(after)}`);
      }
      // Slices of Services that no longer exist.
      for (const [id, slices] of slicesBySvc) {
        if (services.has(id)) continue;
        for (const s of slices) {
          await client.delete('EndpointSlice', s.metadata.namespace, s.metadata.name!);
          writes++;
        }
        done.delete(id);
      }
      return writes;
    },
  };
}
