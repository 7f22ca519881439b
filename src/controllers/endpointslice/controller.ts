// Drives reconcile.ts: computes the wanted slices of every selector Service and makes the
// managed slices in the store equal to them. Slices managed by anyone else are left alone.
import type { EndpointSlice, Node, Pod, Service } from '../../api/types.js';
import type { ObjectClient } from '../../store/client.js';
import type { Controller } from '../controller.js';
import { CONTROLLER_NAME, desiredSlices, MANAGED_BY_LABEL } from './reconcile.js';

// Both sides are built by reconcile.ts with the same key order, so JSON text compares them.
const content = (s: EndpointSlice) =>
  JSON.stringify([s.metadata.labels, s.endpoints, s.ports, s.addressType]);

export const endpointSliceController: Controller = {
  name: 'endpointslice',
  async sync(client: ObjectClient) {
    let writes = 0;
    const nodes = new Map((await client.list<Node>('Node')).map((n) => [n.metadata.name!, n]));
    const podsByNs = new Map<string, Pod[]>();
    for (const p of await client.list<Pod>('Pod')) {
      const list = podsByNs.get(p.metadata.namespace!) ?? [];
      list.push(p);
      podsByNs.set(p.metadata.namespace!, list);
    }
    const managed = new Map<string, EndpointSlice>();
    for (const s of await client.list<EndpointSlice>('EndpointSlice')) {
      if (s.metadata.labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME)
        managed.set(`${s.metadata.namespace}/${s.metadata.name}`, s);
    }
    for (const svc of await client.list<Service>('Service')) {
      for (const want of desiredSlices(svc, podsByNs.get(svc.metadata.namespace!) ?? [], nodes)) {
        const key = `${want.metadata.namespace}/${want.metadata.name}`;
        const have = managed.get(key);
        managed.delete(key);
        if (!have) await client.create(want);
        else if (content(have) !== content(want))
          await client.update({ ...want, metadata: { ...have.metadata, labels: want.metadata.labels } });
        else continue;
        writes++;
      }
    }
    // What is left is managed by us but no longer wanted (pods gone, Service deleted or selector removed).
    for (const s of managed.values()) {
      await client.delete('EndpointSlice', s.metadata.namespace, s.metadata.name!);
      writes++;
    }
    return writes;
  },
};
