// The controllers together, from YAML as a user writes it, to the state `podnet get` shows.
import { describe, expect, it } from 'vitest';
import { clusterFromYaml } from '../../test/support/builders.js';

const ns = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n---\n`;

describe('namespaces', () => {
  it('label every namespace with kubernetes.io/metadata.name and create the system ones', async () => {
    const c = await clusterFromYaml(ns('shop'));
    expect(c.namespaces.map((n) => n.metadata.name).sort()).toEqual([
      'default',
      'kube-node-lease',
      'kube-public',
      'kube-system',
      'shop',
    ]);
    expect(c.namespaces.find((n) => n.metadata.name === 'shop')!.metadata.labels).toEqual({
      'kubernetes.io/metadata.name': 'shop',
    });
  });
});

describe('nodes, scheduling and pod addresses', () => {
  it('creates two nodes with pod CIDRs and node addresses from the address plan', async () => {
    const c = await clusterFromYaml(ns('x'));
    expect(c.nodes.map((n) => [n.metadata.name, n.spec?.podCIDR, n.status?.addresses?.[0].address])).toEqual([
      ['node-1', '10.244.0.0/24', '172.18.0.2'],
      ['node-2', '10.244.1.0/24', '172.18.0.3'],
    ]);
  });

  it('spreads pods, skips .0 and the .1 gateway, and respects given IPs and nodes', async () => {
    const pods = ['a', 'b', 'c']
      .map((n) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${n}}\nspec: {containers: [{name: c}]}\n---\n`)
      .join('');
    const pinned = `apiVersion: v1\nkind: Pod\nmetadata: {name: d}\nspec: {nodeName: node-2, containers: [{name: c}]}\nstatus: {podIP: 10.244.1.77}\n`;
    const c = await clusterFromYaml(pods + pinned);
    expect(c.pods.map((p) => [p.metadata.name, p.spec?.nodeName, p.status?.podIP, p.status?.phase])).toEqual([
      // d is pinned to node-2 and counts there, so a and b fill node-1 first.
      ['a', 'node-1', '10.244.0.2', 'Running'],
      ['b', 'node-1', '10.244.0.3', 'Running'],
      ['c', 'node-2', '10.244.1.2', 'Running'],
      ['d', 'node-2', '10.244.1.77', 'Running'],
    ]);
  });

  it('keeps a pod that its status says is not ready out of service', async () => {
    const c = await clusterFromYaml(
      `apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c}]}\nstatus: {conditions: [{type: Ready, status: "False"}]}\n`,
    );
    expect(c.pods[0].status?.conditions).toEqual([{ type: 'Ready', status: 'False' }]);
  });
});

