// Label selector matching (meta/v1 LabelSelector), for Gateway allowedRoutes.namespaces.
import type { Labels, LabelSelector } from '../api/types.js';

/**
 * True when `labels` satisfy every matchLabels pair and every matchExpressions requirement.
 * An empty selector matches everything; an unknown operator matches nothing (as the
 * apimachinery conversion rejects it).
 */
export function selectorMatches(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!has || !values.includes(labels[req.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[req.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
