// One object's change applied to a DnsIndex in place, in time proportional to what that object
// contributes (its addresses, its Service's slices), not to the cluster: the server follows watch
// events this way instead of running buildDnsIndex over everything (server/index-source.ts).
// An update takes the old object's contribution out and puts the new one's in, each list kept in
// buildDnsIndex's order; the index must then equal buildDnsIndex of the objects as they now are
// (dns-index-update.test.ts checks that after every step of random sequences of changes).
// Assumes what the API guarantees: one object per kind and namespace/name, lower-case names.
import type { EndpointSlice, Namespace, Pod, Service } from '../api/types.js';
import {
  nameserverIPs,
  orderOf,
  serviceKey,
  toEndpoints,
  toService,
  type DnsIndex,
  type EndpointRef,
  type ServiceInfo,
} from './dns-index.js';

/** One object before and after (`old` absent when it was created, `object` when deleted). */
export type DnsObjectChange =
  | { kind: 'Namespace'; old?: Namespace; object?: Namespace }
  | { kind: 'Service'; old?: Service; object?: Service }
  | { kind: 'EndpointSlice'; old?: EndpointSlice; object?: EndpointSlice }
  | { kind: 'Pod'; old?: Pod; object?: Pod };

/**
 * What one object puts in the index: `same` is equal for two versions of an object exactly when
 * they contribute the same, so an update that changes nothing the index reads is skipped.
 */
interface Contribution {
  same: string;
  add(): void;
  remove(): void;
}

/**
 * Applies the change to `index`; false when the index is unchanged (only fields the index does
 * not read changed), so that the caller may keep its reply cache and SOA serial.
 */
export function updateDnsIndex(index: DnsIndex, change: DnsObjectChange): boolean {
  const before = change.old && contribution(index, change.kind, change.old);
  const after = change.object && contribution(index, change.kind, change.object);
  if (before?.same === after?.same) return false;
  before?.remove();
  after?.add();
  index.nameserverIPs = nameserverIPs(index); // one lookup: cheaper than working out if it changed
  return true;
}

function contribution(index: DnsIndex, kind: DnsObjectChange['kind'], o: object): Contribution | undefined {
  switch (kind) {
    case 'Namespace':
      return namespace(index, o as Namespace);
    case 'Service':
      return service(index, o as Service);
    case 'EndpointSlice':
      return slice(index, o as EndpointSlice);
    case 'Pod':
      return pod(index, o as Pod);
  }
}

function namespace(index: DnsIndex, ns: Namespace): Contribution {
  const name = (ns.metadata.name ?? '').toLowerCase();
  return { same: name, add: () => index.namespaces.add(name), remove: () => index.namespaces.delete(name) };
}

function pod(index: DnsIndex, p: Pod): Contribution | undefined {
  const ip = p.status?.podIP?.toLowerCase();
  if (!ip || p.metadata.deletionTimestamp) return undefined; // object.ToPod ignores terminating pods
  const ns = p.metadata.namespace ?? 'default';
  return {
    same: `${ip} ${ns}`,
    add: () => insert(index.podNamespacesByIP, ip, (x) => x > ns, ns), // the lists are sorted
    remove: () => remove(index.podNamespacesByIP, ip, (x) => x === ns), // one of the equal entries
  };
}

const serviceOrder = (s: ServiceInfo) => orderOf({ metadata: s });

function service(index: DnsIndex, svc: Service): Contribution {
  const info = toService(svc);
  const k = serviceKey(info.name, info.namespace);
  const order = serviceOrder(info);
  return {
    same: JSON.stringify(info), // its endpoints are [] here: only the Service's own fields count
    add: () => {
      info.endpoints = index.orphanEndpoints.get(k) ?? []; // slices that named it before it existed
      index.orphanEndpoints.delete(k);
      index.services.set(k, info);
      for (const ip of info.clusterIPs) {
        insert(index.serviceByIP, ip, (s) => serviceOrder(s).localeCompare(order) > 0, info);
      }
    },
    remove: () => {
      const kept = index.services.get(k)!; // what the index holds, not the copy made from `svc`
      index.services.delete(k);
      if (kept.endpoints.length) index.orphanEndpoints.set(k, kept.endpoints);
      for (const ip of kept.clusterIPs) remove(index.serviceByIP, ip, (s) => s === kept);
    },
  };
}

function slice(index: DnsIndex, s: EndpointSlice): Contribution | undefined {
  const service = s.metadata.labels?.['kubernetes.io/service-name'];
  const eps = service ? toEndpoints(s) : null;
  if (!service || !eps) return undefined;
  const namespace = s.metadata.namespace ?? 'default';
  const k = serviceKey(service, namespace);
  const order = orderOf(s);
  const sortsAfter = (ns: string, name: string) =>
    orderOf({ metadata: { namespace: ns, name } }).localeCompare(order) > 0;
  const refs = new Map<string, EndpointRef[]>(); // by address, in the slice's order
  for (const a of eps.addresses) {
    const ref = { hostname: a.hostname, service, namespace, slice: eps.slice };
    refs.set(a.ip, [...(refs.get(a.ip) ?? []), ref]);
  }
  // The slices of one key are in its Service's endpoints when it exists, else in the orphans:
  // a one-entry Map around the Service's list lets insert() and remove() serve both.
  const slices = () => {
    const svc = index.services.get(k);
    return svc ? new Map([[k, svc.endpoints]]) : index.orphanEndpoints;
  };
  return {
    same: JSON.stringify([service, namespace, eps]),
    add: () => {
      insert(slices(), k, (e) => sortsAfter(namespace, e.slice), eps);
      for (const [ip, list] of refs) {
        insert(index.endpointByIP, ip, (r) => sortsAfter(r.namespace, r.slice), ...list);
      }
    },
    remove: () => {
      remove(slices(), k, (e) => e.slice === eps.slice);
      for (const ip of refs.keys()) {
        remove(index.endpointByIP, ip, (r) => r.namespace === namespace && r.slice === eps.slice, true);
      }
    },
  };
}

/** Puts `items` into `m`'s list under `k` before the first element that sorts after them. */
function insert<K, V>(m: Map<K, V[]>, k: K, sortsAfter: (x: V) => boolean, ...items: V[]): void {
  const list = m.get(k);
  if (!list) return void m.set(k, items);
  const i = list.findIndex(sortsAfter);
  list.splice(i < 0 ? list.length : i, 0, ...items);
}

/** Takes the first element that `matches` (every one with `all`) out of `m`'s list under `k`. */
function remove<K, V>(m: Map<K, V[]>, k: K, matches: (x: V) => boolean, all = false): void {
  const list = m.get(k) ?? [];
  for (let i = list.findIndex(matches); i >= 0; i = all ? list.findIndex(matches) : -1) list.splice(i, 1);
  if (list.length === 0) m.delete(k);
}
