// `--kubeconfig`: reading a cluster through its Kubernetes API with @kubernetes/client-node, against
// podnet's own API server started in-process (HTTPS, CA + token kubeconfig). No root needed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/types.js';
import { startApiServer, type ApiServer } from '../../src/apiserver/server.js';
import { UsageError } from '../../src/cli/errors.js';
import { clusterFromKubeconfig } from '../../src/cli/remote.js';
import { clusterFromClient } from '../../src/cli/local-read.js';
import { HttpObjectClient } from '../../src/client/http-client.js';

let dir: string;
let server: ApiServer;

const CERT = Buffer.from('-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n').toString(
  'base64',
);
const KEY = Buffer.from('-----BEGIN PRIVATE KEY-----\nsecret key\n-----END PRIVATE KEY-----\n').toString(
  'base64',
);

const pod = (name: string, ip: string, app: string): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', labels: { app } },
    spec: {
      nodeName: 'worker-1',
      containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 8080, name: 'http' }] }],
    },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], hostIP: '172.18.0.2' },
  }) as KubeObject;

const objects: KubeObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'a' } } },
  {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'worker-1', labels: { 'kubernetes.io/hostname': 'worker-1' } },
    spec: { podCIDR: '10.42.1.0/24' },
    status: { addresses: [{ type: 'InternalIP', address: '172.18.0.2' }] },
  } as KubeObject,
  {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'worker-2' },
    spec: { podCIDR: '10.42.2.0/24' },
  } as KubeObject,
  pod('web-1', '10.42.1.7', 'web'),
  pod('client', '10.42.1.9', 'client'),
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      selector: { app: 'web' },
      clusterIP: '10.43.0.42',
      clusterIPs: ['10.43.0.42'],
      type: 'ClusterIP',
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  } as KubeObject,
  {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-abcde', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.42.1.7'], conditions: { ready: true }, nodeName: 'worker-1' }],
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  } as KubeObject,
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'web-from-client', namespace: 'shop' },
    spec: {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 'http' }] }],
    },
  } as KubeObject,
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'web-tls',
      namespace: 'shop',
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `{"data":{"tls.key":"${KEY}"}}` },
    },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': CERT, 'tls.key': KEY },
  } as KubeObject,
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db-password', namespace: 'shop' },
    type: 'Opaque',
    data: { password: Buffer.from('hunter2').toString('base64') },
  } as KubeObject,
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'c', image: 'nginx' }] },
      },
    },
  } as KubeObject,
  {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] },
  } as KubeObject,
];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'podnet-remote-'));
  server = await startApiServer({ stateDir: dir, port: 0, socketPath: path.join(dir, 'api.sock') });
  for (const o of objects) server.store.create(structuredClone(o));
});

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function usageError(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UsageError);
  return (e as UsageError).message;
}

/** A copy of the server's kubeconfig with `edit` applied to its text. */
function kubeconfigVariant(name: string, edit: (text: string) => string): string {
  const p = path.join(dir, name);
  writeFileSync(p, edit(readFileSync(server.kubeconfigPath, 'utf8')), { mode: 0o600 });
  return p;
}

