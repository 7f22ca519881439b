// The API server for real: HTTPS on an ephemeral port with a temp state dir, driven with Node's
// https client (CA from the kubeconfig) and with the real kubectl. No root needed.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../src/apiserver/server.js';
import { execCapture } from '../../src/host/exec.js';

// Decoded JSON bodies, read loosely in assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const hasKubectl = ['/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')].some((d) =>
  existsSync(path.join(d, 'kubectl')),
);
if (!hasKubectl)
  process.stderr.write('\n*** SKIPPING kubectl tests of the API server: `kubectl` is not on PATH ***\n\n');
const itKubectl = hasKubectl ? it : it.skip;

let dir: string;
let server: ApiServer;

interface Reply {
  status: number;
  json: Record<string, Loose>;
}

function call(
  method: string,
  p: string,
  body?: unknown,
  contentType = 'application/json',
  token = server.token,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${p}`,
      {
        method,
        ca: server.caCert,
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8').on('data', (d: string) => (data += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(data || '{}') }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Opens a watch; `events()` resolves with the first n event lines, then closes the stream. */
function watch(p: string) {
  const lines: { type: string; object: Record<string, Loose> }[] = [];
  let wake = () => {};
  let ended = false;
  const req = request(
    `${server.url}${p}`,
    { ca: server.caCert, headers: { authorization: `Bearer ${server.token}` } },
    (res) => {
      let buf = '';
      res.setEncoding('utf8').on('data', (d: string) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          lines.push(JSON.parse(buf.slice(0, i)));
          buf = buf.slice(i + 1);
        }
        wake();
      });
      res.on('end', () => {
        ended = true;
        wake();
      });
    },
  );
  req.end();
  const opened = new Promise<void>((resolve) => req.on('response', () => resolve()));
  return {
    opened,
    ended: () => ended,
    events: async (n: number) => {
      const deadline = Date.now() + 10000;
      while (lines.length < n && !ended && Date.now() < deadline)
        await new Promise<void>((r) => ((wake = r), setTimeout(r, 100)));
      req.destroy();
      return lines.slice(0, n);
    },
  };
}

async function kubectl(...args: string[]) {
  const r = await execCapture(
    ['kubectl', '--kubeconfig', server.kubeconfigPath, '--cache-dir', path.join(dir, 'kcache'), ...args],
    {
      timeoutMs: 30000,
    },
  );
  return { ...r, out: r.stdout };
}

const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'web' } },
  spec: { nodeName: 'node-a', containers: [{ name: 'c', image: 'nginx' }] },
  status: { phase: 'Running', podIP: '10.244.0.7', conditions: [{ type: 'Ready', status: 'True' }] },
});
// Deleting a scheduled pod only marks it Terminating until its node agent stops it (there is none
// here); a pod never scheduled goes at once (src/store/graceful.ts).
const unscheduledPod = (name: string) => ({
  ...pod(name),
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
});

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pn-apiserver-'));
  server = await startApiServer({ stateDir: path.join(dir, 'state'), port: 0, name: 'itest' });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('apiserver over HTTPS', () => {
  it('serves /version publicly and wants the token elsewhere', async () => {
    expect((await call('GET', '/version')).json).toMatchObject({ major: '1', minor: '32' });
    expect((await call('GET', '/api/v1/pods', undefined, undefined, 'wrong')).status).toBe(401);
  });

  itKubectl('kubectl get --raw /version and get ns', async () => {
    expect(JSON.parse((await kubectl('get', '--raw', '/version')).out)).toMatchObject({ minor: '32' });
    const ns = await kubectl('get', 'ns');
    expect(ns.out).toMatch(/^NAME\s+STATUS\s+AGE/);
    expect(ns.out).toMatch(/\ndefault\s+Active\s/);
  });

  itKubectl('kubectl get pods -A shows the Table columns of a pod created through the API', async () => {
    expect((await call('POST', '/api/v1/namespaces/default/pods', pod('web-1'))).status).toBe(201);
    const out = (await kubectl('get', 'pods', '-A')).out;
    expect(out).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+IP\s+NODE\s+AGE/);
    expect(out).toMatch(/\ndefault\s+web-1\s+1\/1\s+Running\s+0\s+10\.244\.0\.7\s+node-a\s/);
    const json = JSON.parse((await kubectl('get', 'pods', '-o', 'json')).out);
    expect(json.items.map((i: Loose) => [i.kind, i.metadata.name])).toEqual([['Pod', 'web-1']]);
  });

  itKubectl('kubectl apply -f creates, then reports unchanged', async () => {
    const file = path.join(dir, 'app.yaml');
    writeFileSync(
      file,
      `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress]}
`,
    );
    const first = await kubectl('apply', '-f', file);
    expect(first.stderr).toBe('');
    expect(first.out.trim().split('\n')).toEqual([
      'namespace/shop created',
      'service/web created',
      'networkpolicy.networking.k8s.io/deny created',
    ]);
    expect((await kubectl('apply', '-f', file)).out).toContain('service/web unchanged');
    const svc = await call('GET', '/api/v1/namespaces/shop/services/web');
    expect(svc.json.spec.ports).toEqual([{ port: 80, protocol: 'TCP', targetPort: 80 }]);
  });

  itKubectl('kubectl delete pod', async () => {
    await call('POST', '/api/v1/namespaces/default/pods', unscheduledPod('doomed'));
    const r = await kubectl('delete', 'pod', 'doomed');
    expect(r.out.trim()).toBe('pod "doomed" deleted');
    expect((await call('GET', '/api/v1/namespaces/default/pods/doomed')).status).toBe(404);
    expect((await kubectl('delete', 'pod', 'doomed')).stderr).toContain(
      'Error from server (NotFound): pods "doomed" not found',
    );
  });

  it('a watch sees ADDED, MODIFIED, DELETED in order', async () => {
    const rv = (await call('GET', '/api/v1/namespaces/default/pods')).json.metadata.resourceVersion;
    const w = watch(`/api/v1/namespaces/default/pods?watch=1&resourceVersion=${rv}`);
    await w.opened;
    await call('POST', '/api/v1/namespaces/default/pods', unscheduledPod('w'));
    await call(
      'PATCH',
      '/api/v1/namespaces/default/pods/w',
      { metadata: { labels: { x: 'y' } } },
      'application/merge-patch+json',
    );
    await call('DELETE', '/api/v1/namespaces/default/pods/w');
    const events = await w.events(3);
    expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'w'],
      ['MODIFIED', 'w'],
      ['DELETED', 'w'],
    ]);
    const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
    expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
  });

  it('keeps objects and resourceVersions across a restart; older watches get 410 Expired', async () => {
    const before = (await call('GET', '/api/v1/namespaces/shop/services/web')).json;
    const listRv = (await call('GET', '/api/v1/pods')).json.metadata.resourceVersion;
    await server.close();
    server = await startApiServer({ stateDir: path.join(dir, 'state'), port: 0, name: 'itest' });
    const after = (await call('GET', '/api/v1/namespaces/shop/services/web')).json;
    expect(after.metadata).toEqual(before.metadata);
    expect((await call('GET', '/api/v1/pods')).json.metadata.resourceVersion).toBe(listRv);
    const w = watch('/api/v1/namespaces/default/pods?watch=1&resourceVersion=1');
    const [e] = await w.events(1);
    expect(e).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
    if (hasKubectl) expect((await kubectl('get', 'pods')).out).toMatch(/\nweb-1\s+1\/1\s+Running/);
  });
});
