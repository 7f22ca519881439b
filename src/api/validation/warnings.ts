// Warnings: what a default API server accepts but answers with a warning header.
import type { KubeObject, NetworkPolicy } from '../types.js';
import type { FieldError } from './field.js';
import { networkPolicyWarnings } from './network-policy.js';

export function warningsForObject(o: KubeObject): FieldError[] {
  return o.kind === 'NetworkPolicy' ? networkPolicyWarnings(o as NetworkPolicy) : [];
}
