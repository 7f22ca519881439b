// Reading a real cluster through its Kubernetes API (`--kubeconfig FILE [--context C]`) with the
// official @kubernetes/client-node (1.4.x: its 2.x does not load on Node 20). The objects are put
// in an ObjectStore as they are and NO controllers run: the cluster's own EndpointSlices, pod IPs
// and ClusterIPs are authoritative. Secrets: only kubernetes.io/tls ones, and of those only the
// metadata and tls.crt (lint's certificate checks); keys and other data are dropped on arrival.
import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  KubeConfig,
  NetworkingV1Api,
} from '@kubernetes/client-node';
// The generated serializer turns the client's typed models (camel-cased `_from`, Date timestamps)
// back into wire JSON, the shape every podnet module reads. Not re-exported by the package index.
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import type { Cluster } from '../api/cluster.js';
import type { KubeObject } from '../api/types.js';
import type { ObjectStore } from '../store/store.js';
import { ANALYZED_KINDS, clean, clusterOfObjects, TLS_SECRET, type AnalyzedKind } from './cluster-objects.js';
import { UsageError } from './errors.js';

const PAGE = 500;

interface ListPage {
  items?: unknown[];
  metadata?: { _continue?: string; continue?: string };
}

/** One kind to list: `fetch` gets a page; `listType` names the typed model to serialize back. */
interface Source {
  kind: string;
  apiVersion: string;
  /** Plural, for messages and RBAC hints. */
  resource: string;
  listType?: string;
  fetch: (cont: string | undefined) => Promise<ListPage>;
  /** A 404 means the API is not served (CRDs not installed): no objects, not an error. */
  optional?: boolean;
}

/** A Source before its kind is known: the key it is filed under names it. */
type SourceSpec = Omit<Source, 'kind'>;

interface Target {
  server: string;
  context: string;
  user: string;
}

/**
 * Lists every kind podnet models from the cluster of the kubeconfig's current context (or
 * `context`) and returns it as a Cluster, with the store holding every object (workloads too).
 * Throws UsageError with a message naming the server and what to check on any failure.
 */
