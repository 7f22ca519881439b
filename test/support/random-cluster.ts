// Seeded random clusters for property tests and benchmarks: namespaces with labels, pods with
// labels and named ports, NetworkPolicies mixing every peer and port form. Same seed, same cluster.
import type { KubeObject, NetworkPolicyPeer, NetworkPolicyPort, LabelSelector } from '../../src/api/types.js';
import { namespace, pod, policy } from './builders.js';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomClusterOptions {
  seed: number;
  namespaces: number;
  pods: number;
  policies: number;
}

export function randomCluster(o: RandomClusterOptions): KubeObject[] {
  const rnd = mulberry32(o.seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const nsNames = Array.from({ length: o.namespaces }, (_, i) => `ns${i}`);
  const apps = ['web', 'api', 'db', 'cache'];
  const tiers = ['front', 'back'];
  const objects: KubeObject[] = nsNames.map((n) => namespace(n, { env: pick(['prod', 'dev']) }));
  for (let i = 0; i < o.pods; i++) {
    const labels: Record<string, string> = { app: pick(apps) };
    if (rnd() < 0.5) labels.tier = pick(tiers);
    const ports =
      rnd() < 0.5
        ? [{ containerPort: 80, name: 'http' }]
        : [
            { containerPort: 8080, name: 'http' },
            { containerPort: 53, protocol: 'UDP' as const, name: 'dns' },
          ];
    objects.push(
      pod(`${pick(nsNames)}/p${i}`, `10.244.${Math.floor(i / 200)}.${(i % 200) + 2}`, labels, ports),
    );
  }
  const selector = (): LabelSelector => {
    const r = rnd();
    if (r < 0.25) return {};
    if (r < 0.6) return { matchLabels: { app: pick(apps) } };
    if (r < 0.8)
      return { matchExpressions: [{ key: 'tier', operator: pick(['In', 'NotIn']), values: [pick(tiers)] }] };
    return { matchExpressions: [{ key: 'tier', operator: pick(['Exists', 'DoesNotExist']) }] };
  };
  const peer = (): NetworkPolicyPeer => {
    const r = rnd();
    if (r < 0.35) return { podSelector: selector() };
    if (r < 0.55) return { namespaceSelector: { matchLabels: { env: pick(['prod', 'dev']) } } };
    if (r < 0.8)
      return {
        namespaceSelector: selector().matchLabels
          ? {}
          : { matchLabels: { 'kubernetes.io/metadata.name': pick(nsNames) } },
        podSelector: selector(),
      };
    return {
      ipBlock: {
        cidr: `10.244.${Math.floor(rnd() * 2)}.0/24`,
        ...(rnd() < 0.5 ? { except: [`10.244.0.${Math.floor(rnd() * 8) * 16}/28`] } : {}),
      },
    };
  };
  const ports = (): NetworkPolicyPort[] | undefined => {
    const r = rnd();
    if (r < 0.3) return undefined;
    if (r < 0.5) return [{ port: pick([80, 8080, 53]), protocol: pick(['TCP', 'UDP']) }];
    if (r < 0.7) return [{ port: pick(['http', 'dns']), protocol: pick(['TCP', 'UDP']) }];
    if (r < 0.85) return [{ port: 1000, endPort: 9000 }];
    return [{ protocol: 'UDP' }];
  };
  const rules = () =>
    Array.from({ length: Math.floor(rnd() * 3) }, () => ({
      peers: rnd() < 0.2 ? undefined : Array.from({ length: 1 + Math.floor(rnd() * 2) }, peer),
      ports: ports(),
    }));
  for (let i = 0; i < o.policies; i++) {
    const types = pick([['Ingress'], ['Egress'], ['Ingress', 'Egress'], undefined]) as
      ('Ingress' | 'Egress')[] | undefined;
    const ingress = rules().map((r) => ({ from: r.peers, ports: r.ports }));
    const egress = rules().map((r) => ({ to: r.peers, ports: r.ports }));
    objects.push(
      policy(`${pick(nsNames)}/pol${i}`, {
        podSelector: selector(),
        ...(types ? { policyTypes: types } : {}),
        ingress,
        egress,
      }),
    );
  }
  return objects;
}
