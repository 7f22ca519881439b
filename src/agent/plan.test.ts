import { describe, expect, it } from 'vitest';
import type { Pod } from '../api/types.js';
import { hostsFile, planSandboxes, podNetnsName, resolvConf } from './plan.js';

const pod = (name: string, node: string, uid = `u-${name}`, extra: Partial<Pod['spec']> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'x', uid },
  spec: { nodeName: node, containers: [{ name: 'c' }], ...extra },
});

describe('planSandboxes', () => {
  it('creates sandboxes for this node pods only, skips host-network pods', () => {
    const actions = planSandboxes(
      'demo',
      'node-1',
      [pod('a', 'node-1'), pod('b', 'node-2'), pod('h', 'node-1', 'u-h', { hostNetwork: true })],
      [],
    );
    expect(actions.map((a) => (a.type === 'create' ? `create ${a.pod.metadata.name}` : a.type))).toEqual([
      'create a',
    ]);
  });
  it('destroys sandboxes whose pod is gone or was recreated with a new uid, before creating', () => {
    const sandboxes = [
      { pod: 'x/a', uid: 'old', netns: 'pn-demo-pod-1', ip: '10.244.0.2' },
      { pod: 'x/gone', uid: 'u-gone', netns: 'pn-demo-pod-2', ip: '10.244.0.3' },
      { pod: 'x/keep', uid: 'u-keep', netns: 'pn-demo-pod-3', ip: '10.244.0.4' },
    ];
    const actions = planSandboxes(
      'demo',
      'node-1',
      [pod('a', 'node-1', 'new'), pod('keep', 'node-1')],
      sandboxes,
    );
    expect(
      actions.map((a) =>
        a.type === 'create' ? `create ${a.pod.metadata.name}` : `destroy ${a.sandbox.pod}`,
      ),
    ).toEqual(['destroy x/gone', 'destroy x/a', 'create a']);
  });
  it('names netns with the owned prefix and a stable hash of the pod identity', () => {
    const p = pod('a', 'node-1');
    expect(podNetnsName('demo', p)).toMatch(/^pn-demo-pod-[0-9a-f]{8}$/);
    expect(podNetnsName('demo', p)).toBe(podNetnsName('demo', p));
    expect(podNetnsName('demo', pod('a', 'node-1', 'other'))).not.toBe(podNetnsName('demo', p));
  });
});

it('writes resolv.conf with the namespace search path and ndots:5', () => {
  expect(resolvConf('shop', 'cluster.local', '10.96.0.10')).toBe(
    'nameserver 10.96.0.10\nsearch shop.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n',
  );
});

it('writes /etc/hosts with the pod FQDN when it has a subdomain', () => {
  const p = pod('db-0', 'node-1', 'u', { hostname: 'db-0', subdomain: 'db' });
  expect(hostsFile(p, '10.244.0.7', 'cluster.local')).toContain(
    '10.244.0.7\tdb-0.db.x.svc.cluster.local\tdb-0\n',
  );
});
