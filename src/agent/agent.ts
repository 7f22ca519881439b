// The node agent (the kubelet's networking part): keeps one sandbox per pod assigned to this
// node: a network namespace wired by the CNI plugin, /etc/netns files for DNS, the pod's
// processes, and the pod's status in the API. Talks to the daemon only through the API.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from '../api/types.js';
import type { BatchAttacher } from '../cni/batch.js';
import type { Invoker, RuntimeConf } from '../cni/invoke.js';
import { setUpSandboxes } from '../cni/sandboxes.js';
import type { NetConfList, Result } from '../cni/types.js';
import type { HttpObjectClient } from '../client/http-client.js';
import { execCapture } from '../host/exec.js';
import { deleteNetns, killProcessesIn, listNetns } from '../host/netns.js';
import { cidrContains, parseCIDR, parseIP } from '../lib/netaddr/index.js';
import { isConflict, isNotFound } from '../store/errors.js';
import { hostsFile, planSandboxes, podNetnsName, resolvConf, type Sandbox } from './plan.js';

export interface PodRuntimeState {
  ready: boolean;
  /** Succeeded or Failed once every container has terminated for good (restartPolicy). */
  phase: string;
  containerStatuses: unknown[];
}

/** Starts and stops a pod's containers inside its network namespace. */
export interface ContainerRuntime {
  /** `onChange` is called whenever a container's state or readiness changes. */
  startPod(pod: Pod, netns: string, podIP: string, onChange: () => void): Promise<void>;
  /** SIGTERM to every container, SIGKILL after `graceMs` (default 5 s). */
  stopPod(podKey: string, graceMs?: number): Promise<void>;
  status(podKey: string): PodRuntimeState | undefined;
}

export interface AgentOptions {
  cluster: string;
  node: string;
  hostIP: string;
  client: HttpObjectClient;
  invoker: Invoker;
  conflist: NetConfList;
  /** Sets up the pods of one pass together when it supports the conflist (podnet's plugins). */
  batch?: BatchAttacher;
  runtime: ContainerRuntime;
  /**
   * Runs after the pass's new pods have their addresses and before any of their containers
   * starts, with every sandbox's address (`ns/name` -> IP): NetworkPolicy rules go in here so
   * that no pod sends or receives a packet before the ruleset knows it. If it fails, the new
   * pods' networks are undone and retried on the next pass.
   */
  beforeStart?: (sandboxes: ReadonlyMap<string, string>) => Promise<void>;
  clusterDomain: string;
  dnsServer: string;
  log: (line: string) => void;
}

interface LiveSandbox extends Sandbox {
  result: Result;
}

function runtimeConf(pod: Pod, netns: string): RuntimeConf {
  const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
  return {
    containerID: pod.metadata.uid ?? key,
    netns: `/run/netns/${netns}`,
    ifName: 'eth0',
    args: {
      K8S_POD_NAMESPACE: pod.metadata.namespace!,
      K8S_POD_NAME: pod.metadata.name!,
      K8S_POD_UID: pod.metadata.uid ?? '',
    },
  };
}

export class NodeAgent {
  private readonly sandboxes = new Map<string, LiveSandbox>();
  private readonly reporting = new Map<string, Promise<void>>();
  /** Pods whose containers are being stopped for a graceful deletion. */
  private readonly stopping = new Set<string>();

  constructor(private readonly o: AgentOptions) {}

  /**
   * After a restart (the agent was killed): take over the sandboxes of this node's pods whose
   * network namespaces survived, keeping their addresses, and restart their processes (the
   * old ones are killed: they belong to the previous agent). Namespaces in this node's pod range
   * that no pod owns any more are removed, and CNI GC releases their addresses.
   */
  async adopt(podCIDR: string): Promise<void> {
    const pods = (await this.o.client.list<Pod>('Pod')).filter((p) => p.spec?.nodeName === this.o.node);
    const left = new Set(await listNetns(`pn-${this.o.cluster}-pod-`));
    const adopted: Array<{ pod: Pod; netns: string; ip: string }> = [];
    for (const pod of pods) {
      const netns = podNetnsName(this.o.cluster, pod);
      const ip = pod.status?.podIP;
      if (!left.has(netns) || !ip) continue;
      left.delete(netns);
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      killProcessesIn(netns);
      const result: Result = {
        cniVersion: this.o.conflist.cniVersion,
        interfaces: [{ name: 'eth0', sandbox: `/run/netns/${netns}` }],
        ips: [{ address: `${ip}/${podCIDR.split('/')[1]}`, interface: 0 }],
      };
      this.sandboxes.set(key, { pod: key, uid: pod.metadata.uid ?? '', netns, ip, result });
      adopted.push({ pod, netns, ip });
    }
    // The rules the previous agent left stay in force meanwhile; this brings them up to date.
    await this.o.beforeStart?.(this.sandboxAddresses());
    for (const { pod, netns, ip } of adopted) {
      await this.o.runtime.startPod(pod, netns, ip, () => void this.reportStatus(pod, ip));
      await this.reportStatus(pod, ip);
      this.o.log(`pod ${pod.metadata.namespace}/${pod.metadata.name}: adopted ${netns} (${ip})`);
    }
    const range = parseCIDR(podCIDR);
    for (const netns of left) {
      const addr = (await execCapture(['ip', '-n', netns, '-j', '-4', 'addr', 'show', 'eth0'])).stdout;
      const ip = /"local":"([0-9.]+)"/.exec(addr)?.[1];
      const parsed = ip ? parseIP(ip) : null;
      if (!range || !parsed || !cidrContains(range, parsed)) continue; // another node's pod
      killProcessesIn(netns);
      await deleteNetns(netns);
      rmSync(join('/etc/netns', netns), { recursive: true, force: true });
      this.o.log(`removed orphaned sandbox ${netns} (${ip})`);
    }
    const valid = [...this.sandboxes.values()].map((s) => ({ containerID: s.uid || s.pod, ifname: 'eth0' }));
    await this.o.invoker
      .gc(this.o.conflist, valid)
      .catch((e) => this.o.log(`CNI GC: ${e instanceof Error ? e.message : e}`));
  }