describe('clusterFromKubeconfig', () => {
  it('reads the objects with their real IPs and runs no controllers', async () => {
    const { cluster, store } = await clusterFromKubeconfig(server.kubeconfigPath);
    expect(cluster.namespaces.map((n) => n.metadata?.name)).toEqual(
      expect.arrayContaining(['default', 'kube-system', 'shop']),
    );
    expect(cluster.nodes.map((n) => n.metadata?.name).sort()).toEqual(['worker-1', 'worker-2']);
    const pods = Object.fromEntries(cluster.pods.map((p) => [p.metadata?.name, p.status?.podIP]));
    expect(pods).toEqual({ 'web-1': '10.42.1.7', client: '10.42.1.9' });
    for (const o of [...cluster.pods, ...cluster.services, ...cluster.endpointSlices]) {
      expect(o.kind).toBeTruthy();
      expect(o.apiVersion).toBeTruthy();
    }
    const svc = cluster.services.find((s) => s.metadata?.name === 'web')!;
    expect(svc.kind).toBe('Service');
    expect(svc.apiVersion).toBe('v1');
    expect(svc.spec?.clusterIP).toBe('10.43.0.42');
    expect(svc.spec?.ports?.[0].targetPort).toBe('http');
    // Only the cluster's own EndpointSlice: no controller made another one.
    expect(cluster.endpointSlices.map((s) => s.metadata?.name)).toEqual(['web-abcde']);
    expect(cluster.endpointSlices[0].endpoints?.[0].addresses).toEqual(['10.42.1.7']);
    expect(cluster.endpointSlices[0].apiVersion).toBe('discovery.k8s.io/v1');
    // Wire JSON, not the client's typed models (`from`, not `_from`; string timestamps).
    const np = cluster.networkPolicies[0];
    expect(np.kind).toBe('NetworkPolicy');
    expect(np.spec?.ingress?.[0].from?.[0].podSelector?.matchLabels).toEqual({ app: 'client' });
    expect(np.spec?.ingress?.[0]).not.toHaveProperty('_from');
    expect(typeof np.metadata?.creationTimestamp).toBe('string');
    expect(np.metadata?.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // Workloads are in the store (for `get`), with no ReplicaSets or pods made up for them.
    expect(store.list('Deployment').map((d) => d.metadata?.name)).toEqual(['web']);
    expect(store.list('ReplicaSet')).toEqual([]);
    expect(cluster.httpRoutes.map((r) => [r.kind, r.apiVersion, r.metadata?.name])).toEqual([
      ['HTTPRoute', 'gateway.networking.k8s.io/v1', 'web'],
    ]);
    // The address plan follows the nodes' podCIDRs.
    expect(cluster.config.podCIDR).toBe('10.42.0.0/22');
    expect(cluster.config.nodeCIDRMaskSize).toBe(24);
  });

  it("reads the same objects over podnet's own socket (the local cluster's path, no client-node)", async () => {
    const remote = await clusterFromKubeconfig(server.kubeconfigPath);
    const local = await clusterFromClient(new HttpObjectClient(server.socketPath!));
    // client-node's serializer orders keys its own way: compare with sorted keys.
    const canon = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(canon)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
            )
          : v;
    const kinds = ['Namespace', 'Node', 'Pod', 'Service', 'EndpointSlice', 'NetworkPolicy', 'Secret'];
    kinds.push('Deployment', 'HTTPRoute');
    for (const kind of kinds) {
      expect(remote.store.list(kind).length, kind).toBeGreaterThan(0);
      expect(canon(local.store.list(kind)), kind).toEqual(canon(remote.store.list(kind)));
    }
    expect(local.cluster.config).toEqual(remote.cluster.config);
  });

  it('keeps only TLS Secrets, with tls.crt and no key or annotations', async () => {
    const { cluster, store } = await clusterFromKubeconfig(server.kubeconfigPath);
    expect(cluster.secrets).toHaveLength(1);
    const s = cluster.secrets[0];
    expect(s.metadata?.name).toBe('web-tls');
    expect(s.type).toBe('kubernetes.io/tls');
    expect(s.data).toEqual({ 'tls.crt': CERT });
    expect(s.metadata?.annotations).toBeUndefined();
    expect(JSON.stringify(store.list('Secret'))).not.toContain(KEY);
    expect(JSON.stringify(store.list('Secret'))).not.toContain('db-password');
  });

  it('selects a context by name', async () => {
    const p = kubeconfigVariant('two-contexts', (t) =>
      t
        .replace(/current-context: .*/, 'current-context: nowhere')
        .replace(
          'contexts:\n',
          'contexts:\n- name: nowhere\n  context:\n    cluster: podnet-podnet\n    user: nobody\n',
        ),
    );
    const { cluster } = await clusterFromKubeconfig(p, 'podnet-podnet');
    expect(cluster.pods).toHaveLength(2);
  });

  it('says clearly when the kubeconfig cannot be read', async () => {
    const msg = await usageError(clusterFromKubeconfig(path.join(dir, 'missing')));
    expect(msg).toContain(`cannot read kubeconfig ${path.join(dir, 'missing')}`);
  });

  it('names the contexts when the one asked for is unknown', async () => {
    const msg = await usageError(clusterFromKubeconfig(server.kubeconfigPath, 'prod'));
    expect(msg).toContain('no context "prod"');
    expect(msg).toContain('podnet-podnet');
  });

  it('says the credentials were rejected on a wrong token', async () => {
    const p = kubeconfigVariant('bad-token', (t) => t.replace(/token: .*/, 'token: wrong'));
    const msg = await usageError(clusterFromKubeconfig(p));
    expect(msg).toContain(server.url);
    expect(msg).toContain('401 Unauthorized');
    expect(msg).not.toContain('wrong');
  });

  it('says the connection was refused when nothing listens', async () => {
    const port = await freePort();
    const p = kubeconfigVariant('refused', (t) => t.replace(server.url, `https://127.0.0.1:${port}`));
    const msg = await usageError(clusterFromKubeconfig(p));
    expect(msg).toContain(`https://127.0.0.1:${port}`);
    expect(msg).toContain('connection refused');
  });

  it('says TLS verification failed against an unknown CA', async () => {
    const p = kubeconfigVariant('bad-ca', (t) =>
      t.replace(/certificate-authority-data: .*/, `certificate-authority-data: ${otherCa()}`),
    );
    const msg = await usageError(clusterFromKubeconfig(p));
    expect(msg).toContain('TLS verification');
    expect(msg).toContain(server.url);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A self-signed CA certificate that did not sign the server's certificate. */
function otherCa(): string {
  // Any valid PEM that is not the server's CA: the server's own serving certificate is not a CA.
  const pem = readFileSync(path.join(dir, 'pki', 'server.crt'), 'utf8');
  return Buffer.from(pem, 'utf8').toString('base64');
}
