// Test-only: lint small YAML snippets through the real loader and controllers, as the CLI does.
import { defaultClusterConfig, type ClusterConfig } from '../api/cluster.js';
import { loadManifests } from '../load/manifests.js';
import { simulateCluster } from '../offline/simulate.js';
import { lint, type Finding } from './index.js';

/** Lints the documents of `texts` (one file each, named `a.yaml`, `b.yaml`, ...). */
export async function lintYaml(
  texts: string | string[],
  config: Partial<ClusterConfig> = {},
): Promise<Finding[]> {
  const list = Array.isArray(texts) ? texts : [texts];
  const manifests = loadManifests(
    list.map((text, i) => ({ file: `${String.fromCharCode(97 + i)}.yaml`, text })),
  );
  if (manifests.errors.length > 0) throw new Error(`bad test input:\n${manifests.errors.join('\n')}`);
  const { cluster } = await simulateCluster(
    manifests.objects.map((o) => o.object),
    { ...defaultClusterConfig, ...config },
  );
  return lint(cluster, manifests);
}

export const ns = (name: string, labels: Record<string, string> = {}) => `
apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels: ${JSON.stringify(labels)}
---`;

/** A pod with labels and container ports given as `80`, `http:8080`, `dns:53/UDP`. */
export function pod(
  namespace: string,
  name: string,
  labels: Record<string, string>,
  ports: string[] = [],
  extra = '',
) {
  const list = ports.map((p) => {
    const m = /^(?:([a-z0-9-]+):)?(\d+)(?:\/(TCP|UDP|SCTP))?$/.exec(p)!;
    return { ...(m[1] ? { name: m[1] } : {}), containerPort: Number(m[2]), protocol: m[3] ?? 'TCP' };
  });
  return `
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${namespace}
  labels: ${JSON.stringify(labels)}
spec:
  ${extra}
  containers:
    - name: c
      image: agnhost
      ports: ${JSON.stringify(list)}
---`;
}

export const codesOf = (findings: Finding[]) => findings.map((f) => f.code);
