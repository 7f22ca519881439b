// Facts about pods that several layers need, with the upstream helper each one mirrors.
import type { ContainerPort, IntOrString, Pod, Protocol } from './types.js';

/** podutil.IsPodReady: the Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function isTerminating(pod: Pod): boolean {
  return !!pod.metadata.deletionTimestamp;
}

export function podIP(pod: Pod): string | undefined {
  return pod.status?.podIP || undefined;
}

/** A short string that is equal for two pods exactly when they declare the same ports. */
export function portsKey(pod: Pod): string {
  let key = '';
  for (const c of pod.spec?.containers ?? [])
    for (const p of c.ports ?? []) key += `${p.name ?? ''}/${p.protocol ?? 'TCP'}/${p.containerPort},`;
  return key;
}

/** Every declared container port with its protocol defaulted to TCP. */
export function containerPorts(pod: Pod): (ContainerPort & { protocol: Protocol; container: string })[] {
  return (pod.spec?.containers ?? []).flatMap((c) =>
    (c.ports ?? []).map((p) => ({ ...p, protocol: p.protocol ?? 'TCP', container: c.name })),
  );
}

/**
 * podutil.FindPort: a numeric target is used as is; a name is looked up among the pod's
 * container ports with the same protocol. Undefined when the pod does not declare the name.
 */
export function findPort(pod: Pod, target: IntOrString, protocol: Protocol): number | undefined {
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? [])
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}
