// Pure plan of the agent's batched set-up of several pods on one bridge: one `ip -batch` run in
// the node netns creates every pod's netns, its veth pair and, through `netns exec NAME ip
// -batch FILE` lines, its pod-side configuration. Measured reason (2 vCPU, docs/benchmarks.md):
// every process the agent starts costs ~3 ms, and the one-pod-at-a-time path starts seven per
// pod (netns add, lo up, bridge, node batch, pod batch, bridge read); here one `ip` runs for
// the whole batch and forks one `ip` per pod inside it, so what is left per pod is ~3-4 ms of
// kernel work and that fork. The lines are planAttach's, so a pod is wired exactly as the
// plugin wires it.
import { planAttach, type AttachSpec } from './plan.js';

export interface BatchPod {
  /** The pod netns to create; spec.netns must be its path, /run/netns/<netnsName>. */
  netnsName: string;
  spec: AttachSpec;
}

export interface BatchPlan {
  /** Creates the bridge: run it alone, "File exists" is fine. */
  bridge: string;
  /**
   * For `ip -j -batch -` in the node netns, after `bridge`. Without `-force` ip stops at the
   * first failing line and names it (`Command failed -:LINE`); the last line prints the
   * bridge as JSON, the only output, whose MAC goes into every Result.
   */
  node: string;
  /** The pod netns scripts the `netns exec` lines run; written before `node` runs. */
  files: Array<{ path: string; text: string }>;
  /** Per line of `node`, the netns of the pod it sets up ('' for lines shared by all). */
  owners: string[];
}

// Names go into ip's batch text, which splits on blanks: nothing but these characters.
const NETNS_NAME = /^pn-[A-Za-z0-9_.-]{1,61}$/;
const LINK_NAME = /^[A-Za-z0-9_.-]{1,15}$/;

const split = (text: string) => text.split('\n').filter((l) => l !== '');

/**
 * Throws unless every pod is safe to put into batch text (names of the owned form, one
 * bridge, each spec's netns path its name's). Both plans check; callers check first too, so
 * that nothing is made for a batch that could not be written or undone.
 */
export function checkBatch(pods: BatchPod[]): void {
  if (!pods.length) throw new Error('planBatch: no pods');
  const bridge = pods[0].spec.bridge;
  for (const { netnsName, spec } of pods) {
    if (!NETNS_NAME.test(netnsName)) throw new Error(`planBatch: unsafe netns name "${netnsName}"`);
    if (spec.netns !== `/run/netns/${netnsName}`)
      throw new Error(`planBatch: ${spec.netns} is not the path of netns ${netnsName}`);
    if (!LINK_NAME.test(spec.ifName)) throw new Error(`planBatch: unsafe interface name "${spec.ifName}"`);
    if (spec.bridge !== bridge) throw new Error(`planBatch: pods on bridges ${bridge} and ${spec.bridge}`);
  }
}

/**
 * The batch for `pods`, in order. Shared lines (the bridge's gateway address and up) come
 * once, before the pods; then per pod its veth lines and its `netns exec` line. Pod scripts
 * live in `scriptDir`, one file per netns name.
 */
export function planBatch(pods: BatchPod[], scriptDir: string): BatchPlan {
  checkBatch(pods);
  const bridge = pods[0].spec.bridge;
  const plans = pods.map((p) => planAttach(p.spec));
  const lines: Array<[owner: string, line: string]> = [];
  for (const p of pods) lines.push([p.netnsName, `netns add ${p.netnsName}`]);
  const shared = new Set<string>();
  for (const plan of plans) for (const l of split(plan.gateway)) shared.add(l);
  for (const l of shared) lines.push(['', l]);
  const files: BatchPlan['files'] = [];
  for (const [i, p] of pods.entries()) {
    for (const l of split(plans[i].veth)) lines.push([p.netnsName, l]);
    const path = `${scriptDir}/${p.netnsName}`;
    files.push({ path, text: plans[i].pod });
    lines.push([p.netnsName, `netns exec ${p.netnsName} ip -batch ${path}`]);
  }
  lines.push(['', `link show dev ${bridge}`]);
  return {
    bridge: plans[0].bridge,
    node: lines.map(([, l]) => `${l}\n`).join(''),
    files,
    owners: lines.map(([o]) => o),
  };
}

/**
 * Undoes a batch, whatever part of it ran, for `ip -force -batch -` (which goes on past the
 * lines whose object is missing): host veths first, then the namespaces. Deleting a veth is
 * synchronous; a namespace's links go with it only once the kernel's cleanup runs, so a
 * retry right after could still find the veth's name taken.
 */
export function planRollback(pods: BatchPod[]): string {
  checkBatch(pods);
  return [
    ...pods.map((p) => `link del dev ${p.spec.hostVeth}`),
    ...pods.map((p) => `netns del ${p.netnsName}`),
  ]
    .map((l) => `${l}\n`)
    .join('');
}
