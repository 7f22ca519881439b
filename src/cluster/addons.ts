// The cluster add-ons `podnet up` installs, as Kubernetes objects: cluster DNS, shaped like the
// kube-dns Service and coredns Deployment that kubeadm installs (cmd/kubeadm/app/phases/addons/
// dns/manifests.go): Service kube-system/kube-dns on the tenth Service address with ports
// dns/UDP 53, dns-tcp/TCP 53 and metrics/TCP 9153, pods labelled k8s-app=kube-dns, liveness on
// :8080/health and readiness on :8181/ready. The image maps to podnet's built-in DNS server
// (src/workloads/images.ts), which reads the API through the read socket. Pure.
import type { KubeObject } from '../api/types.js';

export const DNS_IMAGE = 'podnet/dns';

export function clusterDnsObjects(readSocket: string, clusterDomain = 'cluster.local'): KubeObject[] {
  const labels = { 'k8s-app': 'kube-dns' };
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kube-dns',
        namespace: 'kube-system',
        labels: { ...labels, 'kubernetes.io/name': 'CoreDNS' },
      },
      spec: {
        selector: labels,
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
          { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
        ],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: 'kube-system', labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            // The DNS server itself must not resolve through cluster DNS (kubeadm sets Default).
            dnsPolicy: 'Default',
            containers: [
              {
                name: 'coredns',
                image: DNS_IMAGE,
                args: [`--api-socket=${readSocket}`, `--zone=${clusterDomain}`],
                ports: [
                  { name: 'dns', containerPort: 53, protocol: 'UDP' },
                  { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                  { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
                ],
                livenessProbe: { httpGet: { path: '/health', port: 8080 }, periodSeconds: 10 },
                readinessProbe: { httpGet: { path: '/ready', port: 8181 }, periodSeconds: 1 },
              },
            ],
          },
        },
      },
    },
  ] as KubeObject[];
}
