import { describe, expect, it } from 'vitest';
import { answerScope, changedNamespaces } from './answer-scope.js';
import type { DnsObjectChange } from './dns-index-update.js';
import { clusterIPService, clusterOf, externalName, http, ns, pod, slice } from './fixture.test-util.js';
import { matchZone } from './names.js';
import { buildDnsIndex } from './records.js';

describe('answerScope', () => {
  const index = buildDnsIndex(
    clusterOf([
      ns('a'),
      clusterIPService('a', 'web', ['10.96.0.1'], [http]),
      externalName('a', 'alias', 'web.b.svc.cluster.local'),
    ]),
    { zone: 'cluster.local', pods: 'verified' },
  );
  const scope = (name: string) => answerScope(index, matchZone(name, index.zones));

  it.each([
    { name: 'web.a.svc.cluster.local.', want: 'a' },
    { name: 'Web.A.svc.Cluster.Local.', want: 'a' },
    { name: 'nope.a.svc.cluster.local.', want: 'a' },
    { name: 'web.gone.svc.cluster.local.', want: 'gone' },
    { name: 'h1.web.a.svc.cluster.local.', want: 'a' },
    { name: '_http._tcp.web.a.svc.cluster.local.', want: 'a' },
    { name: 'a.svc.cluster.local.', want: 'a' },
    { name: 'a.pod.cluster.local.', want: 'a' },
    { name: '10-244-0-1.a.pod.cluster.local.', want: 'a' },
    { name: 'alias.a.svc.cluster.local.', want: undefined }, // ExternalName
    { name: 'x.alias.a.svc.cluster.local.', want: undefined },
    { name: 'cluster.local.', want: undefined },
    { name: 'svc.cluster.local.', want: undefined },
    { name: 'pod.cluster.local.', want: undefined },
    { name: 'ns.dns.cluster.local.', want: undefined },
    { name: 'dns-version.cluster.local.', want: undefined },
    { name: 'a.b.c.web.a.svc.cluster.local.', want: undefined }, // too long
    { name: 'web.a.svc.in-addr.arpa.', want: undefined },
    { name: '1.0.96.10.in-addr.arpa.', want: undefined },
    { name: 'www.example.com.', want: undefined },
  ])('$name -> $want', ({ name, want }) => expect(scope(name)).toBe(want));
});

describe('changedNamespaces', () => {
  const web = (namespace: string) => clusterIPService(namespace, 'web', ['10.96.0.1'], [http]);
  it.each<{ name: string; change: DnsObjectChange; want: string[] }>([
    { name: 'a created Service', change: { kind: 'Service', object: web('a') }, want: ['a'] },
    { name: 'a deleted Service', change: { kind: 'Service', old: web('a') }, want: ['a'] },
    { name: 'an update', change: { kind: 'Service', old: web('a'), object: web('a') }, want: ['a'] },
    {
      name: 'old and new apart',
      change: { kind: 'Service', old: web('a'), object: web('b') },
      want: ['a', 'b'],
    },
    { name: 'a Namespace: its name', change: { kind: 'Namespace', object: ns('Shop') }, want: ['shop'] },
    {
      name: 'an EndpointSlice',
      change: { kind: 'EndpointSlice', old: slice('b', 'web', 'w', [], []) },
      want: ['b'],
    },
    { name: 'a Pod', change: { kind: 'Pod', object: pod('c', 'p', '10.244.0.1') }, want: ['c'] },
  ])('$name', ({ change, want }) => expect(changedNamespaces(change)).toEqual(want));
});
