import { describe, expect, it } from 'vitest';
import { jsonPatch, mergePatch, patchTypeOf, strategicMergePatch } from './patch.js';

const mergeCases = [
  {
    name: 'adds a label',
    target: { m: { a: '1' } },
    patch: { m: { b: '2' } },
    want: { m: { a: '1', b: '2' } },
  },
  {
    name: 'null deletes',
    target: { m: { a: '1', b: '2' } },
    patch: { m: { a: null } },
    want: { m: { b: '2' } },
  },
  { name: 'lists replace', target: { l: [1, 2] }, patch: { l: [3] }, want: { l: [3] } },
  { name: 'scalar replaces map', target: { a: { b: 1 } }, patch: { a: 5 }, want: { a: 5 } },
];
describe('mergePatch (RFC 7386)', () => {
  it.each(mergeCases)('$name', ({ target, patch, want }) => expect(mergePatch(target, patch)).toEqual(want));
});

const pod = {
  kind: 'Pod',
  spec: {
    containers: [
      { name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }, { containerPort: 81 }] },
      { name: 'sidecar', image: 'busybox' },
    ],
  },
  metadata: { finalizers: ['a'] },
};

const smpCases = [
  {
    name: 'merges containers by name',
    kind: 'Pod',
    target: pod,
    patch: { spec: { containers: [{ name: 'web', image: 'nginx:1.29' }] } },
    want: {
      ...pod,
      spec: { containers: [{ ...pod.spec.containers[0], image: 'nginx:1.29' }, pod.spec.containers[1]] },
    },
  },
  {
    name: '$patch delete removes a list item, $setElementOrder orders',
    kind: 'Pod',
    target: pod,
    patch: {
      spec: {
        '$setElementOrder/containers': [{ name: 'web' }],
        containers: [
          { name: 'web', image: 'nginx:1.28' },
          { $patch: 'delete', name: 'sidecar' },
        ],
      },
    },
    want: { ...pod, spec: { containers: [{ ...pod.spec.containers[0], image: 'nginx:1.28' }] } },
  },
  {
    name: 'container ports merge by containerPort',
    kind: 'Pod',
    target: pod,
    patch: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 81, name: 'alt' }] }] } },
    want: {
      ...pod,
      spec: {
        containers: [
          { ...pod.spec.containers[0], ports: [{ containerPort: 80 }, { containerPort: 81, name: 'alt' }] },
          pod.spec.containers[1],
        ],
      },
    },
  },
  {
    name: 'service ports merge by port',
    kind: 'Service',
    target: { spec: { ports: [{ port: 80, targetPort: 8080 }] } },
    patch: { spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] } },
    want: { spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] } },
  },
  {
    name: 'lists without a merge key are replaced (NetworkPolicy ingress)',
    kind: 'NetworkPolicy',
    target: { spec: { ingress: [{ from: [] }, { ports: [] }] } },
    patch: { spec: { ingress: [{ ports: [{ port: 80 }] }] } },
    want: { spec: { ingress: [{ ports: [{ port: 80 }] }] } },
  },
  {
    name: '$patch replace on a map',
    kind: 'Service',
    target: { spec: { selector: { a: '1', b: '2' } } },
    patch: { spec: { selector: { $patch: 'replace', c: '3' } } },
    want: { spec: { selector: { c: '3' } } },
  },
  {
    name: '$retainKeys drops the others',
    kind: 'Deployment',
    target: { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } },
    patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    want: { spec: { strategy: { type: 'Recreate' } } },
  },
  {
    name: 'finalizers merge as a set; $deleteFromPrimitiveList removes',
    kind: 'Pod',
    target: { metadata: { finalizers: ['a', 'b'] } },
    patch: { metadata: { finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['a'] } },
    want: { metadata: { finalizers: ['b', 'c'] } },
  },
  {
    name: 'null deletes a field',
    kind: 'Pod',
    target: { metadata: { labels: { a: '1', b: '2' } } },
    patch: { metadata: { labels: { a: null } } },
    want: { metadata: { labels: { b: '2' } } },
  },
];
describe('strategicMergePatch', () => {
  it.each(smpCases)('$name', ({ kind, target, patch, want }) =>
    expect(strategicMergePatch(kind, target, patch)).toEqual(want),
  );
});

const jsonCases = [
  {
    name: 'replace',
    ops: [{ op: 'replace', path: '/spec/replicas', value: 5 }],
    want: { spec: { replicas: 5, l: [1, 2] } },
  },
  {
    name: 'add to list end',
    ops: [{ op: 'add', path: '/spec/l/-', value: 3 }],
    want: { spec: { replicas: 2, l: [1, 2, 3] } },
  },
  {
    name: 'remove list item',
    ops: [{ op: 'remove', path: '/spec/l/0' }],
    want: { spec: { replicas: 2, l: [2] } },
  },
  {
    name: 'passing test',
    ops: [{ op: 'test', path: '/spec/replicas', value: 2 }],
    want: { spec: { replicas: 2, l: [1, 2] } },
  },
  {
    name: 'move',
    ops: [{ op: 'move', from: '/spec/replicas', path: '/spec/r' }],
    want: { spec: { r: 2, l: [1, 2] } },
  },
  {
    name: 'escaped key',
    ops: [{ op: 'add', path: '/spec/a~1b', value: 1 }],
    want: { spec: { replicas: 2, l: [1, 2], 'a/b': 1 } },
  },
];
describe('jsonPatch (RFC 6902)', () => {
  const doc = { spec: { replicas: 2, l: [1, 2] } };
  it.each(jsonCases)('$name', ({ ops, want }) => expect(jsonPatch(doc, ops)).toEqual(want));

  const failing = [
    { name: 'failing test is 422', ops: [{ op: 'test', path: '/spec/replicas', value: 3 }], code: 422 },
    {
      name: 'replace of a missing key is 400',
      ops: [{ op: 'replace', path: '/spec/nope', value: 1 }],
      code: 400,
    },
    { name: 'missing parent is 400', ops: [{ op: 'add', path: '/a/b/c', value: 1 }], code: 400 },
  ];
  it.each(failing)('$name', ({ ops, code }) => {
    expect(() => jsonPatch(doc, ops)).toThrow(expect.objectContaining({ code }));
  });
});

describe('patchTypeOf', () => {
  it.each([
    ['application/merge-patch+json', 'merge'],
    ['application/strategic-merge-patch+json', 'strategic'],
    ['application/json-patch+json; charset=utf-8', 'json'],
    ['application/apply-patch+yaml', 'apply'],
    ['application/json', undefined],
  ])('%s', (ct, want) => expect(patchTypeOf(ct)).toBe(want));
});
