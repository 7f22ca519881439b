// The NetworkPolicy table in a real kernel (nft 1.0.6 here): a rendered table loads with
// `nft -f`, real TCP connections between two pods on one node's bridge meet it (bridged
// traffic reaches the forward hook: br_netfilter is active in every namespace here, with
// net.bridge.bridge-nf-call-iptables=1 by default), a default deny drops, an allow passes, and
// a pod label change is applied as set elements only. Everything lives in namespaces named
// pn-tnftnp-*, deleted afterwards; nothing is added to the root namespace and no traffic
// leaves it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Cluster } from '../../src/api/cluster.js';
import { policyInputOf } from '../../src/dataplane/policy/model.js';
import { renderPolicy } from '../../src/dataplane/policy/render.js';
import { exec, execCapture } from '../../src/host/exec.js';
import { createNetns, deleteNetns, ipBatch, setSysctl } from '../../src/host/netns.js';
import { TableSyncer } from '../../src/nft/apply.js';
import { diffTables } from '../../src/nft/diff.js';
import { clusterFromYaml } from '../support/builders.js';
import { describeAsRoot, leakedNetns } from '../support/root.js';
import { irShape, kernelShape, nft } from '../support/nft-kernel.js';

const PREFIX = 'pn-tnftnp-';
const NODE = `${PREFIX}node`;
const POD_A = `${PREFIX}a`;
const POD_B = `${PREFIX}b`;

const CLUSTER = `
apiVersion: v1
kind: Node
metadata: {name: node-1}
spec: {podCIDR: 10.244.0.0/24}
status: {addresses: [{type: InternalIP, address: 172.18.0.2}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: demo}
---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: demo, labels: {role: backend}}
spec: {nodeName: node-1, containers: [{name: c}]}
status: {podIP: 10.244.0.2}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: demo, labels: {app: server}}
spec: {nodeName: node-1, containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
status: {podIP: 10.244.0.3}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: demo}
spec: {podSelector: {matchLabels: {app: server}}, policyTypes: [Ingress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-frontend, namespace: demo}
spec:
  podSelector: {matchLabels: {app: server}}
  ingress: [{from: [{podSelector: {matchLabels: {role: frontend}}}], ports: [{port: http}]}]
`;

const withLabels = (c: Cluster, pod: string, labels: Record<string, string>): Cluster => ({
  ...c,
  pods: c.pods.map((p) => (p.metadata.name === pod ? { ...p, metadata: { ...p.metadata, labels } } : p)),
});

describeAsRoot('NetworkPolicy rules in the kernel (root)', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await clusterFromYaml(CLUSTER);
    for (const ns of [NODE, POD_A, POD_B]) await createNetns(ns);
    await ipBatch(
      NODE,
      [
        'link add br0 type bridge',
        'addr add 10.244.0.1/24 dev br0',
        'link set br0 up',
        `link add va type veth peer name eth0 netns ${POD_A}`,
        `link add vb type veth peer name eth0 netns ${POD_B}`,
        'link set va master br0 up',
        'link set vb master br0 up',
      ].join('\n'),
    );
    for (const [ns, ip] of [
      [POD_A, '10.244.0.2'],
      [POD_B, '10.244.0.3'],
    ])
      await ipBatch(
        ns,
        [`addr add ${ip}/24 dev eth0`, 'link set eth0 up', 'route add default via 10.244.0.1'].join('\n'),
      );
    await setSysctl(NODE, 'net.ipv4.ip_forward', '1');
  });

  afterAll(async () => {
    for (const ns of [NODE, POD_A, POD_B]) await deleteNetns(ns);
    expect(await leakedNetns(PREFIX)).toEqual([]);
    // Nothing was ever loaded into the root namespace (read-only check).
    expect(await exec(['nft', 'list', 'tables'])).not.toMatch(/pn-tnftnp|pn-demo-policy/);
  });

  it('drops by default deny, passes once a label change allows, as set elements only', async () => {
    const server = execCapture(['node', '-e', SERVER, '8080', '2', '20000'], { netns: POD_B });
    const connect = (from: string, retry = false) =>
      execCapture(['node', '-e', CLIENT, '10.244.0.3', '8080', '5000', retry ? '1' : '0'], { netns: from });
    // Before any table: the server is up, a reaches it across the bridge.
    expect((await connect(POD_A, true)).stdout.trim()).toBe('client 10.244.0.2');

    const syncer = new TableSyncer(NODE);
    const denied = renderPolicy(policyInputOf(cluster, 'node-1', 'tnftnp')).table;
    await syncer.deleteTable(denied);
    expect((await syncer.sync(denied)).mode).toBe('full');
    expect(await kernelShape(NODE, denied.name)).toEqual(irShape(denied));
    expect((await connect(POD_A)).stdout.trim()).toBe('error timeout');
    // The isolated pod may still open connections (no egress policy): b -> a is not blocked
    // by a's table entry; a refuses it itself (nothing listens), which proves the packet passed.
    const reverse = await execCapture(['node', '-e', CLIENT, '10.244.0.2', '9', '2000', '0'], {
      netns: POD_B,
    });
    expect(reverse.stdout.trim()).toBe('error ECONNREFUSED');

    const allowed = renderPolicy(
      policyInputOf(withLabels(cluster, 'a', { role: 'frontend' }), 'node-1', 'tnftnp'),
    ).table;
    const tx = diffTables(denied, allowed)!;
    expect(tx.ops.every((o) => o.kind === 'element')).toBe(true);
    expect(await syncer.sync(allowed)).toMatchObject({ mode: 'incremental', ops: 1 });
    expect(await kernelShape(NODE, allowed.name)).toEqual(irShape(allowed));
    expect((await connect(POD_A)).stdout.trim()).toBe('client 10.244.0.2');
    expect((await server).code).toBe(0);

    // The isolation drop and the allow were counted by the rules that log them.
    const text = await nft(NODE, 'list', 'table', 'ip', allowed.name);
    expect(text).toMatch(
      /counter packets [1-9]\d* bytes \d+ log prefix "pn-di-\w+" group 100 queue-threshold 1 drop/,
    );
    expect(text).toMatch(
      /counter packets [1-9]\d* bytes \d+ log prefix "pn-ai-\w+" group 100 queue-threshold 1 accept/,
    );
    await syncer.deleteTable(allowed);
  });
});

// A server that answers each connection with the client address it saw, and exits after N
// connections (or the time limit).
const SERVER = `const [port,n,ms]=process.argv.slice(1).map(Number);let left=n;
const s=require('net').createServer(c=>{c.end('client '+c.remoteAddress+'\\n');if(--left===0)s.close();}).listen(port,'0.0.0.0');
setTimeout(()=>process.exit(2),ms).unref();`;
// A client that prints what it got, or the error code; with retry, it tries again while the
// connection is refused (the server is still starting).
const CLIENT = `const [h,p,ms,retry]=process.argv.slice(1);const end=Date.now()+(+ms);
(function go(){const c=require('net').connect(+p,h);let d='';c.setTimeout(1000);c.on('data',x=>d+=x);
c.on('end',()=>{process.stdout.write(d);process.exit(0)});
c.on('error',e=>{if(retry==='1'&&Date.now()<end){c.destroy();return setTimeout(go,50)}
process.stdout.write('error '+e.code+'\\n');process.exit(0)});
c.on('timeout',()=>{process.stdout.write('error timeout\\n');process.exit(0)});})();`;