export async function clusterFromKubeconfig(
  path: string,
  context?: string,
): Promise<{ cluster: Cluster; store: ObjectStore }> {
  const { kc, target } = loadKubeconfig(path, context);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const discovery = kc.makeApiClient(DiscoveryV1Api);
  const networking = kc.makeApiClient(NetworkingV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const all = (cont: string | undefined) => ({ limit: PAGE, _continue: cont });
  const crd = (group: string, version: string, plural: string) => (cont: string | undefined) =>
    custom.listClusterCustomObject({ group, version, plural, ...all(cont) }) as Promise<ListPage>;

  // Every analyzed kind has its source: the Record's type makes a missing or extra one an error.
  const sources: Record<AnalyzedKind, SourceSpec> = {
    Namespace: {
      apiVersion: 'v1',
      resource: 'namespaces',
      listType: 'V1NamespaceList',
      fetch: (c) => core.listNamespace(all(c)),
    },
    Node: {
      apiVersion: 'v1',
      resource: 'nodes',
      listType: 'V1NodeList',
      fetch: (c) => core.listNode(all(c)),
    },
    Pod: {
      apiVersion: 'v1',
      resource: 'pods',
      listType: 'V1PodList',
      fetch: (c) => core.listPodForAllNamespaces(all(c)),
    },
    Service: {
      apiVersion: 'v1',
      resource: 'services',
      listType: 'V1ServiceList',
      fetch: (c) => core.listServiceForAllNamespaces(all(c)),
    },
    EndpointSlice: {
      apiVersion: 'discovery.k8s.io/v1',
      resource: 'endpointslices',
      listType: 'V1EndpointSliceList',
      fetch: (c) => discovery.listEndpointSliceForAllNamespaces(all(c)),
    },
    NetworkPolicy: {
      apiVersion: 'networking.k8s.io/v1',
      resource: 'networkpolicies',
      listType: 'V1NetworkPolicyList',
      fetch: (c) => networking.listNetworkPolicyForAllNamespaces(all(c)),
    },
    Ingress: {
      apiVersion: 'networking.k8s.io/v1',
      resource: 'ingresses',
      listType: 'V1IngressList',
      fetch: (c) => networking.listIngressForAllNamespaces(all(c)),
    },
    IngressClass: {
      apiVersion: 'networking.k8s.io/v1',
      resource: 'ingressclasses',
      listType: 'V1IngressClassList',
      fetch: (c) => networking.listIngressClass(all(c)),
    },
    Secret: {
      apiVersion: 'v1',
      resource: 'secrets',
      listType: 'V1SecretList',
      fetch: (c) => listTlsSecrets(core, c),
    },
    Deployment: {
      apiVersion: 'apps/v1',
      resource: 'deployments',
      listType: 'V1DeploymentList',
      fetch: (c) => apps.listDeploymentForAllNamespaces(all(c)),
    },
    ReplicaSet: {
      apiVersion: 'apps/v1',
      resource: 'replicasets',
      listType: 'V1ReplicaSetList',
      fetch: (c) => apps.listReplicaSetForAllNamespaces(all(c)),
    },
    StatefulSet: {
      apiVersion: 'apps/v1',
      resource: 'statefulsets',
      listType: 'V1StatefulSetList',
      fetch: (c) => apps.listStatefulSetForAllNamespaces(all(c)),
    },
    DaemonSet: {
      apiVersion: 'apps/v1',
      resource: 'daemonsets',
      listType: 'V1DaemonSetList',
      fetch: (c) => apps.listDaemonSetForAllNamespaces(all(c)),
    },
    Job: {
      apiVersion: 'batch/v1',
      resource: 'jobs',
      listType: 'V1JobList',
      fetch: (c) => batch.listJobForAllNamespaces(all(c)),
    },
    ...gatewaySources(crd),
  };
  const serviceCIDRs: Source = {
    kind: 'ServiceCIDR',
    apiVersion: 'networking.k8s.io/v1',
    resource: 'servicecidrs',
    fetch: crd('networking.k8s.io', 'v1', 'servicecidrs'),
    optional: true,
  };

  const source = (kind: AnalyzedKind): Source => ({ kind, ...sources[kind] });
  // One request first, so that an unreachable server or rejected credentials give one message.
  const first = await listAll(source('Namespace'), target);
  const rest = await Promise.all(
    ANALYZED_KINDS.filter((k) => k !== 'Namespace').map((k) => listAll(source(k), target)),
  );
  const cidrs = await listAll(serviceCIDRs, target).catch(() => [] as KubeObject[]);

  return clusterOfObjects([...first, ...rest.flat()], cidrs);
}

function loadKubeconfig(path: string, context: string | undefined): { kc: KubeConfig; target: Target } {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (e) {
    throw new UsageError(`cannot read kubeconfig ${path}: ${errorText(e)}`);
  }
  if (kc.getContexts().length === 0 && kc.getClusters().length === 0)
    throw new UsageError(`${path} is not a kubeconfig: it defines no clusters and no contexts`);
  if (context !== undefined) {
    if (!kc.getContextObject(context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new UsageError(
        `kubeconfig ${path} has no context "${context}"` +
          (known.length ? `; its contexts: ${known.join(', ')}` : ' (it defines no contexts)'),
      );
    }
    kc.setCurrentContext(context);
  }
  const current = kc.getCurrentContext();
  if (!current || !kc.getContextObject(current))
    throw new UsageError(
      `kubeconfig ${path} has no current context: give --context NAME` +
        (kc.getContexts().length
          ? ` (one of ${kc
              .getContexts()
              .map((c) => c.name)
              .join(', ')})`
          : ''),
    );
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server)
    throw new UsageError(`context "${current}" of kubeconfig ${path} names no cluster with a server address`);
  if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify)
    throw new UsageError(
      `cluster "${cluster.name}" of kubeconfig ${path} uses plain HTTP (${cluster.server}), which the ` +
        `Kubernetes client refuses: use the cluster's HTTPS address`,
    );
  return { kc, target: { server: cluster.server, context: current, user: kc.getCurrentUser()?.name ?? '' } };
}

