// Trace through Services from every kind of source (issue 3 §2), one row per behaviour of
// kube-proxy (pkg/proxy: topology.go, the nftables proxier) and the traps it creates for policy.
import { describe, expect, it } from 'vitest';
import { clusterFromYaml } from '../../../test/support/builders.js';
import { trace } from './trace.js';

const base = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: shop, labels: {app: api}}
spec: {nodeName: node-1, containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: shop, labels: {app: client}}
spec: {nodeName: node-2, containers: [{name: c}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {type: NodePort, selector: {app: api}, ports: [{name: http, port: 80, targetPort: http, nodePort: 30080}]}
---
apiVersion: v1
kind: Service
metadata: {name: lb-local, namespace: shop}
spec: {type: LoadBalancer, externalTrafficPolicy: Local, selector: {app: api}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: empty, namespace: shop}
spec: {selector: {app: nothing}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: local-only, namespace: shop}
spec: {internalTrafficPolicy: Local, selector: {app: api}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: search, namespace: shop}
spec: {type: ExternalName, externalName: www.example.com}
`;
const onlyOffice = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: only-office, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{ipBlock: {cidr: 172.18.0.100/32}}, {podSelector: {matchLabels: {app: client}}}]}]
`;

const lbRanges = `
---
apiVersion: v1
kind: Service
metadata: {name: lb-office, namespace: shop}
spec: {type: LoadBalancer, loadBalancerSourceRanges: [198.51.100.0/24], selector: {app: api}, ports: [{port: 80, targetPort: 8080, nodePort: 30099}]}
`;

const allowSelf = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{podSelector: {matchLabels: {app: api}}}]}]
`;

const denyApiEgress = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-api-egress, namespace: shop}
spec: {podSelector: {matchLabels: {app: api}}, policyTypes: [Egress]}
`;

interface Case {
  name: string;
  extra?: string;
  src: string;
  dst: string;
  port?: number;
  verdict: 'allowed' | 'denied' | 'unreachable';
  /** Substrings expected somewhere in the hops or the reason. */
  see: string[];
}