describe('workloads', () => {
  it('gives Deployments, StatefulSets, DaemonSets and Jobs their pods', async () => {
    const c = await clusterFromYaml(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c}]}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template: {metadata: {labels: {app: db}}, spec: {containers: [{name: c}]}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template: {metadata: {labels: {app: agent}}, spec: {containers: [{name: c}]}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  template: {spec: {restartPolicy: Never, containers: [{name: c}]}}
`);
    const names = c.pods.map((p) => p.metadata.name!);
    expect(names.filter((n) => n.startsWith('web-'))).toHaveLength(2);
    expect(
      names
        .filter((n) => n.startsWith('web-'))
        .every((n) => /^web-[a-z0-9]{10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/.test(n)),
    ).toBe(true);
    expect(names.filter((n) => n.startsWith('db-')).sort()).toEqual(['db-0', 'db-1']);
    const db0 = c.pods.find((p) => p.metadata.name === 'db-0')!;
    expect([db0.spec?.hostname, db0.spec?.subdomain]).toEqual(['db-0', 'db']);
    expect(
      c.pods
        .filter((p) => p.metadata.name!.startsWith('agent-'))
        .map((p) => p.spec?.nodeName)
        .sort(),
    ).toEqual(['node-1', 'node-2']);
    expect(c.pods.find((p) => p.metadata.name!.startsWith('once-'))!.metadata.labels).toMatchObject({
      'job-name': 'once',
    });
  });
});

describe('services', () => {
  it('defaults and allocates ClusterIPs above the static band, node ports and load balancer addresses', async () => {
    const c = await clusterFromYaml(`
apiVersion: v1
kind: Service
metadata: {name: a}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system}
spec: {ports: [{name: dns, port: 53, protocol: UDP}]}
---
apiVersion: v1
kind: Service
metadata: {name: lb}
spec: {type: LoadBalancer, externalTrafficPolicy: Local, sessionAffinity: ClientIP, ports: [{port: 443, targetPort: 8443}]}
---
apiVersion: v1
kind: Service
metadata: {name: fixed}
spec: {type: NodePort, clusterIP: 10.96.5.5, ports: [{port: 80, nodePort: 30000}]}
`);
    const svc = (n: string) => c.services.find((s) => s.metadata.name === n)!;
    expect(svc('a').spec).toMatchObject({
      type: 'ClusterIP',
      clusterIP: '10.96.1.1',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }],
    });
    expect(svc('kube-dns').spec?.clusterIP).toBe('10.96.0.10');
    expect(svc('lb').spec).toMatchObject({
      clusterIP: '10.96.1.2',
      externalTrafficPolicy: 'Local',
      ports: [{ nodePort: 30001 }],
      healthCheckNodePort: 30002,
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
    });
    expect(svc('lb').status?.loadBalancer?.ingress?.[0].ip).toBe('172.18.255.1');
    expect(svc('fixed').spec).toMatchObject({ clusterIP: '10.96.5.5', ports: [{ nodePort: 30000 }] });
  });
});

describe('EndpointSlices', () => {
  const app = `
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Pod
metadata: {name: w1, labels: {app: web}}
spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: w2, labels: {app: web}}
spec: {containers: [{name: c, ports: [{name: http, containerPort: 9090}]}]}
status: {conditions: [{type: Ready, status: "False"}]}
---
apiVersion: v1
kind: Pod
metadata: {name: other, labels: {app: other}}
spec: {containers: [{name: c}]}
`;
  it('resolve a named targetPort per pod, one slice per port mapping, with readiness', async () => {
    const c = await clusterFromYaml(app);
    const slices = c.endpointSlices.filter(
      (s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'web',
    );
    const summary = slices.map((s) => ({
      port: s.ports?.[0].port,
      eps: s.endpoints?.map((e) => [e.targetRef?.name, e.conditions?.ready, e.nodeName]),
    }));
    expect(summary.sort((a, b) => a.port! - b.port!)).toEqual([
      { port: 8080, eps: [['w1', true, 'node-1']] },
      { port: 9090, eps: [['w2', false, 'node-2']] },
    ]);
    expect(slices[0].metadata.labels).toMatchObject({
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
  });

  it('publishNotReadyAddresses marks every endpoint ready', async () => {
    const c = await clusterFromYaml(
      app.replace('selector: {app: web}', 'selector: {app: web}\n  publishNotReadyAddresses: true'),
    );
    expect(c.endpointSlices.flatMap((s) => s.endpoints ?? []).every((e) => e.conditions?.ready)).toBe(true);
  });

  it('split more than 100 endpoints into several slices', async () => {
    const pods = Array.from(
      { length: 130 },
      (_, i) =>
        `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}, labels: {app: big}}\nspec: {containers: [{name: c}]}\n`,
    ).join('---\n');
    const c = await clusterFromYaml(
      `apiVersion: v1\nkind: Service\nmetadata: {name: big}\nspec: {selector: {app: big}, ports: [{port: 80}]}\n---\n${pods}`,
    );
    const sizes = c.endpointSlices.map((s) => s.endpoints?.length).sort((a, b) => a! - b!);
    expect(sizes).toEqual([30, 100]);
  });

  it('give a Service without ready pods an empty slice, and none to a selector-less one', async () => {
    const c = await clusterFromYaml(
      `apiVersion: v1\nkind: Service\nmetadata: {name: empty}\nspec: {selector: {app: none}, ports: [{port: 80}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: manual}\nspec: {ports: [{port: 80}]}\n`,
    );
    expect(
      c.endpointSlices.map((s) => [s.metadata.labels?.['kubernetes.io/service-name'], s.endpoints?.length]),
    ).toEqual([['empty', 0]]);
  });
});
