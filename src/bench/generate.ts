// Generated clusters for the matrix benchmark: `pods / 100` namespaces (tenants) of 100 pods in
// ten apps, each app's pods alike as a Deployment's are; one tenth as many NetworkPolicies as
// pods, in the shapes platform teams write: default deny, allow within the app, allow from
// the tier in front, allow from a monitoring namespace, DNS egress, egress to an address range.
import type { KubeObject } from '../api/types.js';

const APPS = ['web', 'api', 'auth', 'cart', 'search', 'db', 'cache', 'queue', 'worker', 'metrics'];

export function generateCluster(pods: number): KubeObject[] {
  const namespaces = Math.max(1, Math.round(pods / 100));
  // Nodes as a real cluster of this size has them: at most 100 pods each (kubelet's default
  // limit is 110), each with its own /24 from 10.16.0.0/12, so pod addresses never run out.
  const objects: KubeObject[] = Array.from({ length: Math.ceil(pods / 100) }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `node-${i + 1}` },
    spec: { podCIDR: `10.${16 + Math.floor(i / 256)}.${i % 256}.0/24` },
  }));
  const policiesPerNs = Math.max(1, Math.round(pods / 10 / namespaces));
  let podIndex = 0;
  for (let n = 0; n < namespaces; n++) {
    const ns = `tenant-${n}`;
    objects.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { tenant: `t${n}`, tier: n % 10 === 0 ? 'monitoring' : 'app' } },
    });
    const inNs = Math.min(100, pods - podIndex);
    for (let i = 0; i < inNs; i++, podIndex++) {
      const app = APPS[i % APPS.length];
      objects.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${app}-${i}`,
          namespace: ns,
          labels: { app, 'pod-template-hash': `h${n % 7}${app.length}` },
        },
        spec: {
          containers: [
            {
              name: app,
              image: 'agnhost',
              ports: [{ name: 'http', containerPort: app === 'db' ? 5432 : 80 }],
            },
          ],
        },
      });
    }
    for (let p = 0; p < policiesPerNs; p++) objects.push(policyFor(ns, p));
    for (const app of APPS) {
      objects.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: app, namespace: ns },
        spec: { selector: { app }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      });
    }
  }
  return objects;
}

function policyFor(ns: string, p: number): KubeObject {
  const app = APPS[p % APPS.length];
  const next = APPS[(p + 1) % APPS.length];
  const meta = { name: `policy-${p}`, namespace: ns };
  const spec = ((): object => {
    switch (p % 6) {
      case 0:
        return { podSelector: {}, policyTypes: ['Ingress'] };
      case 1:
        return {
          podSelector: { matchLabels: { app } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app } } }] }],
        };
      case 2:
        return {
          podSelector: { matchLabels: { app: next } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app } } }], ports: [{ port: 'http' }] }],
        };
      case 3:
        return {
          podSelector: {},
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchLabels: { tier: 'monitoring' } },
                  podSelector: { matchLabels: { app: 'metrics' } },
                },
              ],
            },
          ],
        };
      case 4:
        return {
          podSelector: { matchLabels: { app: 'worker' } },
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ namespaceSelector: {}, podSelector: { matchLabels: { app } } }],
              ports: [
                { port: 53, protocol: 'UDP' },
                { port: 53, protocol: 'TCP' },
              ],
            },
          ],
        };
      default:
        return {
          podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: [app, next] }] },
          egress: [
            { to: [{ ipBlock: { cidr: '10.16.0.0/12', except: ['10.16.0.0/24'] } }, { podSelector: {} }] },
          ],
        };
    }
  })();
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta, spec };
}