const cases: Case[] = [
  {
    name: 'pod to ClusterIP by short name, cross node',
    src: 'shop/client',
    dst: 'api',
    verdict: 'allowed',
    see: [
      'api.shop.svc.cluster.local.',
      'DNAT 10.96.1.1:80 -> 10.244.0.2:8080',
      'node node-2 -> node node-1',
    ],
  },
  {
    name: 'pod to its own Service is hairpin-masqueraded',
    src: 'shop/api',
    dst: 'api.shop',
    verdict: 'allowed',
    see: ['SNAT 10.244.0.2 -> 172.18.0.2 (hairpin)'],
  },
  {
    name: 'hairpin under a podSelector policy is denied, and the trace says why',
    extra: allowSelf,
    src: 'shop/api',
    dst: 'api.shop',
    verdict: 'denied',
    see: ['masqueraded', 'hairpin traffic'],
  },
  {
    name: 'NodePort with Cluster policy masquerades to the receiving node',
    src: 'external',
    dst: '172.18.0.3:30080',
    verdict: 'allowed',
    see: ['NodePort on node node-2', 'SNAT 172.18.0.100 -> 172.18.0.3', 'node node-2 -> node node-1'],
  },
  {
    name: 'NodePort SNAT defeats an ipBlock for the client (the classic trap)',
    extra: onlyOffice,
    src: 'external',
    dst: '172.18.0.3:30080',
    verdict: 'denied',
    see: [
      '172.18.0.3 is outside ipBlock 172.18.0.100/32',
      'externalTrafficPolicy: Local keeps the client address',
    ],
  },
  {
    name: 'LoadBalancer with Local policy keeps the client address',
    extra: onlyOffice,
    src: 'external',
    dst: '172.18.255.1:80',
    verdict: 'allowed',
    see: ['client address kept', '"accepts":false'],
  },
  {
    name: 'loadBalancerSourceRanges drop a client outside them (kube-proxy firewall chain)',
    extra: lbRanges,
    src: 'external',
    dst: '172.18.255.2:80',
    verdict: 'unreachable',
    see: ['172.18.0.100 is outside the loadBalancerSourceRanges of Service shop/lb-office', 'dropped'],
  },
  {
    name: 'loadBalancerSourceRanges let a client inside them through (external:IP)',
    extra: lbRanges,
    src: 'external:198.51.100.7',
    dst: '172.18.255.2:80',
    verdict: 'allowed',
    see: ['SNAT 198.51.100.7 -> 172.18.0.2'],
  },
  {
    name: 'loadBalancerSourceRanges hold pods too: no short-circuit around them',
    extra: lbRanges,
    src: 'shop/client',
    dst: '172.18.255.2:80',
    verdict: 'unreachable',
    see: ['is outside the loadBalancerSourceRanges of Service shop/lb-office'],
  },
  {
    name: 'loadBalancerSourceRanges leave the NodePort of the Service open',
    extra: lbRanges,
    src: 'external',
    dst: '172.18.0.2:30099',
    verdict: 'allowed',
    see: ['NodePort on node node-1 of shop/lb-office'],
  },
  {
    name: 'a Service without endpoints rejects',
    src: 'shop/client',
    dst: 'empty.shop.svc.cluster.local',
    verdict: 'unreachable',
    see: ['has no endpoints', 'rejected'],
  },
  {
    name: 'an undefined ClusterIP port is rejected',
    src: 'shop/client',
    dst: '10.96.1.1:81',
    verdict: 'unreachable',
    see: ['does not define TCP port 81'],
  },
  {
    name: 'internalTrafficPolicy Local keeps only endpoints on the client node',
    src: 'shop/client',
    dst: 'local-only',
    verdict: 'unreachable',
    see: ['no ready endpoint on node node-2'],
  },
  {
    name: 'ClusterIP is not reachable from outside',
    src: 'external',
    dst: '10.96.1.1:80',
    verdict: 'unreachable',
    see: ['only reachable inside the cluster'],
  },
  {
    name: 'pod IPs are not routed from outside',
    src: 'external',
    dst: '10.244.0.2:8080',
    verdict: 'unreachable',
    see: ['not routed from outside'],
  },
  {
    name: 'an ExternalName resolves to a CNAME outside the cluster',
    src: 'shop/client',
    dst: 'search',
    verdict: 'unreachable',
    see: ['CNAME', 'www.example.com'],
  },
  {
    name: 'a name that does not exist',
    src: 'shop/client',
    dst: 'nope',
    verdict: 'unreachable',
    see: ['does not resolve', 'nope.shop.svc.cluster.local. NXDOMAIN'],
  },
  {
    name: 'an isolated pod’s own node always reaches it (NetworkPolicy docs: traffic from the node)',
    extra: onlyOffice,
    src: 'node/node-1',
    dst: 'shop/api',
    port: 8080,
    verdict: 'allowed',
    see: ['traffic from its own node node-1 is always allowed'],
  },
  {
    name: 'another node is only an address to policy',
    extra: onlyOffice,
    src: 'node/node-2',
    dst: 'shop/api',
    port: 8080,
    verdict: 'denied',
    see: ['isolated for ingress by shop/only-office'],
  },
  {
    name: 'an isolated pod always reaches its own node, not another one',
    extra: denyApiEgress,
    src: 'shop/api',
    dst: '172.18.0.2:10250',
    verdict: 'allowed',
    see: ['traffic to its own node node-1 is always allowed'],
  },
  {
    name: 'egress to another node is policy’s to decide',
    extra: denyApiEgress,
    src: 'shop/api',
    dst: '172.18.0.3:10250',
    verdict: 'denied',
    see: ['isolated for egress by shop/deny-api-egress'],
  },
  {
    name: 'a node reaches a ClusterIP',
    src: 'node/node-2',
    dst: '10.96.1.1:80',
    verdict: 'allowed',
    see: ['ClusterIP of shop/api'],
  },
];

describe('trace sources', () => {
  it('external:IP wants an IPv4 address', async () => {
    const cluster = await clusterFromYaml(base);
    expect(() => trace(cluster, 'external:nope', 'shop/api', { protocol: 'TCP' })).toThrow(
      'external:IP needs an IPv4 address',
    );
  });
});

describe('trace through Services', () => {
  it.each(cases)('$name', async ({ extra, src, dst, port, verdict, see }) => {
    const cluster = await clusterFromYaml(base + (extra ?? ''));
    const t = trace(cluster, src, dst, { protocol: 'TCP', port });
    const text = JSON.stringify(t);
    expect(t.verdict, t.reason).toBe(verdict);
    for (const s of see) expect(text).toContain(s);
  });
});

describe('trace through a Gateway', () => {
  const gateway = `
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: shop}
spec:
  gatewayClassName: podnet
  listeners: [{name: http, port: 80, protocol: HTTP}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: moved, namespace: shop}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /old}}]
    filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}}}]
`;
  it('a redirect is the gateway’s own answer: allowed, with the status and Location as reason', async () => {
    const cluster = await clusterFromYaml(base + gateway);
    const t = trace(cluster, 'external', 'http://shop.example/old/x', {
      protocol: 'TCP',
      gateway: 'shop/gw',
    });
    expect(t.verdict, t.reason).toBe('allowed');
    expect(t.reason).toBe(
      'HTTPRoute shop/moved matches; the proxy answers 302 (Location: http://shop.example/new/x)',
    );
    expect(t.paths).toEqual([]);
  });
  it('a request nothing takes is unreachable, with the router’s reason', async () => {
    const cluster = await clusterFromYaml(base + gateway);
    const t = trace(cluster, 'external', 'http://shop.example/other', {
      protocol: 'TCP',
      gateway: 'shop/gw',
    });
    expect(t.verdict).toBe('unreachable');
    expect(t.reason).toBe(
      'the controller answers 404: no rule of the 1 route(s) attached to listener http matches',
    );
  });
});
