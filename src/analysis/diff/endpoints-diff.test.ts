// Endpoints section: per Service port, endpoints identified by pod and target port.
import { describe, expect, it } from 'vitest';
import { deployment, diffYaml, namespace, pod, service, yaml } from './fixture.test-util.js';
import type { EndpointsChange } from './types.js';

const pods = [namespace('a'), pod('a/v1', { app: 'c', v: '1' }), pod('a/v2', { app: 'c', v: '2' })];

/** A change in short form: `svc port status +pod -pod ~pod`. */
const short = (c: EndpointsChange) =>
  [
    `${c.service} ${c.protocol}/${c.port} ${c.status}`,
    ...c.added.map((e) => `+${e.pod ?? e.ip}:${e.port}`),
    ...c.removed.map((e) => `-${e.pod ?? e.ip}:${e.port}`),
    ...c.changed.map((x) => `~${x.new.pod}:${x.new.port} ready=${x.old.ready}->${x.new.ready}`),
  ].join(' ');

const cases: { name: string; old: string; new: string; want: string[] }[] = [
  {
    name: 'same objects: no change',
    old: yaml(...pods, service('a/s', { app: 'c' })),
    new: yaml(...pods, service('a/s', { app: 'c' })),
    want: [],
  },
  {
    name: 'selector narrowed to v2',
    old: yaml(...pods, service('a/s', { app: 'c' })),
    new: yaml(...pods, service('a/s', { app: 'c', v: '2' })),
    want: ['a/s TCP/80 changed -a/v1:80'],
  },
  {
    name: 'selector moved from v1 to v2',
    old: yaml(...pods, service('a/s', { v: '1' })),
    new: yaml(...pods, service('a/s', { v: '2' })),
    want: ['a/s TCP/80 changed +a/v2:80 -a/v1:80'],
  },
  {
    name: 'Service renamed: the old port removed, the new one added',
    old: yaml(...pods, service('a/s', { v: '1' })),
    new: yaml(...pods, service('a/t', { v: '1' })),
    want: ['a/s TCP/80 removed -a/v1:80', 'a/t TCP/80 added +a/v1:80'],
  },
  {
    name: 'targetPort changed: the endpoint moves to the new port',
    old: yaml(...pods, service('a/s', { v: '1' }, '[{ port: 80, targetPort: 80 }]')),
    new: yaml(...pods, service('a/s', { v: '1' }, '[{ port: 80, targetPort: 8080 }]')),
    want: ['a/s TCP/80 changed +a/v1:8080 -a/v1:80'],
  },
  {
    name: 'a pod turning not ready is a changed endpoint',
    old: yaml(namespace('a'), pod('a/p', { app: 'c' }), service('a/s', { app: 'c' })),
    new: yaml(namespace('a'), pod('a/p', { app: 'c' }, [80], { ready: false }), service('a/s', { app: 'c' })),
    want: ['a/s TCP/80 changed ~a/p:80 ready=true->false'],
  },
  {
    name: 'a new pod elsewhere shifts addresses but changes no endpoint',
    old: yaml(namespace('a'), pod('a/p', { app: 'c' }), service('a/s', { app: 'c' })),
    new: yaml(
      namespace('a'),
      pod('a/first', { app: 'other' }),
      pod('a/p', { app: 'c' }),
      service('a/s', { app: 'c' }),
    ),
    want: [],
  },
  {
    name: 'Deployment template change renames pods, endpoints stay',
    old: yaml(namespace('a'), deployment('a/web', 2, { app: 'web' }), service('a/web', { app: 'web' })),
    new: yaml(
      namespace('a'),
      deployment('a/web', 2, { app: 'web', extra: 'x' }),
      service('a/web', { app: 'web' }),
    ),
    want: [],
  },
];

describe('diffEndpoints', () => {
  it.each(cases)('$name', async (c) => {
    const d = await diffYaml(c.old, c.new);
    expect(d.endpoints.map(short)).toEqual(c.want);
  });

  it('reports addresses and conditions of each endpoint', async () => {
    const d = await diffYaml(
      yaml(...pods, service('a/s', { v: '9' })),
      yaml(...pods, service('a/s', { v: '1' })),
    );
    expect(d.endpoints[0].added[0]).toMatchObject({
      pod: 'a/v1',
      port: 80,
      ready: true,
      serving: true,
      terminating: false,
    });
    expect(d.endpoints[0].added[0].ip).toMatch(/^10\.244\./);
  });
});
