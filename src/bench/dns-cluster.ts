// The synthetic cluster of the DNS benchmarks (dns.ts, dns-index-update.ts): N Services in N/100
// namespaces, a tenth headless, each with an EndpointSlice of 2 ready endpoints and 2 Pods.
import type { KubeObject } from '../api/types.js';

export const nsOf = (i: number) => `ns-${Math.floor(i / 100)}`;
/** ClusterIPs from 10.96.1.0 on, pod IPs from 10.244.0.0 on: distinct up to 65k Services. */
export const clusterIP = (i: number) =>
  `10.${96 + ((i + 256) >> 16)}.${((i + 256) >> 8) & 255}.${(i + 256) & 255}`;
const podIP = (i: number, k: number) =>
  `10.${244 + (((2 * i + k) >> 16) & 3)}.${((2 * i + k) >> 8) & 255}.${(2 * i + k) & 255}`;

export function objects(n: number): KubeObject[] {
  const out: KubeObject[] = [];
  for (let ns = 0; ns < Math.ceil(n / 100); ns++)
    out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns-${ns}` } });
  for (let i = 0; i < n; i++) {
    const namespace = nsOf(i);
    const name = `svc-${i}`;
    const headless = i % 10 === 9;
    const labels = { app: name };
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels },
      spec: {
        selector: labels,
        clusterIP: headless ? 'None' : clusterIP(i),
        clusterIPs: [headless ? 'None' : clusterIP(i)],
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
      },
    });
    const pods = [0, 1].map((k) => ({ name: `${name}-${k}`, ip: podIP(i, k) }));
    for (const p of pods) {
      out.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: p.name, namespace, labels },
        spec: {
          nodeName: 'node-1',
          containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 8080 }] }],
        },
        status: { phase: 'Running', podIP: p.ip, podIPs: [{ ip: p.ip }], hostIP: '172.18.0.2' },
      });
    }
    out.push({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-abcde`, namespace, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      endpoints: pods.map((p) => ({
        addresses: [p.ip],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: 'node-1',
        targetRef: { kind: 'Pod', namespace, name: p.name },
      })),
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
  }
  return out;
}
