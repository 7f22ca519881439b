// Applies a TopologyPlan to the machine and takes a cluster's network down again. All effects go
// through src/host (and host-tools.ts); everything happens inside namespaces the plan names,
// which all start with `pn-<cluster>-`. A failed create removes every namespace it made, so a
// cluster is either fully wired or absent.
import { ExecError } from '../host/exec.js';
import { createNetns, deleteNetns, ipBatch, killProcessesIn, listNetns } from '../host/netns.js';
import { bridgeBatch, disableTxOffload, hasEthtool, setSysctls } from './host-tools.js';
import { clusterPrefix, isClusterName } from './names.js';
import { planNamespaces, type NamespaceSetup, type TopologyPlan } from './topology.js';

export class TopologyApplyError extends Error {
  constructor(
    readonly code: 'exists' | 'apply-failed' | 'invalid-name',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface CreateResult {
  /** Wall-clock milliseconds: creating namespaces, wiring the fabric, wiring the rest, total. */
  timings: { namespacesMs: number; fabricMs: number; namespacesSetupMs: number; totalMs: number };
  /** Things that were skipped, each a sentence (ethtool missing, say). */
  warnings: string[];
}

/**
 * Creates every namespace of the plan and wires it. Refuses (code `exists`, touching nothing)
 * when any of the plan's namespaces already exists. On any failure every namespace of the plan
 * is deleted again and the error (code `apply-failed`) names the namespace and step.
 */
export async function createTopology(plan: TopologyPlan): Promise<CreateResult> {
  const t0 = performance.now();
  const wanted = planNamespaces(plan);
  const existing = new Set(await listNetns(clusterPrefix(plan.name)));
  const clash = wanted.filter((n) => existing.has(n));
  if (clash.length > 0)
    throw new TopologyApplyError(
      'exists',
      `cluster ${plan.name} already has namespaces: ${clash.join(', ')}`,
    );

  const warnings: string[] = [];
  try {
    await Promise.all(wanted.map((ns) => createNetns(ns)));
    const t1 = performance.now();
    // The fabric first: its batch creates the veths whose peers become eth0 in every other namespace.
    const [fabric, ...rest] = plan.setups;
    await runSetup(fabric, warnings);
    const t2 = performance.now();
    await Promise.all(rest.map((s) => runSetup(s, warnings)));
    const t3 = performance.now();
    return {
      timings: { namespacesMs: t1 - t0, fabricMs: t2 - t1, namespacesSetupMs: t3 - t2, totalMs: t3 - t0 },
      warnings: [...new Set(warnings)],
    };
  } catch (e) {
    // None of them existed a moment ago, so all of them are ours (a half-made one included).
    await Promise.allSettled(wanted.map((ns) => deleteNetns(ns)));
    const message = e instanceof Error ? e.message : String(e);
    throw new TopologyApplyError('apply-failed', `creating the network of cluster ${plan.name}: ${message}`, {
      cause: e,
    });
  }
}

async function runSetup(s: NamespaceSetup, warnings: string[]): Promise<void> {
  const step = async (what: string, f: () => Promise<void>) => {
    try {
      await f();
    } catch (e) {
      const detail = e instanceof ExecError ? e.message : String(e);
      throw new Error(`${s.netns}: ${what}: ${detail}`, { cause: e });
    }
  };
  await step('sysctl', () => setSysctls(s.netns, s.sysctls));
  await step('ip -batch', () => ipBatch(s.netns, s.ip.join('\n') + '\n'));
  await step('bridge -batch', () => bridgeBatch(s.netns, s.bridge.join('\n') + '\n'));
  if (s.txOffloadOff.length === 0) return;
  if (!(await hasEthtool())) {
    // Kernels from 5.7 on compute the inner checksum correctly even with NAT on the outer
    // packet (the netfilter fix for kubernetes/kubernetes#88986), so this only matters on old ones.
    warnings.push('ethtool not found: VXLAN TX checksum offload left on (harmless on kernels >= 5.7)');
    return;
  }
  for (const d of s.txOffloadOff) await step(`ethtool -K ${d} tx off`, () => disableTxOffload(s.netns, d));
}

function checkName(name: string): void {
  if (!isClusterName(name)) throw new TopologyApplyError('invalid-name', `"${name}" is not a cluster name`);
}

/** Deletes every `pn-<name>-*` namespace (links inside go with them). Idempotent; returns what it deleted. */
export async function destroyCluster(name: string): Promise<string[]> {
  checkName(name);
  const namespaces = await listNetns(clusterPrefix(name));
  // The agents stopped their pods; the pods of an agent that was dead are stopped here.
  for (const ns of namespaces) killProcessesIn(ns);
  await Promise.all(namespaces.map((ns) => deleteNetns(ns)));
  return namespaces;
}

/** True when any namespace of cluster `name` exists. */
export async function clusterExists(name: string): Promise<boolean> {
  checkName(name);
  return (await listNetns(clusterPrefix(name))).length > 0;
}
