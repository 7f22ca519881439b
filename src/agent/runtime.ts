// The agent's container runtime: one PodRuntime (src/runtime/pod.ts) per pod, whose processes
// run inside the pod's network namespace as an unprivileged user with no capabilities.
import type { Pod } from '../api/types.js';
import { PodRuntime } from '../runtime/pod.js';
import type { ContainerRuntime, PodRuntimeState } from './agent.js';

export function runtimeFor(stateDir: string, log: (line: string) => void): ContainerRuntime {
  const pods = new Map<string, PodRuntime>();
  return {
    async startPod(pod: Pod, netns: string, podIP: string, onChange: () => void) {
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      pods.set(key, await PodRuntime.start({ pod, netns, podIP, stateDir, onChange }));
      log(`pod ${key}: ${pod.spec?.containers?.length ?? 0} container(s) started`);
    },
    async stopPod(key: string, graceMs = 5000) {
      const rt = pods.get(key);
      pods.delete(key);
      await rt?.stop(graceMs);
    },
    status(key: string): PodRuntimeState | undefined {
      return pods.get(key)?.status();
    },
  };
}