function gatewaySources(
  crd: (group: string, version: string, plural: string) => (cont: string | undefined) => Promise<ListPage>,
): Record<'GatewayClass' | 'Gateway' | 'HTTPRoute' | 'ReferenceGrant', SourceSpec> {
  const group = 'gateway.networking.k8s.io';
  // Older installs serve only v1beta1 of the kinds that are v1 today: fall back on a 404.
  const withFallback = (resource: string, versions: string[]): SourceSpec => ({
    apiVersion: `${group}/${versions[0]}`,
    resource,
    optional: true,
    async fetch(cont) {
      for (const [i, v] of versions.entries()) {
        try {
          return await crd(group, v, resource)(cont);
        } catch (e) {
          if (!(e instanceof ApiException && e.code === 404) || i === versions.length - 1) throw e;
        }
      }
      return {};
    },
  });
  return {
    GatewayClass: withFallback('gatewayclasses', ['v1', 'v1beta1']),
    Gateway: withFallback('gateways', ['v1', 'v1beta1']),
    HTTPRoute: withFallback('httproutes', ['v1', 'v1beta1']),
    ReferenceGrant: withFallback('referencegrants', ['v1beta1', 'v1']),
  };
}

/** TLS Secrets only, filtered by the server where it can (a 400 on the field selector: here). */
async function listTlsSecrets(core: CoreV1Api, cont: string | undefined): Promise<ListPage> {
  try {
    return await core.listSecretForAllNamespaces({
      limit: PAGE,
      _continue: cont,
      fieldSelector: `type=${TLS_SECRET}`,
    });
  } catch (e) {
    if (!(e instanceof ApiException && e.code === 400)) throw e;
    return core.listSecretForAllNamespaces({ limit: PAGE, _continue: cont });
  }
}

/** Every object of a source, all pages, as wire JSON with kind/apiVersion set. */
async function listAll(src: Source, target: Target): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  let cont: string | undefined;
  do {
    let page: ListPage;
    try {
      page = await src.fetch(cont);
    } catch (e) {
      if (src.optional && e instanceof ApiException && e.code === 404) return [];
      throw failure(e, src, target);
    }
    // The typed list of the client serializes back to the wire shape (what the server sent).
    const wire = (src.listType ? ObjectSerializer.serialize(page, src.listType, '') : page) as {
      items?: KubeObject[];
      metadata?: { continue?: string };
    };
    for (const item of wire.items ?? []) {
      const obj = clean({ ...item, kind: src.kind, apiVersion: item.apiVersion ?? src.apiVersion });
      if (obj) out.push(obj);
    }
    cont = wire.metadata?.continue || undefined;
  } while (cont);
  return out;
}

function failure(e: unknown, src: Source, t: Target): UsageError {
  const where = `the API server ${t.server} (context "${t.context}")`;
  if (e instanceof ApiException) {
    const reason = statusMessage(e.body);
    if (e.code === 401)
      return new UsageError(
        `${where} rejected the credentials of user "${t.user}" (401 Unauthorized): check the token, ` +
          `client certificate or exec plugin of that user in the kubeconfig, and that it has not expired`,
      );
    if (e.code === 403)
      return new UsageError(
        `${where} forbids user "${t.user}" to list ${src.resource} in all namespaces (403 Forbidden` +
          `${reason ? `: ${reason}` : ''}): podnet needs cluster-wide list access to ${src.resource} ` +
          `(check with \`kubectl auth can-i list ${src.resource} -A\`)`,
      );
    return new UsageError(
      `${where} answered ${e.code} when listing ${src.resource}${reason ? `: ${reason}` : ''}`,
    );
  }
  const code = errorCode(e);
  if (code === 'ECONNREFUSED')
    return new UsageError(
      `cannot connect to ${where}: connection refused. Is the cluster running, and is the server ` +
        `address in the kubeconfig right?`,
    );
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new UsageError(`cannot resolve the host of ${where}: check the server address in the kubeconfig`);
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ECONNRESET')
    return new UsageError(`cannot reach ${where} (${code}): check the network and the server address`);
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|TLS|SSL/.test(code))
    return new UsageError(
      `TLS verification of ${where} failed (${code}): check certificate-authority(-data) of the ` +
        `cluster in the kubeconfig`,
    );
  return new UsageError(`listing ${src.resource} from ${where} failed: ${errorText(e)}`);
}

function statusMessage(body: unknown): string {
  if (typeof body === 'string') {
    try {
      return statusMessage(JSON.parse(body));
    } catch {
      return '';
    }
  }
  const m = (body as { message?: unknown } | null)?.message;
  return typeof m === 'string' ? m : '';
}

/** The system error code of a failed request (node-fetch's FetchError or its cause). */
function errorCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; depth++) {
    const c = cur as { code?: unknown; errno?: unknown; cause?: unknown };
    if (typeof c.code === 'string') return c.code;
    if (typeof c.errno === 'string') return c.errno;
    cur = c.cause;
  }
  return undefined;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
