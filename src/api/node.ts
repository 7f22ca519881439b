// Facts about nodes that several layers need.
import type { Node } from './types.js';

/** The Ready condition is True: what `kubectl get nodes` shows as Ready. */
export function isNodeReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}
