// DNS section: the (name, type) pairs the cluster DNS serves, and CNAME/SRV data changes.
import { describe, expect, it } from 'vitest';
import { diffYaml, namespace, pod, service, yaml } from './fixture.test-util.js';
import type { DnsDiff } from './types.js';

const Z = 'svc.cluster.local.';
const short = (d: DnsDiff) => [
  ...d.added.map((n) => `+${n.name} ${n.type}`),
  ...d.removed.map((n) => `-${n.name} ${n.type}`),
  ...d.changed.map((n) => `~${n.name} ${n.type} ${n.old.join(',')}>${n.new.join(',')}`),
];
const base = [namespace('a'), pod('a/p', { app: 'c' })];

const cases: { name: string; old: string; new: string; want: string[] }[] = [
  {
    name: 'no change',
    old: yaml(...base, service('a/s', { app: 'c' })),
    new: yaml(...base, service('a/s', { app: 'c' })),
    want: [],
  },
  {
    name: 'a ClusterIP Service added: A and SRV (unnamed port: no _port._proto name)',
    old: yaml(...base),
    new: yaml(...base, service('a/s', { app: 'c' })),
    want: [`+s.a.${Z} A`, `+s.a.${Z} SRV`],
  },
  {
    name: 'a Service renamed, with a named port',
    old: yaml(...base, service('a/old', { app: 'c' }, '[{ name: http, port: 80 }]')),
    new: yaml(...base, service('a/new', { app: 'c' }, '[{ name: http, port: 80 }]')),
    want: [
      `+_http._tcp.new.a.${Z} SRV`,
      `+new.a.${Z} A`,
      `+new.a.${Z} SRV`,
      `-_http._tcp.old.a.${Z} SRV`,
      `-old.a.${Z} A`,
      `-old.a.${Z} SRV`,
    ],
  },
  {
    name: 'a Service port number changed: SRV data changes',
    old: yaml(...base, service('a/s', { app: 'c' }, '[{ name: http, port: 80 }]')),
    new: yaml(...base, service('a/s', { app: 'c' }, '[{ name: http, port: 8080, targetPort: 80 }]')),
    want: [`~_http._tcp.s.a.${Z} SRV 80>8080`, `~s.a.${Z} SRV 80>8080`],
  },
  {
    name: 'an ExternalName target changed',
    old: yaml(...base, service('a/db', null, '[]', '  type: ExternalName\n  externalName: db1.example.com')),
    new: yaml(...base, service('a/db', null, '[]', '  type: ExternalName\n  externalName: db2.example.com')),
    want: [`~db.a.${Z} CNAME db1.example.com.>db2.example.com.`],
  },
  {
    name: 'a headless Service loses its only ready endpoint: its names vanish',
    old: yaml(
      namespace('a'),
      pod('a/p', { app: 'c' }, [80], { hostname: 'p0', subdomain: 'h' }),
      service('a/h', { app: 'c' }, '[{ name: web, port: 80 }]', '  clusterIP: None'),
    ),
    new: yaml(
      namespace('a'),
      pod('a/p', { app: 'c' }, [80], { hostname: 'p0', subdomain: 'h', ready: false }),
      service('a/h', { app: 'c' }, '[{ name: web, port: 80 }]', '  clusterIP: None'),
    ),
    want: [`-_web._tcp.h.a.${Z} SRV`, `-h.a.${Z} A`, `-h.a.${Z} SRV`, `-p0.h.a.${Z} A`],
  },
];

describe('diffDns', () => {
  it.each(cases)('$name', async (c) => {
    expect(short((await diffYaml(c.old, c.new)).dns)).toEqual(c.want);
  });
});
