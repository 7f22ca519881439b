import { describe, expect, it } from 'vitest';
import type { Workload } from '../types.js';
import { formatFieldError, validateObject } from './index.js';

type Spec = NonNullable<Workload['spec']>;
function workload(kind: Workload['kind'], tweak: (spec: Spec) => void = () => {}): Workload {
  const spec: Spec = {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web', tier: 'front' } },
      spec: { containers: [{ name: 'web', image: 'nginx' }] },
    },
  };
  tweak(spec);
  return { apiVersion: 'apps/v1', kind, metadata: { name: 'web', namespace: 'default' }, spec };
}
const messages = (o: Workload): string[] => validateObject(o).map(formatFieldError);

describe('workloads', () => {
  const cases: { name: string; obj: Workload; want: string[] }[] = [
    { name: 'valid Deployment', obj: workload('Deployment'), want: [] },
    { name: 'valid StatefulSet', obj: workload('StatefulSet'), want: [] },
    {
      name: 'selector required',
      obj: workload('Deployment', (s) => void delete s.selector),
      want: ['spec.selector: Required value'],
    },
    {
      name: 'empty selector',
      obj: workload('DaemonSet', (s) => void (s.selector = {})),
      want: ['spec.selector: Invalid value: {}: empty selector is invalid for daemonset'],
    },
    {
      name: 'selector does not match template labels',
      obj: workload('ReplicaSet', (s) => void (s.selector = { matchLabels: { app: 'api' } })),
      want: [
        'spec.template.metadata.labels: Invalid value: {"app":"web","tier":"front"}: `selector` does not match template `labels`',
      ],
    },
    {
      name: 'matchExpressions are honoured',
      obj: workload(
        'Deployment',
        (s) => void (s.selector = { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] }),
      ),
      want: [],
    },
    {
      name: 'negative replicas',
      obj: workload('Deployment', (s) => void (s.replicas = -1)),
      want: ['spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    },
    {
      name: 'template without containers',
      obj: workload('StatefulSet', (s) => void (s.template = { metadata: { labels: { app: 'web' } } })),
      want: ['spec.template.spec.containers: Required value'],
    },
    {
      name: 'template restartPolicy must be Always',
      obj: workload('Deployment', (s) => void (s.template!.spec!.restartPolicy = 'Never')),
      want: ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
    },
    {
      name: 'Job needs OnFailure or Never (default Always is rejected)',
      obj: workload('Job', (s) => void delete s.selector),
      want: [
        'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
      ],
    },
    {
      name: 'Job with Never',
      obj: workload('Job', (s) => {
        delete s.selector;
        s.template!.spec!.restartPolicy = 'Never';
      }),
      want: [],
    },
  ];
  it.each(cases)('$name', ({ obj, want }) => expect(messages(obj)).toEqual(want));
});
