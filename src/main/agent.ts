// Entry point of a node agent: `nsenter --net=/run/netns/pn-<cluster>-node-<i> node dist/main/agent.js ...`
// (podnet up starts one per node, inside the node's network namespace, so the CNI plugins it
// runs act on that node). It keeps the node Ready and syncs pod sandboxes until SIGTERM.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isNodeReady } from '../api/node.js';
import type { Node } from '../api/types.js';
import { NodeAgent, type ContainerRuntime } from '../agent/agent.js';
import { HttpObjectClient } from '../client/http-client.js';
import { podnetConflist, PODNET_CNI_DIR, REFERENCE_CNI_DIR, referenceConflist } from '../cni/conflists.js';
import { batchAttacher } from '../cni/batch.js';
import { execBatchHost } from '../cni/batch-host.js';
import { execRunner } from '../cni/exec-runner.js';
import { openDiskStore } from '../cni/host-local/disk-store.js';
import { inProcessRunner } from '../cni/in-process-runner.js';
import { Invoker } from '../cni/invoke.js';
import { runtimeFor } from '../agent/runtime.js';
import { ServiceProxy } from '../agent/service-proxy.js';
import { defaultClusterConfig } from '../api/cluster.js';
import { FlowRecorder } from '../agent/flow-recorder.js';
import { PolicyEnforcer } from '../agent/policy-enforcer.js';

const NODE_STATUS_PERIOD_MS = 10_000;

const { values: v } = parseArgs({
  options: {
    name: { type: 'string' },
    node: { type: 'string' },
    'state-dir': { type: 'string' },
    socket: { type: 'string' },
    'pod-cidr': { type: 'string' },
    'host-ip': { type: 'string' },
    mtu: { type: 'string', default: '1500' },
    cni: { type: 'string', default: 'podnet' },
    'period-ms': { type: 'string', default: '250' },
    netns: { type: 'string' },
    /** `off` mirrors a CNI that does not enforce NetworkPolicy (Flannel alone). */
    policy: { type: 'string', default: 'on' },
  },
});
const need = ['name', 'node', 'state-dir', 'socket', 'pod-cidr', 'host-ip', 'netns'] as const;
const missing = need.filter((k) => !v[k]);
if (missing.length) {
  process.stderr.write(`agent: missing --${missing.join(', --')}\n`);
  process.exitCode = 2;
} else {
  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${v.node}: ${line}\n`);
  const client = new HttpObjectClient(v.socket!);
  const reference = v.cni === 'reference';
  const conflist = reference
    ? referenceConflist(v['pod-cidr']!, { dataDir: join(v['state-dir']!, 'ipam', v.node!) })
    : podnetConflist(v['pod-cidr']!, { dataDir: join(v['state-dir']!, 'ipam', v.node!), mtu: Number(v.mtu) });
  const invoker = new Invoker({
    cniPath: [reference ? REFERENCE_CNI_DIR : PODNET_CNI_DIR],
    runner: inProcessRunner(execRunner),
    baseEnv: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' },
  });
  const runtime: ContainerRuntime = runtimeFor(v['state-dir']!, log);
  const enforcer =
    v.policy === 'off'
      ? undefined
      : new PolicyEnforcer({ cluster: v.name!, node: v.node!, netns: v.netns!, client, log });
  // Flows are read before the first rule exists, so none is missed. Without its flow store the
  // node still runs, without a flow log (like a recorder that does not start).
  let recorder: FlowRecorder | undefined;
  try {
    recorder =
      enforcer && new FlowRecorder(v.node!, v.netns!, join(v['state-dir']!, 'flows.db'), enforcer, log);
  } catch (e) {
    log(`flows: ${e instanceof Error ? e.message : e}; this node records no flows`);
  }
  await recorder?.start().catch((e) => log(`flows: ${e instanceof Error ? e.message : e}`));
  const agent = new NodeAgent({
    cluster: v.name!,
    node: v.node!,
    hostIP: v['host-ip']!,
    client,
    invoker,
    conflist,
    // podnet's own plugins: the pods of a sync pass are set up in one batch (src/cni/batch.ts).
    batch: batchAttacher(execBatchHost(), openDiskStore),
    runtime,
    beforeStart: enforcer && ((sandboxes) => enforcer.sync(sandboxes)),
    clusterDomain: 'cluster.local',
    dnsServer: '10.96.0.10',
    log,
  });

  // The node reports itself Ready once its agent runs, and checks that it still is every 10 s
  // (the kubelet's node status, nodeStatusUpdateFrequency). A report that fails (a conflicting
  // write, the API server restarting) or finds no Node yet (an interrupted up registers it later)
  // is tried again on the loop's next pass, or the node would stay NotReady for good.
  let nextStatusCheck = 0;
  const reportReady = async () => {
    try {
      const node = await client.get<Node>('Node', undefined, v.node!);
      if (!node) return;
      if (!isNodeReady(node))
        await client.updateStatus({
          ...node,
          status: { ...node.status, conditions: [{ type: 'Ready', status: 'True' }] },
        });
      nextStatusCheck = Date.now() + NODE_STATUS_PERIOD_MS;
    } catch (e) {
      log(`node status: ${e instanceof Error ? e.message : e}`);
    }
  };
  await reportReady();

  await agent
    .adopt(v['pod-cidr']!)
    .catch((e) => log(`adopting sandboxes: ${e instanceof Error ? e.message : e}`));
  const proxy = new ServiceProxy({
    cluster: v.name!,
    node: v.node!,
    netns: v.netns!,
    nodeIP: v['host-ip']!,
    config: defaultClusterConfig,
    client,
    log,
  });
  // The proxy syncs on watch events, not on this loop's period.
  proxy.start();
  let stopping = false;
  const loop = async () => {
    while (!stopping) {
      if (Date.now() >= nextStatusCheck) await reportReady();
      await agent.sync().catch((e) => log(`sync: ${e instanceof Error ? e.message : e}`));
      await enforcer
        ?.sync(agent.sandboxAddresses())
        .catch((e) => log(`network policy: ${e instanceof Error ? e.message : e}`));
      await new Promise((r) => setTimeout(r, Number(v['period-ms'])));
    }
  };
  const done = loop();
  const stop = () => {
    stopping = true;
    void done
      .then(() => proxy.close())
      .then(() => (recorder?.stop(), agent.shutdown()))
      .then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  log(
    `agent started (cni ${v.cni}, pod CIDR ${v['pod-cidr']}, network policy ${enforcer ? 'enforced' : 'off'})`,
  );
}
