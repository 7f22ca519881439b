// Test-only helpers for the diff tests: diffs of YAML texts (through the real loader and the
// offline controllers, test/support/builders.ts), and small YAML builders (named fields, tweakable by string templates).
import { clusterFromYaml } from '../../../test/support/builders.js';
import { diffClusters } from './index.js';
import type { ClusterDiff, DiffOptions } from './types.js';

export async function diffYaml(
  oldText: string,
  newText: string,
  opts: DiffOptions = {},
): Promise<ClusterDiff> {
  return diffClusters(await clusterFromYaml(oldText), await clusterFromYaml(newText), opts);
}

export const yaml = (...docs: string[]) => docs.join('\n---\n');

export const namespace = (name: string) => `apiVersion: v1
kind: Namespace
metadata: { name: ${name} }`;

export function pod(
  ref: string,
  labels: Record<string, string>,
  ports: number[] = [80],
  extra: { ready?: boolean; hostname?: string; subdomain?: string } = {},
): string {
  const [ns, name] = ref.split('/');
  const spec = [
    extra.hostname ? `  hostname: ${extra.hostname}` : '',
    extra.subdomain ? `  subdomain: ${extra.subdomain}` : '',
    `  containers: [{ name: c, image: agnhost, ports: [${ports.map((p) => `{ containerPort: ${p} }`).join(', ')}] }]`,
  ].filter(Boolean);
  const status =
    extra.ready === false
      ? `\nstatus: { phase: Running, conditions: [{ type: Ready, status: "False" }] }`
      : '';
  return `apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: ${ns}, labels: ${JSON.stringify(labels)} }
spec:
${spec.join('\n')}${status}`;
}

export function deployment(ref: string, replicas: number, labels: Record<string, string>, port = 80): string {
  const [ns, name] = ref.split('/');
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${ns} }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${labels.app} } }
  template:
    metadata: { labels: ${JSON.stringify(labels)} }
    spec:
      containers: [{ name: c, image: agnhost, ports: [{ containerPort: ${port} }] }]`;
}

export function service(
  ref: string,
  selector: Record<string, string> | null,
  ports: string = '[{ port: 80 }]',
  extra = '',
): string {
  const [ns, name] = ref.split('/');
  return `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns} }
spec:
${selector ? `  selector: ${JSON.stringify(selector)}\n` : ''}  ports: ${ports}${extra ? `\n${extra}` : ''}`;
}

export function policy(ref: string, spec: string): string {
  const [ns, name] = ref.split('/');
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: ${name}, namespace: ${ns} }
spec:
${spec}`;
}

export const denyIngress = (ns: string) =>
  policy(`${ns}/deny`, '  podSelector: {}\n  policyTypes: [Ingress]');
