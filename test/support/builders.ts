// Fixture builders for pure tests: small objects with tweak functions (STYLE rule 5).
// Addresses follow the test plan of DESIGN.md §2: pods 10.244.0.0/16, services 10.96.0.0/12,
// nodes 172.18.0.0/16, outside 203.0.113.0/24.
import { defaultClusterConfig, type Cluster } from '../../src/api/cluster.js';
import type { ContainerPort, Namespace, NetworkPolicy, NetworkPolicySpec, Pod } from '../../src/api/types.js';
import { simulateCluster } from '../../src/offline/simulate.js';
import { loadManifests } from '../../src/load/manifests.js';

export function namespace(name: string, labels: Record<string, string> = {}): Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
  };
}

export function pod(
  ref: string,
  ip: string,
  labels: Record<string, string> = {},
  ports: ContainerPort[] = [{ containerPort: 80, name: 'http' }],
): Pod {
  const [ns, name] = ref.split('/');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { containers: [{ name: 'c', image: 'agnhost', ports }] },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

export function policy(ref: string, spec: NetworkPolicySpec): NetworkPolicy {
  const [ns, name] = ref.split('/');
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: ns },
    spec,
  };
}

/** A cluster from objects, after the offline controllers ran. */
export async function clusterOf(objects: object[]): Promise<Cluster> {
  return (await simulateCluster(structuredClone(objects) as never[], defaultClusterConfig)).cluster;
}

/** A cluster from YAML text, through the real loader (validation included); throws on errors. */
export async function clusterFromYaml(text: string): Promise<Cluster> {
  const m = loadManifests([{ file: 'test.yaml', text }]);
  if (m.errors.length) throw new Error(m.errors.join('\n'));
  return (
    await simulateCluster(
      m.objects.map((o) => o.object),
      defaultClusterConfig,
    )
  ).cluster;
}
