// Workloads: kubernetes/kubernetes pkg/apis/apps/validation/validation.go (ValidateDeploymentSpec,
// ValidateReplicaSetSpec, ValidateStatefulSetSpec, ValidateDaemonSetSpec,
// ValidatePodTemplateSpecForReplicaSet) and pkg/apis/batch/validation/validation.go (ValidateJobSpec).
// apps/v1 requires a selector that matches the template's labels; Jobs generate theirs.

import type { Workload } from '../types.js';
import { type FieldError, Path, invalid, notSupported, required, sortedMap } from './field.js';
import { validateObjectMeta } from './metadata.js';
import { nameIsDNSSubdomain } from './names.js';
import { validatePodTemplateSpec, restartPolicyOf } from './pod.js';
import { type Obj, has, obj, strMap } from './read.js';
import { isEmptySelector, selectorMatches, selectorValue, validateLabelSelector } from './selector.js';

const emptySelectorWord: Record<string, string> = {
  Deployment: 'deployment',
  ReplicaSet: 'deployment', // sic: upstream reuses the Deployment message
  StatefulSet: 'statefulset',
  DaemonSet: 'daemonset',
};

export function validateWorkload(w: Workload): FieldError[] {
  const kind = String(w.kind);
  // Every apps/batch name function is NameIsDNSSubdomain (StatefulSet's included).
  const errs = validateObjectMeta(
    w.metadata,
    { nameFn: nameIsDNSSubdomain, namespaced: true },
    Path.of('metadata'),
  );
  const spec = obj(w.spec) ?? {};
  const p = Path.of('spec');
  for (const f of kind === 'Job'
    ? ['parallelism', 'completions']
    : kind === 'DaemonSet'
      ? []
      : ['replicas']) {
    if (typeof spec[f] === 'number' && (spec[f] as number) < 0) {
      errs.push(invalid(p.child(f), spec[f], 'must be greater than or equal to 0'));
    }
  }
  const template = obj(spec.template) ?? {};
  const tp = p.child('template');
  if (kind === 'Job') {
    if (has(spec, 'selector')) errs.push(...selectorErrors(spec, template, p, tp, undefined));
    errs.push(...validatePodTemplateSpec(template, tp));
    const rp = restartPolicyOf(obj(template.spec) ?? {});
    if (rp !== 'OnFailure' && rp !== 'Never') {
      errs.push(notSupported(tp.child('spec', 'restartPolicy'), rp, ['OnFailure', 'Never']));
    }
    return errs;
  }
  errs.push(...selectorErrors(spec, template, p, tp, emptySelectorWord[kind] ?? 'deployment'));
  errs.push(...validatePodTemplateSpec(template, tp));
  const rp = restartPolicyOf(obj(template.spec) ?? {});
  if (rp !== 'Always') errs.push(notSupported(tp.child('spec', 'restartPolicy'), rp, ['Always']));
  return errs;
}

/** Selector required (apps/v1), non-empty, valid, and matching `template.metadata.labels`. */
function selectorErrors(spec: Obj, template: Obj, p: Path, tp: Path, word: string | undefined): FieldError[] {
  const sp = p.child('selector');
  if (!has(spec, 'selector')) return [required(sp)];
  const errs = validateLabelSelector(spec.selector, sp);
  if (word && isEmptySelector(spec.selector)) {
    errs.push(invalid(sp, selectorValue(spec.selector), `empty selector is invalid for ${word}`));
  }
  if (errs.length > 0) {
    // LabelSelectorAsSelector fails on the same inputs; upstream then skips the template match.
    if (!isEmptySelector(spec.selector))
      errs.push(invalid(sp, selectorValue(spec.selector), 'invalid label selector'));
    return errs;
  }
  const labels = strMap(obj(template.metadata)?.labels);
  if (!isEmptySelector(spec.selector) && !selectorMatches(spec.selector, labels)) {
    errs.push(
      invalid(
        tp.child('metadata', 'labels'),
        sortedMap(labels),
        '`selector` does not match template `labels`',
      ),
    );
  }
  return errs;
}
