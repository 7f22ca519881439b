import { describe, expect, it } from 'vitest';
import type { Pod, Service } from '../api/types.js';
import { pod } from '../../test/support/builders.js';
import {
  ForwardError,
  parsePortArgs,
  parseResource,
  pickPod,
  podPorts,
  podsOfService,
  servicePorts,
} from './target.js';

const web = (name: string, tweak: (p: Pod) => void = () => undefined): Pod => {
  const p = pod(`default/${name}`, '10.244.0.5', { app: 'web' }, [{ containerPort: 8080, name: 'http' }]);
  p.spec!.nodeName = 'node-1';
  p.metadata.creationTimestamp = '2026-01-01T00:00:00Z';
  tweak(p);
  return p;
};

const svc = (ports: NonNullable<Service['spec']>['ports']): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default' },
  spec: { selector: { app: 'web' }, ports },
});

describe('port arguments (kubectl port-forward [LOCAL:]REMOTE)', () => {
  it('takes LOCAL:REMOTE, REMOTE and :REMOTE (a free local port)', () => {
    expect(parsePortArgs(['8080:80', '9090', ':81'])).toEqual([
      { local: '8080', remote: '80', given: '8080:80' },
      { local: '9090', remote: '9090', given: '9090' },
      { local: '', remote: '81', given: ':81' },
    ]);
  });
  it.each([[[]], [['1:2:3']], [['70000:80']], [['8080:']], [['8080:70000']], [['x:80']]])(
    'rejects %j',
    (args) => {
      expect(() => parsePortArgs(args)).toThrow(ForwardError);
    },
  );
});

describe('resources', () => {
  it('reads pod/NAME, a bare name, svc/NAME and deploy/NAME', () => {
    expect(parseResource('web-1')).toEqual({ kind: 'Pod', name: 'web-1' });
    expect(parseResource('pods/web-1')).toEqual({ kind: 'Pod', name: 'web-1' });
    expect(parseResource('svc/web')).toEqual({ kind: 'Service', name: 'web' });
    expect(parseResource('deployment/web')).toEqual({ kind: 'Workload', name: 'web' });
    expect(() => parseResource('configmap/x')).toThrow(/cannot port-forward/);
  });
});

describe('choosing the pod (kubectl: the most active pod the selector matches)', () => {
  it('prefers a Ready Running pod over a Pending or unready one, then the older', () => {
    const pending = web('a-pending', (p) => (p.status = { phase: 'Pending' }));
    const unready = web('b-unready', (p) => (p.status!.conditions = [{ type: 'Ready', status: 'False' }]));
    const newer = web('c-newer', (p) => (p.metadata.creationTimestamp = '2026-02-01T00:00:00Z'));
    const older = web('d-older');
    const pods = [pending, unready, newer, older];
    expect(pickPod(pods, podsOfService(svc([{ port: 80 }])), 'service/web').metadata.name).toBe('d-older');
  });
  it('fails clearly when nothing matches', () => {
    expect(() => pickPod([], () => true, 'service/web')).toThrow('no pods found for service/web');
  });
});

describe('ports on the pod', () => {
  it('translates a Service port to its targetPort, by number or by name (kubectl translateServicePortToTargetPort)', () => {
    const s = svc([
      { name: 'web', port: 80, targetPort: 'http' },
      { name: 'admin', port: 81, targetPort: 9000 },
      { name: 'plain', port: 82 },
    ]);
    expect(servicePorts(s, web('w'), parsePortArgs(['80', '7000:admin', ':82']))).toEqual([
      { local: 80, remote: 8080, given: '80' },
      { local: 7000, remote: 9000, given: '7000:admin' },
      { local: 0, remote: 82, given: ':82' },
    ]);
  });
  it('rejects a port the Service does not have, and UDP ports', () => {
    const s = svc([{ port: 53, protocol: 'UDP' }]);
    expect(() => servicePorts(s, web('w'), parsePortArgs(['80']))).toThrow(
      'Service web does not have a service port 80',
    );
    expect(() => servicePorts(s, web('w'), parsePortArgs(['53']))).toThrow(/only TCP/);
  });
  it('resolves a pod port name to its containerPort', () => {
    expect(podPorts(web('w'), parsePortArgs(['9000:http']))).toEqual([
      { local: 9000, remote: 8080, given: '9000:http' },
    ]);
    expect(() => podPorts(web('w'), parsePortArgs(['9000:grpc']))).toThrow(/no container port named "grpc"/);
  });
});
