// The real kubectl's protobuf requests against the API server (kubectl-wire.md §1.4): every
// `kubectl create <generator>` and `kubectl auth can-i|whoami`, then `kubectl get` reads the
// objects back. The server runs in-process on an ephemeral 127.0.0.1 port: no root needed.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../src/apiserver/server.js';
import { execCapture } from '../../src/host/exec.js';

const hasKubectl = ['/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')].some((d) =>
  existsSync(path.join(d, 'kubectl')),
);
if (!hasKubectl)
  process.stderr.write('\n*** SKIPPING kubectl create tests: `kubectl` is not on PATH ***\n\n');
const describeKubectl = hasKubectl ? describe : describe.skip;

let dir: string;
let server: ApiServer;

function kubectl(...args: string[]) {
  return execCapture(
    ['kubectl', '--kubeconfig', server.kubeconfigPath, '--cache-dir', path.join(dir, 'kcache'), ...args],
    { timeoutMs: 30000 },
  );
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pn-kubectl-create-'));
  server = await startApiServer({ stateDir: path.join(dir, 'state'), port: 0, name: 'kcreate' });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const creates = [
  {
    args: ['create', 'namespace', 'prod'],
    printed: 'namespace/prod created',
    get: ['ns', 'prod'],
    jsonpath: '{.status.phase} {.metadata.labels.kubernetes\\.io/metadata\\.name}',
    want: 'Active prod',
  },
  {
    args: ['create', 'configmap', 'c1', '--from-literal=a=b', '--from-literal=empty='],
    printed: 'configmap/c1 created',
    get: ['cm', 'c1'],
    jsonpath: '{.data}',
    want: '{"a":"b","empty":""}',
  },
  {
    args: ['create', 'secret', 'generic', 's1', '--from-literal=user=admin'],
    printed: 'secret/s1 created',
    get: ['secret', 's1'],
    jsonpath: '{.type} {.data.user}',
    want: 'Opaque YWRtaW4=',
  },
  {
    args: [
      'create',
      'secret',
      'docker-registry',
      'reg',
      '--docker-server=r.example',
      '--docker-username=u',
      '--docker-password=p',
    ],
    printed: 'secret/reg created',
    get: ['secret', 'reg'],
    jsonpath: '{.type} {.data}',
    want: 'kubernetes.io/dockerconfigjson {".dockerconfigjson":"eyJhdXRocyI6eyJyLmV4YW1wbGUiOnsidXNlcm5hbWUiOiJ1IiwicGFzc3dvcmQiOiJwIiwiYXV0aCI6ImRUcHcifX19"}',
  },
  {
    args: ['create', 'deployment', 'd2', '--image=nginx', '--replicas=2', '--port=80'],
    printed: 'deployment.apps/d2 created',
    get: ['deploy', 'd2'],
    jsonpath:
      '{.spec.replicas} {.spec.selector.matchLabels.app} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort}',
    want: '2 d2 nginx 80',
  },
  {
    args: ['create', 'deployment', 'd0', '--image=busybox', '--replicas=0', '--', 'sleep', '60'],
    printed: 'deployment.apps/d0 created',
    get: ['deploy', 'd0'],
    jsonpath: '{.spec.replicas} {.spec.template.spec.containers[0].command}',
    want: '0 ["sleep","60"]',
  },
  {
    args: ['create', 'service', 'clusterip', 's1', '--tcp=80:8080', '--tcp=53:dns'],
    printed: 'service/s1 created',
    get: ['svc', 's1'],
    jsonpath: '{.spec.type} {.spec.selector.app} {.spec.ports[*].targetPort}',
    want: 'ClusterIP s1 8080 dns',
  },
  {
    args: ['create', 'service', 'clusterip', 'headless', '--clusterip=None'],
    printed: 'service/headless created',
    get: ['svc', 'headless'],
    jsonpath: '{.spec.clusterIP} {.spec.type}',
    want: 'None ClusterIP',
  },
  {
    args: ['create', 'service', 'externalname', 'en', '--external-name=example.com'],
    printed: 'service/en created',
    get: ['svc', 'en'],
    jsonpath: '{.spec.type} {.spec.externalName}',
    want: 'ExternalName example.com',
  },
  {
    args: ['create', 'service', 'nodeport', 'np', '--tcp=80:8080', '--node-port=30080'],
    printed: 'service/np created',
    get: ['svc', 'np'],
    jsonpath: '{.spec.type} {.spec.ports[0].port} {.spec.ports[0].nodePort}',
    want: 'NodePort 80 30080',
  },
  {
    args: ['create', 'service', 'loadbalancer', 'lb', '--tcp=443:8443'],
    printed: 'service/lb created',
    get: ['svc', 'lb'],
    jsonpath: '{.spec.type} {.spec.ports[0].port} {.spec.ports[0].targetPort}',
    want: 'LoadBalancer 443 8443',
  },
  {
    args: ['create', 'ingress', 'web', '--class=nginx', '--rule=foo.com/bar*=svc1:8080,tls=cert'],
    printed: 'ingress.networking.k8s.io/web created',
    get: ['ingress', 'web'],
    jsonpath:
      '{.spec.ingressClassName} {.spec.rules[0].host} {.spec.rules[0].http.paths[0].pathType} {.spec.rules[0].http.paths[0].backend.service.port.number} {.spec.tls[0].secretName}',
    want: 'nginx foo.com Prefix 8080 cert',
  },
  {
    args: ['create', 'job', 'j1', '--image=busybox', '--', 'echo', 'hi'],
    printed: 'job.batch/j1 created',
    get: ['job', 'j1'],
    jsonpath: '{.spec.template.spec.restartPolicy} {.spec.template.spec.containers[0].command}',
    want: 'Never ["echo","hi"]',
  },
];

describeKubectl('kubectl create <generator> (protobuf bodies)', () => {
  it.each(creates)('$printed', async ({ args, printed, get, jsonpath, want }) => {
    const r = await kubectl(...args);
    expect({ out: r.stdout.trim(), err: r.stderr, code: r.code }).toEqual({ out: printed, err: '', code: 0 });
    const g = await kubectl('get', ...get, '-o', `jsonpath=${jsonpath}`);
    expect(g.stderr).toBe('');
    expect(g.stdout).toBe(want);
  });

  it('kubectl get lists what the generators created', async () => {
    const r = await kubectl('get', 'cm,secret,deploy,svc,ingress,job', '-o', 'name');
    expect(r.stdout.trim().split('\n').sort()).toEqual(
      [
        'configmap/c1',
        'secret/s1',
        'secret/reg',
        'deployment.apps/d0',
        'deployment.apps/d2',
        'service/en',
        'service/headless',
        'service/lb',
        'service/np',
        'service/s1',
        'ingress.networking.k8s.io/web',
        'job.batch/j1',
      ].sort(),
    );
  });

  it('a duplicate is AlreadyExists, a server dry run stores nothing', async () => {
    const dup = await kubectl('create', 'namespace', 'prod');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('Error from server (AlreadyExists): namespaces "prod" already exists');
    const dry = await kubectl('create', 'deployment', 'dry', '--image=nginx', '--dry-run=server');
    expect(dry.stdout.trim()).toBe('deployment.apps/dry created (server dry run)');
    expect((await kubectl('get', 'deploy', 'dry')).code).toBe(1);
  });
});

describeKubectl('kubectl auth (protobuf reviews)', () => {
  it('can-i create pods prints yes', async () => {
    const r = await kubectl('auth', 'can-i', 'create', 'pods');
    expect({ out: r.stdout.trim(), code: r.code }).toEqual({ out: 'yes', code: 0 });
    expect((await kubectl('auth', 'can-i', 'get', '/healthz')).stdout.trim()).toBe('yes');
  });

  it('can-i --list prints the wildcard rules', async () => {
    const lines = (await kubectl('auth', 'can-i', '--list')).stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/);
    expect(lines.slice(1).map((l) => l.trim().split(/\s+/))).toEqual([
      ['*.*', '[]', '[]', '[*]'],
      ['[*]', '[]', '[*]'],
    ]);
  });

  it('whoami names the admin user', async () => {
    const out = (await kubectl('auth', 'whoami')).stdout;
    expect(out).toMatch(/Username\s+podnet-admin/);
    expect(out).toMatch(/Groups\s+\[system:masters system:authenticated\]/);
  });
});
