import { expect, it } from 'vitest';
import { defaultClusterConfig } from '../api/cluster.js';
import type { Service } from '../api/types.js';
import { ObjectStore } from '../store/store.js';
import { startControllerLoop } from './controller-loop.js';

it('reacts to writes: a Service created through the store gets its ClusterIP and a namespace label', async () => {
  const store = new ObjectStore();
  const errors: unknown[] = [];
  const loop = startControllerLoop(store, defaultClusterConfig, (e) => errors.push(e), 1);
  await loop.idle();
  store.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { ports: [{ port: 80 }] },
  });
  await new Promise((r) => setTimeout(r, 10));
  await loop.idle();
  loop.stop();
  expect((store.get('Service', 'default', 'web') as Service).spec?.clusterIP).toBe('10.96.1.1');
  expect(store.get('Namespace', undefined, 'default')?.metadata?.labels).toEqual({
    'kubernetes.io/metadata.name': 'default',
  });
  expect(errors).toEqual([]);
});
