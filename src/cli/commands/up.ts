// podnet up / down / status: a local cluster in network namespaces (DESIGN.md §1-2).
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { isNodeReady } from '../../api/node.js';
import { isPodReady } from '../../api/pod.js';
import type { Node, Pod, Service } from '../../api/types.js';
import { HttpObjectClient } from '../../client/http-client.js';
import { clusterDnsObjects } from '../../cluster/addons.js';
import { clusterExists, createTopology, destroyCluster } from '../../cluster/apply.js';
import { isClusterName } from '../../cluster/names.js';
import {
  BACKENDS,
  planNamespaces,
  planTopology,
  type Backend,
  type TopologyPlan,
} from '../../cluster/topology.js';
import { createFlowStore } from '../../flows/store.js';
import { isRoot, listNetns } from '../../host/netns.js';
import { isAlive, recordedProcesses, startDetached, stopRecorded } from '../../host/processes.js';
import { isAlreadyExists } from '../../store/errors.js';
import { OperationError, UsageError } from '../errors.js';
import { formatTable } from '../output.js';
import { DIST, clusterPaths, stateRoot, type ClusterPaths } from '../cluster-state.js';

interface UpFlags {
  name: string;
  nodes: string;
  backend: string;
  cni: string;
  apiPort: string;
  policy: string;
  config?: string;
}

const CONFIG_KEYS = ['name', 'nodes', 'backend', 'cni', 'apiPort', 'policy'] as const;

/**
 * `--config FILE`: a YAML map with any of name, nodes, backend, cni, apiPort, policy. Flags given on
 * the command line win over the file; unknown keys are an error, so a typo is not ignored.
 */
