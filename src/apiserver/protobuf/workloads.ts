// Message tables of Deployment (k8s.io/api apps/v1/generated.proto) and Job (batch/v1/
// generated.proto), as `kubectl create deployment|job` send them; the pod template is core.ts's.
// Status (3) is not decoded: upstream's PrepareForCreate resets it. `pointer` marks the Go pointer
// fields of apps/v1 and batch/v1 types.go.
import { PodTemplateSpec } from './core.js';
import { IntOrString, LabelSelector, ObjectMeta } from './meta.js';
import { field, pointer, type Message } from './wire.js';

const RollingUpdateDeployment: Message = {
  fields: { 1: pointer('maxUnavailable', IntOrString), 2: pointer('maxSurge', IntOrString) },
};

const DeploymentSpec: Message = {
  fields: {
    1: pointer('replicas', 'int32'),
    2: pointer('selector', LabelSelector),
    3: field('template', PodTemplateSpec),
    4: field('strategy', {
      fields: { 1: field('type', 'string'), 2: pointer('rollingUpdate', RollingUpdateDeployment) },
    }),
    5: field('minReadySeconds', 'int32'),
    6: pointer('revisionHistoryLimit', 'int32'),
    7: field('paused', 'bool'),
    9: pointer('progressDeadlineSeconds', 'int32'),
  },
};

export const Deployment: Message = {
  fields: { 1: field('metadata', ObjectMeta), 2: field('spec', DeploymentSpec) },
};

/** JobSpec without podFailurePolicy (11), successPolicy (16), scheduling (17): not sent by kubectl. */
const JobSpec: Message = {
  fields: {
    1: pointer('parallelism', 'int32'),
    2: pointer('completions', 'int32'),
    3: pointer('activeDeadlineSeconds', 'int64'),
    7: pointer('backoffLimit', 'int32'),
    12: pointer('backoffLimitPerIndex', 'int32'),
    13: pointer('maxFailedIndexes', 'int32'),
    4: pointer('selector', LabelSelector),
    5: pointer('manualSelector', 'bool'),
    6: field('template', PodTemplateSpec),
    8: pointer('ttlSecondsAfterFinished', 'int32'),
    9: pointer('completionMode', 'string'),
    10: pointer('suspend', 'bool'),
    14: pointer('podReplacementPolicy', 'string'),
    15: pointer('managedBy', 'string'),
  },
};

export const Job: Message = {
  fields: { 1: field('metadata', ObjectMeta), 2: field('spec', JobSpec) },
};