  /** One pass: create and destroy sandboxes so that they match the pods of this node. */
  async sync(): Promise<void> {
    const pods = await this.o.client.list<Pod>('Pod');
    const terminating = new Map(
      pods
        .filter((p) => p.spec?.nodeName === this.o.node && p.metadata.deletionTimestamp)
        .map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]),
    );
    const creates: Array<{ pod: Pod; netns: string }> = [];
    for (const action of planSandboxes(this.o.cluster, this.o.node, pods, [...this.sandboxes.values()])) {
      try {
        if (action.type === 'destroy') {
          const pod = terminating.get(action.sandbox.pod);
          if (pod) this.terminate(action.sandbox as LiveSandbox, pod);
          else await this.destroy(action.sandbox as LiveSandbox);
        } else creates.push(action);
      } catch (e) {
        const what =
          action.type === 'destroy'
            ? action.sandbox.pod
            : `${action.pod.metadata.namespace}/${action.pod.metadata.name}`;
        this.o.log(`${action.type} ${what}: ${e instanceof Error ? e.message : e}`);
      }
    }
    if (creates.length) await this.createAll(creates);
    // Graceful deletion ends here (the kubelet's part): once a terminating pod's containers are
    // stopped and its sandbox is gone, the object is deleted for good.
    for (const [key, pod] of terminating) {
      if (this.sandboxes.has(key)) continue;
      await this.o.client
        .delete('Pod', pod.metadata.namespace, pod.metadata.name!, {
          gracePeriodSeconds: 0,
          preconditions: { uid: pod.metadata.uid },
        })
        .catch((e) => {
          if (!isNotFound(e) && !isConflict(e))
            this.o.log(`delete ${key}: ${e instanceof Error ? e.message : e}`);
        });
    }
  }

  /**
   * The pass's new pods: their networks first, all together (one batch with podnet's own
   * plugins: docs/benchmarks.md, issue 4 part 3), then `beforeStart` (the NetworkPolicy rules
   * learn their addresses), then each pod's processes and status.
   */
  private async createAll(creates: Array<{ pod: Pod; netns: string }>): Promise<void> {
    const reqs = creates.map(({ pod, netns }) => ({ netnsName: netns, rt: runtimeConf(pod, netns) }));
    const nets = await setUpSandboxes(this.o, reqs);
    const ready = creates.flatMap(({ pod, netns }, i) => {
      const net = nets[i];
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      if (net instanceof Error) {
        this.o.log(`create ${key}: ${net.message}`);
        return [];
      }
      return [{ pod, netns, key, rt: reqs[i].rt, result: net, ip: net.ips?.[0]?.address.split('/')[0] }];
    });
    if (this.o.beforeStart) {
      const addresses = this.sandboxAddresses();
      for (const r of ready) if (r.ip) addresses.set(r.key, r.ip);
      try {
        await this.o.beforeStart(addresses);
      } catch (e) {
        this.o.log(`new pods wait for the next pass: ${e instanceof Error ? e.message : e}`);
        for (const r of ready) await this.undoNetwork(r.netns, r.rt, r.result);
        return;
      }
    }
    for (const r of ready) {
      try {
        await this.start(r.pod, r.netns, r.rt, r.result);
      } catch (e) {
        this.o.log(`create ${r.key}: ${e instanceof Error ? e.message : e}`);
      }
    }
  }

  /** `ns/name` -> IP of every sandbox this agent holds. */
  sandboxAddresses(): Map<string, string> {
    return new Map([...this.sandboxes.values()].map((s) => [s.pod, s.ip]));
  }

  /** Starts a pod whose network is set up; on failure undoes the network too. */
  private async start(pod: Pod, netns: string, rt: RuntimeConf, result: Result): Promise<void> {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    try {
      const ip = result.ips?.[0]?.address.split('/')[0];
      if (!ip) throw new Error('the CNI plugin returned no address');
      this.writeEtc(netns, pod, ip);
      this.sandboxes.set(key, { pod: key, uid: pod.metadata.uid ?? '', netns, ip, result });
      await this.o.runtime.startPod(pod, netns, ip, () => void this.reportStatus(pod, ip));
      await this.reportStatus(pod, ip);
      this.o.log(`pod ${key}: ${ip} in ${netns}`);
    } catch (e) {
      // Nothing half-made stays behind: release the address and the namespace, retry next pass.
      this.sandboxes.delete(key);
      await this.o.runtime.stopPod(key).catch(() => undefined);
      await this.undoNetwork(netns, rt, result);
      throw e;
    }
  }

  /** Releases a sandbox's address and removes its namespace; errors are ignored (best effort). */
  private async undoNetwork(netns: string, rt: RuntimeConf, result: Result): Promise<void> {
    await this.o.invoker.del(this.o.conflist, rt, result).catch(() => undefined);
    await deleteNetns(netns).catch(() => undefined);
    rmSync(join('/etc/netns', netns), { recursive: true, force: true });
  }

  /**
   * A pod being deleted gracefully: its containers get up to deletionGracePeriodSeconds to stop,
   * in the background so that one slow pod does not hold up the node's other pods.
   */
  private terminate(s: LiveSandbox, pod: Pod): void {
    if (this.stopping.has(s.pod)) return;
    this.stopping.add(s.pod);
    const graceMs = (pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000;
    this.destroy(s, graceMs)
      .catch((e) => this.o.log(`stop ${s.pod}: ${e instanceof Error ? e.message : e}`))
      .finally(() => this.stopping.delete(s.pod));
  }

  private async destroy(s: LiveSandbox, graceMs?: number): Promise<void> {
    await this.o.runtime.stopPod(s.pod, graceMs);
    await this.o.invoker.del(
      this.o.conflist,
      { containerID: s.uid || s.pod, netns: `/run/netns/${s.netns}`, ifName: 'eth0' },
      s.result,
    );
    await deleteNetns(s.netns);
    rmSync(join('/etc/netns', s.netns), { recursive: true, force: true });
    this.sandboxes.delete(s.pod);
    this.o.log(`pod ${s.pod}: sandbox removed`);
  }

  /** /etc/netns/<ns>/ files replace /etc/resolv.conf and /etc/hosts under `ip netns exec`. */
  private writeEtc(netns: string, pod: Pod, ip: string): void {
    const dir = join('/etc/netns', netns);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'resolv.conf'),
      resolvConf(pod.metadata.namespace!, this.o.clusterDomain, this.o.dnsServer),
    );
    writeFileSync(join(dir, 'hosts'), hostsFile(pod, ip, this.o.clusterDomain));
  }

  /**
   * The pod's status as the kubelet reports it: Running, its IP, Ready from the probes.
   * Reports for one pod are serialised, and a Conflict (someone wrote the pod meanwhile) is
   * retried on the fresh object.
   */
  private reportStatus(pod: Pod, ip: string): Promise<void> {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const next = (this.reporting.get(key) ?? Promise.resolve()).then(() => this.writeStatus(pod, ip));
    this.reporting.set(key, next);
    return next;
  }

  private async writeStatus(pod: Pod, ip: string): Promise<void> {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    for (let attempt = 0; attempt < 5; attempt++) {
      const state = this.o.runtime.status(key);
      try {
        const fresh = await this.o.client.get<Pod>('Pod', pod.metadata.namespace, pod.metadata.name!);
        if (!fresh || fresh.metadata.uid !== pod.metadata.uid) return;
        const status = {
          ...fresh.status,
          phase: state?.phase ?? 'Running',
          podIP: ip,
          podIPs: [{ ip }],
          hostIP: this.o.hostIP,
          conditions: [{ type: 'Ready', status: state?.ready ? 'True' : 'False' }],
          containerStatuses: state?.containerStatuses,
        };
        await this.o.client.updateStatus({ ...fresh, status });
        return;
      } catch (e) {
        if (!isConflict(e)) {
          this.o.log(`status of ${key}: ${e instanceof Error ? e.message : e}`);
          return;
        }
      }
    }
    this.o.log(`status of ${key}: gave up after 5 conflicts`);
  }

  /** Stops every pod's processes (on SIGTERM); the namespaces go with the cluster. */
  async shutdown(): Promise<void> {
    for (const s of this.sandboxes.values()) await this.o.runtime.stopPod(s.pod).catch(() => undefined);
  }
}
