import { describe, expect, it } from 'vitest';
import { loadManifests } from './manifests.js';
import { splitFieldPath } from './parse.js';

const load = (text: string, file = 'in.yaml') => loadManifests([{ file, text }]);

describe('loadManifests', () => {
  it('reads multi-document YAML and defaults the namespace like kubectl', () => {
    const m = load(
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c}]}\n',
    );
    expect(m.errors).toEqual([]);
    expect(m.objects.map((o) => [o.object.kind, o.object.metadata?.namespace, o.line])).toEqual([
      ['Namespace', undefined, 1],
      ['Pod', 'default', 5],
    ]);
  });

  it('expands kind: List and reads JSON', () => {
    const m = load(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } },
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'b' } },
        ],
      }),
      'in.json',
    );
    expect(m.objects.map((o) => o.object.metadata?.name)).toEqual(['a', 'b']);
  });

  it('warns about unknown kinds and ignores them', () => {
    const m = load('apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n');
    expect(m.objects).toEqual([]);
    expect(m.warnings).toEqual([
      'in.yaml:1: ignoring Widget (example.com/v1): podnet does not model this kind',
    ]);
  });

  it('reports every invalid field with file, line, object and field path', () => {
    const m = load(
      [
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata: {name: web, namespace: production}',
        'spec:',
        '  podSelector: {}',
        '  ingress:',
        '  - ports:',
        '    - port: 70000',
        '    - protocol: ICMP',
      ].join('\n'),
      'policies.yaml',
    );
    expect(m.errors).toEqual([
      'policies.yaml:8: NetworkPolicy production/web: spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'policies.yaml:9: NetworkPolicy production/web: spec.ingress[0].ports[1].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
    ]);
    expect(m.objects).toEqual([]);
  });

  it('reports YAML syntax errors with their line and keeps going', () => {
    const m = loadManifests([
      { file: 'a.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n' },
      { file: 'b.yaml', text: 'kind: [\n' },
    ]);
    expect(m.errors).toHaveLength(1);
    expect(m.errors[0]).toMatch(/^b\.yaml:\d+: YAML syntax error/);
    expect(m.objects).toHaveLength(1);
  });

  it('requires apiVersion and kind', () => {
    expect(load('metadata: {name: x}\n').errors).toEqual([
      'in.yaml:1: kind: Required value: every object needs apiVersion and kind',
    ]);
    expect(load('kind: Pod\nmetadata: {name: x}\n').errors).toEqual([
      'in.yaml:1: Pod: apiVersion: Required value',
    ]);
  });

  it('lets a later object replace an earlier one and records the duplicate', () => {
    const m = loadManifests([
      { file: 'a.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: x, labels: {v: "1"}}\n' },
      { file: 'b.yaml', text: '\napiVersion: v1\nkind: Namespace\nmetadata: {name: x, labels: {v: "2"}}\n' },
    ]);
    expect(m.objects).toHaveLength(1);
    expect(m.objects[0].object.metadata?.labels).toEqual({ v: '2' });
    expect(m.duplicates).toEqual([{ key: 'Namespace//x', first: 'a.yaml:1', second: 'b.yaml:2' }]);
  });
});

describe('splitFieldPath', () => {
  it.each([
    {
      path: 'spec.ingress[0].from[1].ipBlock.cidr',
      want: ['spec', 'ingress', 0, 'from', 1, 'ipBlock', 'cidr'],
    },
    {
      path: 'metadata.labels[app.kubernetes.io/name]',
      want: ['metadata', 'labels', 'app.kubernetes.io/name'],
    },
  ])('$path', ({ path, want }) => expect(splitFieldPath(path)).toEqual(want));
});