function applyConfigFile(flags: UpFlags, given: (key: string) => boolean): UpFlags {
  if (!flags.config) return flags;
  let data: unknown;
  try {
    data = parseYaml(readFileSync(flags.config, 'utf8'));
  } catch (e) {
    throw new UsageError(`--config ${flags.config}: ${e instanceof Error ? e.message.split('\n')[0] : e}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new UsageError(`--config ${flags.config}: expected a map of settings`);
  const out = { ...flags };
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(k))
      throw new UsageError(
        `--config ${flags.config}: unknown setting "${k}" (known: ${CONFIG_KEYS.join(', ')})`,
      );
    if (!given(k)) (out as unknown as Record<string, string>)[k] = String(v);
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function checkName(name: string): void {
  if (!isClusterName(name))
    throw new UsageError(
      `invalid cluster name "${name}": lower-case letters and digits, starting with a letter, at most 31`,
    );
}

function requireRoot(what: string): void {
  if (!isRoot())
    throw new UsageError(
      `podnet ${what} needs root: it creates network namespaces, links and processes (run it with sudo)`,
    );
}

interface WaitHooks {
  /** Why waiting longer is pointless (a process died): fails at once with this. */
  failed?: () => string | undefined;
  /** Lines that explain a timeout, appended to its message. */
  explain?: () => Promise<string[]>;
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  hooks: WaitHooks = {},
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    const reason = hooks.failed?.();
    if (reason) throw new OperationError(reason);
    await sleep(50);
  }
  const explained = (await hooks.explain?.()) ?? [];
  throw new OperationError(
    [`timed out after ${timeoutMs / 1000} s waiting for ${what}`, ...explained].join('\n'),
  );
}

/** Stops the cluster's processes and removes its namespaces, /etc/netns entries and state. */
export async function tearDown(name: string): Promise<{ processes: number; namespaces: string[] }> {
  const paths = clusterPaths(name);
  const procs = recordedProcesses(paths.pids);
  // Agents first (they stop the pods' processes), then the daemon.
  for (const p of procs.filter((x) => x.name !== 'daemon')) await stopRecorded(paths.pids, p);
  for (const p of procs.filter((x) => x.name === 'daemon')) await stopRecorded(paths.pids, p);
  const namespaces = await destroyCluster(name);
  if (existsSync('/etc/netns')) {
    for (const d of readdirSync('/etc/netns'))
      if (d.startsWith(`pn-${name}-`)) rmSync(join('/etc/netns', d), { recursive: true, force: true });
  }
  rmSync(paths.dir, { recursive: true, force: true });
  rmSync(paths.runDir, { recursive: true, force: true });
  return { processes: procs.length, namespaces };
}

interface Settings {
  nodes: number;
  backend: Backend;
  cni: string;
  apiPort: string;
  /** `on` (enforced by every node's agent) or `off`; absent in clusters made before it: on. */
  policy?: string;
}

function agentArgv(
  name: string,
  n: TopologyPlan['nodes'][number],
  plan: TopologyPlan,
  settings: Settings,
): string[] {
  const paths = clusterPaths(name);
  // nsenter --net, not `ip netns exec`: the agent must stay in the host's mount namespace,
  // or the pod namespaces it creates (bind mounts under /run/netns) would be invisible outside.
  return [
    'nsenter',
    `--net=/run/netns/${n.netns}`,
    process.execPath,
    join(DIST, 'main/agent.js'),
    '--name',
    name,
    '--node',
    n.name,
    '--state-dir',
    paths.dir,
    '--socket',
    paths.socket,
    '--pod-cidr',
    n.podCIDR,
    '--host-ip',
    n.address,
    '--mtu',
    String(plan.podMTU),
    '--cni',
    settings.cni,
    '--policy',
    settings.policy ?? 'on',
    '--netns',
    n.netns,
  ];
}

const daemonArgv = (name: string, apiPort: string) => [
  process.execPath,
  join(DIST, 'main/daemon.js'),
  '--state-dir',
  clusterPaths(name).dir,
  '--name',
  name,
  '--port',
  apiPort,
  '--read-socket',
  clusterPaths(name).readSocket,
];

/** The last lines of a process's log: a failed `up` removes the logs with the cluster. */
function logTail(paths: ClusterPaths, name: string): string {
  const file = join(paths.logs, `${name}.log`);
  const tail = existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-10) : [];
  return tail.length ? `the end of ${name}.log:\n  ${tail.join('\n  ')}` : `${name}.log is empty`;
}

/** The first of `names` (as recorded in the pid directory) that is not running, if any. */
function exited(paths: ClusterPaths, names: string[]): string | undefined {
  const alive = new Set(
    recordedProcesses(paths.pids)
      .filter((p) => isAlive(p.pid))
      .map((p) => p.name),
  );
  return names.find((n) => !alive.has(n));
}

/** Until the daemon's API server answers; fails at once with the daemon's log if it exits. */
async function waitApiServer(client: HttpObjectClient, paths: ClusterPaths): Promise<void> {
  await waitFor('the API server', () => client.ready(), 20000, {
    failed: () =>
      exited(paths, ['daemon']) &&
      `the daemon exited before its API server answered; ${logTail(paths, 'daemon')}`,
  });
}

/**
 * Until every node is Ready. An agent that exits fails this at once, one that is not Ready in
 * time after 20 s; either way the error names the node and ends with its agent's log.
 */
async function waitNodesReady(
  client: HttpObjectClient,
  plan: TopologyPlan,
  paths: ClusterPaths,
): Promise<void> {
  const nodes = plan.nodes.map((n) => n.name);
  const deadAgent = () => {
    const agent = exited(
      paths,
      nodes.map((n) => `agent-${n}`),
    );
    const node = agent?.slice('agent-'.length);
    return agent && `the agent of ${node} exited before its node was Ready; ${logTail(paths, agent)}`;
  };
  const notReady = async () => {
    const ready = new Set(
      (await client.list<Node>('Node').catch(() => [])).filter(isNodeReady).map((n) => n.metadata.name),
    );
    return nodes
      .filter((n) => !ready.has(n))
      .map((n) => `${n} is not Ready; ${logTail(paths, `agent-${n}`)}`);
  };
  await waitFor(
    'every node to be Ready',
    async () => {
      const list = await client.list<Node>('Node');
      return list.length === nodes.length && list.every(isNodeReady);
    },
    20000,
    { failed: deadAgent, explain: notReady },
  );
}

/**
 * Until the kube-dns Service has its ClusterIP (the allocator controller gives it .10 after the
 * Service is created) and a pod behind it is Ready: pods' resolv.conf points there, and it
 * answers from then on.
 */
async function waitDnsReady(client: HttpObjectClient): Promise<void> {
  await waitFor(
    'the cluster DNS (kube-system/kube-dns) to have its ClusterIP and a Ready pod',
    async () =>
      !!(await client.get<Service>('Service', 'kube-system', 'kube-dns'))?.spec?.clusterIP &&
      (await client.list<Pod>('Pod', 'kube-system')).some(
        (p) => p.metadata.labels?.['k8s-app'] === 'kube-dns' && isPodReady(p),
      ),
    20000,
  );
}

/**
 * Registers the planned nodes the API does not have yet, or has without addresses (an up
 * interrupted between the two writes), as the kubelet registers its node; how many.
 */
async function registerNodes(client: HttpObjectClient, plan: TopologyPlan): Promise<number> {
  const have = new Map((await client.list<Node>('Node')).map((n) => [n.metadata.name, n]));
  let registered = 0;
  for (const n of plan.nodes) {
    const existing = have.get(n.name);
    if (existing?.status?.addresses?.length) continue;
    const node =
      existing ??
      (await client.create<Node>({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: n.name, labels: { 'kubernetes.io/hostname': n.name, 'kubernetes.io/os': 'linux' } },
        spec: { podCIDR: n.podCIDR, podCIDRs: [n.podCIDR] },
      }));
    await client.updateStatus({
      ...node,
      status: {
        ...node.status,
        addresses: [
          { type: 'InternalIP', address: n.address },
          { type: 'Hostname', address: n.name },
        ],
      },
    });
    registered++;
  }
  return registered;
}

/** Creates the cluster DNS objects that do not exist yet; how many it created. */
async function createDnsAddon(client: HttpObjectClient, paths: ClusterPaths): Promise<number> {
  let created = 0;
  for (const obj of clusterDnsObjects(paths.readSocket)) {
    try {
      await client.create(obj);
      created++;
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
  }
  return created;
}

/**
 * Picks up a cluster whose daemon or agents died (kill -9, reboot of podnet's processes): the
 * namespaces and the store survived, so only the dead processes are started again; agents
 * adopt the surviving pod sandboxes. It also completes an `up` that was interrupted after the
 * network was made: the nodes and the cluster DNS objects it had not created yet are created.
 */
async function resume(name: string, settings: Settings, step: (m: string) => void): Promise<void> {
  const paths = clusterPaths(name);
  const plan = planTopology({ name, nodes: settings.nodes, backend: settings.backend });
  const existing = new Set(await listNetns(`pn-${name}-`));
  const absent = planNamespaces(plan).filter((ns) => !existing.has(ns));
  if (absent.length)
    throw new UsageError(
      `cluster "${name}" lacks namespace(s) ${absent.join(', ')} (an interrupted podnet up?); podnet down --name ${name}, then up again`,
    );
  const alive = new Set(
    recordedProcesses(paths.pids)
      .filter((p) => isAlive(p.pid))
      .map((p) => p.name),
  );
  createFlowStore(paths.flows); // a cluster made before up created it
  const client = new HttpObjectClient(paths.socket);
  if (!alive.has('daemon')) {
    step('restarting the API server and controllers (the store kept every object)...');
    startDetached('daemon', daemonArgv(name, settings.apiPort), paths.pids, join(paths.logs, 'daemon.log'));
  }
  await waitApiServer(client, paths);
  const registered = await registerNodes(client, plan);
  if (registered) step(`registered ${registered} node(s) that an interrupted up had not`);
  if (alive.has('daemon') && plan.nodes.every((n) => alive.has(`agent-${n.name}`))) {
    // Every process runs: nothing to do, unless an interrupted up left objects to create.
    const dns = await createDnsAddon(client, paths);
    if (dns) step('cluster DNS (kube-system/kube-dns)...');
    if (!registered && !dns)
      throw new UsageError(`cluster "${name}" is already up (podnet down --name ${name} removes it)`);
  }
  for (const n of plan.nodes) {
    if (alive.has(`agent-${n.name}`)) continue;
    step(`restarting the agent of ${n.name} (it adopts the surviving pods)...`);
    startDetached(
      `agent-${n.name}`,
      agentArgv(name, n, plan, settings),
      paths.pids,
      join(paths.logs, `agent-${n.name}.log`),
    );
  }
  await waitNodesReady(client, plan, paths);
  if (await createDnsAddon(client, paths)) step('cluster DNS (kube-system/kube-dns)...');
  await waitDnsReady(client);
  step(`cluster "${name}" is up again`);
}

async function up(flags: UpFlags): Promise<void> {
  const name = flags.name;
  checkName(name);
  const nodes = Number(flags.nodes);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 64)
    throw new UsageError(`--nodes must be a whole number from 1 to 64, not "${flags.nodes}"`);
  if (!BACKENDS.includes(flags.backend as Backend))
    throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}`);
  if (flags.cni !== 'podnet' && flags.cni !== 'reference')
    throw new UsageError('--cni must be podnet or reference');
  if (flags.policy !== 'on' && flags.policy !== 'off') throw new UsageError('--policy must be on or off');
  requireRoot('up');
  const paths = clusterPaths(name);
  const t0 = performance.now();
  const step = (msg: string) =>
    process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(2)}s] ${msg}\n`);
  const settingsFile = paths.settings;
  if (await clusterExists(name)) {
    if (!existsSync(settingsFile))
      throw new UsageError(
        `namespaces of cluster "${name}" exist but its state is gone; podnet down --name ${name} removes them`,
      );
    return resume(name, JSON.parse(readFileSync(settingsFile, 'utf8')) as Settings, step);
  }
  if (recordedProcesses(paths.pids).some((p) => isAlive(p.pid)))
    throw new UsageError(`cluster "${name}" has processes running; podnet down --name ${name} first`);
  const plan = planTopology({ name, nodes, backend: flags.backend as Backend });
  try {
    rmSync(paths.dir, { recursive: true, force: true });
    mkdirSync(paths.logs, { recursive: true });
    const settings: Settings = {
      nodes,
      backend: plan.backend,
      cni: flags.cni,
      apiPort: flags.apiPort,
      policy: flags.policy,
    };
    writeFileSync(settingsFile, JSON.stringify(settings, null, 2) + '\n');
    // Before the agents start together: they would race to create it (flows/store.ts).
    createFlowStore(paths.flows);
    step(
      `network: ${nodes} node${nodes > 1 ? 's' : ''} over ${plan.backend}, fabric ${plan.nodes[0].address}/${plan.nodePrefixLength}...`,
    );
    const created = await createTopology(plan);
    for (const w of created.warnings) step(`warning: ${w}`);
    step('API server and controllers...');
    startDetached('daemon', daemonArgv(name, flags.apiPort), paths.pids, join(paths.logs, 'daemon.log'));
    const client = new HttpObjectClient(paths.socket);
    await waitApiServer(client, paths);
    step('nodes and their agents...');
    await registerNodes(client, plan);
    for (const n of plan.nodes) {
      startDetached(
        `agent-${n.name}`,
        agentArgv(name, n, plan, settings),
        paths.pids,
        join(paths.logs, `agent-${n.name}.log`),
      );
    }
    await waitNodesReady(client, plan, paths);
    step('cluster DNS (kube-system/kube-dns)...');
    await createDnsAddon(client, paths);
    await waitDnsReady(client);
    step(`cluster "${name}" is up`);
    process.stdout.write(
      `cluster "${name}": ${nodes} node(s), ${plan.backend}, CNI ${flags.cni}, NetworkPolicy ${flags.policy === 'on' ? 'enforced' : 'NOT enforced (--policy off)'}; API https://127.0.0.1:${flags.apiPort}\nkubeconfig: ${paths.kubeconfig}\n  KUBECONFIG=${paths.kubeconfig} kubectl get nodes\n`,
    );
  } catch (e) {
    // The reason follows as the command's error.
    step('failed; removing everything that was created');
    await tearDown(name).catch(() => undefined);
    throw e;
  }
}

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('start a local cluster: nodes and pods in network namespaces (needs root)')
    .option('--name <name>', 'cluster name', 'podnet')
    .option('--nodes <k>', 'number of nodes', '2')
    .option('--backend <backend>', 'between nodes: vxlan or host-gw', 'vxlan')
    .option('--cni <plugins>', 'podnet (ours) or reference (Debian containernetworking-plugins)', 'podnet')
    .option('--api-port <port>', 'API server port on 127.0.0.1', '6443')
    .option('--policy <on|off>', 'enforce NetworkPolicy (off: like a CNI without policy support)', 'on')
    .option('--config <file>', 'YAML settings: name, nodes, backend, cni, apiPort, policy (flags win)')
    .action((flags: UpFlags, cmd: Command) =>
      up(applyConfigFile(flags, (k) => cmd.getOptionValueSource(k) === 'cli')),
    );

  program
    .command('down')
    .description('stop a local cluster and remove every namespace, link, process and file it made')
    .option('--name <name>', 'cluster name', 'podnet')
    .action(async (flags: { name: string }) => {
      checkName(flags.name);
      requireRoot('down');
      const r = await tearDown(flags.name);
      if (r.processes === 0 && r.namespaces.length === 0)
        process.stdout.write(`cluster "${flags.name}" is not running; nothing to remove\n`);
      else
        process.stdout.write(
          `cluster "${flags.name}" removed: ${r.processes} process(es), ${r.namespaces.length} network namespace(s)\n`,
        );
    });

  program
    .command('status')
    .description('list local clusters')
    .action(async () => {
      const root = stateRoot();
      const names = existsSync(root) ? readdirSync(root).filter(isClusterName) : [];
      const rows: string[][] = [];
      for (const name of names) {
        const paths = clusterPaths(name);
        const daemon = recordedProcesses(paths.pids).find((p) => p.name === 'daemon');
        const running = !!daemon && isAlive(daemon.pid);
        let nodes = '-';
        let pods = '-';
        if (running) {
          const c = new HttpObjectClient(paths.socket);
          nodes = String((await c.list<Node>('Node').catch(() => [])).length);
          pods = String((await c.list<Pod>('Pod').catch(() => [])).length);
        }
        const netns = (await listNetns(`pn-${name}-`)).length;
        rows.push([name, running ? 'Running' : 'Stopped', nodes, pods, String(netns), paths.kubeconfig]);
      }
      if (rows.length === 0) process.stdout.write('No local clusters.\n');
      else
        process.stdout.write(formatTable(['NAME', 'STATUS', 'NODES', 'PODS', 'NETNS', 'KUBECONFIG'], rows));
    });
}
