import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import { admitCreate } from './admission.js';
import { findResource } from './resources.js';

const job = (spec: object): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'hello', namespace: 'default' },
  spec: {
    template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
    ...spec,
  },
});
const opts = { resource: findResource('batch', 'v1', 'jobs')!, randomSuffix: () => 'abcde' };

describe('Job admission (batch job strategy generateSelector)', () => {
  it('selects the pods by the Job uid and labels the template with it and the job name', () => {
    const out = admitCreate(job({}), opts) as KubeObject & {
      spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: object } } };
    };
    const uid = out.metadata!.uid!;
    expect(uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    expect(out.spec.template.metadata.labels).toEqual({
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': 'hello',
      'controller-uid': uid,
      'job-name': 'hello',
    });
  });

  it('leaves a manual selector alone', () => {
    const selector = { matchLabels: { app: 'x' } };
    const out = admitCreate(
      job({
        manualSelector: true,
        selector,
        template: {
          metadata: { labels: { app: 'x' } },
          spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] },
        },
      }),
      opts,
    );
    expect((out.spec as { selector: unknown }).selector).toEqual(selector);
  });
});
