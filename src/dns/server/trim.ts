// The watched objects cut down to the fields buildDnsIndex reads (dns-index.ts toService,
// toEndpoints, the pod and namespace loops), as CoreDNS's informers keep only its object.Service,
// object.Endpoints, object.Pod and object.Namespace (plugin/kubernetes/object/*.go, applied as
// the informers' transform). Pod specs, managedFields and annotations would otherwise be most of
// the server's memory. If buildDnsIndex starts reading another field, it must be kept here too:
// the agreement tests build the index from trimmed and untrimmed objects and compare answers.
import type { EndpointSlice, KubeObject, Namespace, ObjectMeta, Pod, Service } from '../../api/types.js';

const SERVICE_NAME = 'kubernetes.io/service-name';

/**
 * `o` without its undefined fields, which would still take a slot in every kept object. Made
 * anew rather than with `delete`, which would turn V8 objects into slower, larger dictionaries.
 */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const meta = (m: ObjectMeta | undefined): ObjectMeta =>
  defined({ name: m?.name, namespace: m?.namespace, resourceVersion: m?.resourceVersion });

function trimService(s: Service): Service {
  const spec = s.spec ?? {};
  return {
    kind: 'Service',
    metadata: meta(s.metadata),
    spec: defined({
      type: spec.type,
      clusterIP: spec.clusterIP,
      clusterIPs: spec.clusterIPs,
      externalName: spec.externalName,
      ports: spec.ports?.map((p) => defined({ name: p.name, protocol: p.protocol, port: p.port })),
    }),
  };
}

function trimSlice(s: EndpointSlice): EndpointSlice {
  const service = s.metadata?.labels?.[SERVICE_NAME];
  return defined<EndpointSlice>({
    kind: 'EndpointSlice',
    metadata: { ...meta(s.metadata), labels: service === undefined ? {} : { [SERVICE_NAME]: service } },
    addressType: s.addressType,
    endpoints: s.endpoints?.map((e) =>
      defined({
        addresses: e.addresses,
        hostname: e.hostname,
        // only `ready: false` changes anything (dns-index.ts: nil means ready)
        conditions: e.conditions?.ready === false ? { ready: false } : undefined,
      }),
    ),
    ports: s.ports?.map((p) => defined({ name: p.name, protocol: p.protocol, port: p.port })),
  });
}

function trimPod(p: Pod): Pod {
  return {
    kind: 'Pod',
    metadata: defined({ ...meta(p.metadata), deletionTimestamp: p.metadata?.deletionTimestamp }),
    status: defined({ podIP: p.status?.podIP }),
  };
}

/** The object with only what the DNS index needs; kinds the index does not read pass unchanged. */
export function trimForDns(o: KubeObject): KubeObject {
  switch (o.kind) {
    case 'Service':
      return trimService(o as Service);
    case 'EndpointSlice':
      return trimSlice(o as EndpointSlice);
    case 'Pod':
      return trimPod(o as Pod);
    case 'Namespace':
      return { kind: 'Namespace', metadata: meta((o as Namespace).metadata) } as Namespace;
    default:
      return o;
  }
}
