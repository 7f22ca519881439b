import { describe, expect, it } from 'vitest';
import {
  type FieldError,
  Path,
  formatFieldError,
  invalid,
  notSupported,
  required,
  tooLong,
  tooMany,
} from './field.js';

describe('Path', () => {
  const cases = [
    {
      name: 'child chain',
      path: Path.of('spec').child('ingress').index(0).child('from').index(1).child('ipBlock', 'cidr'),
      want: 'spec.ingress[0].from[1].ipBlock.cidr',
    },
    {
      name: 'map key, unquoted',
      path: Path.of('metadata', 'labels').key('app.kubernetes.io/name'),
      want: 'metadata.labels[app.kubernetes.io/name]',
    },
    {
      name: 'child with dots stays one segment',
      path: Path.of('annotations').child('kubernetes.io/ingress.class'),
      want: 'annotations.kubernetes.io/ingress.class',
    },
  ];
  it.each(cases)('$name', ({ path, want }) => expect(path.toString()).toBe(want));
});

describe('formatFieldError', () => {
  const p = Path.of('spec', 'type');
  const cases: { name: string; err: FieldError; want: string }[] = [
    {
      name: 'numbers are bare',
      err: invalid(
        Path.of('spec', 'ingress').index(0).child('ports').index(0).child('port'),
        70000,
        'must be between 1 and 65535, inclusive',
      ),
      want: 'spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    },
    {
      name: 'required shows no value',
      err: required(Path.of('metadata', 'name'), 'name or generateName is required'),
      want: 'metadata.name: Required value: name or generateName is required',
    },
    {
      name: 'required without detail',
      err: required(Path.of('spec', 'ports')),
      want: 'spec.ports: Required value',
    },
    {
      name: 'unsupported quotes value and choices',
      err: notSupported(p, 'Foo', ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']),
      want: 'spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    },
    {
      name: 'strings quoted like %q',
      err: invalid(p, 'a"b\\c\n', 'x'),
      want: 'spec.type: Invalid value: "a\\"b\\\\c\\n": x',
    },
    {
      name: 'objects as JSON in key order',
      err: invalid(p, { app: 'a<b' }, 'x'),
      want: 'spec.type: Invalid value: {"app":"a\\u003cb"}: x',
    },
    {
      name: 'absent value is null',
      err: invalid(p, undefined, 'x'),
      want: 'spec.type: Invalid value: null: x',
    },
    {
      name: 'too long hides value',
      err: tooLong(p, 250),
      want: 'spec.type: Too long: may not be more than 250 bytes',
    },
    {
      name: 'too many shows count',
      err: tooMany(Path.of('endpoints'), 1001, 1000),
      want: 'endpoints: Too many: 1001: must have at most 1000 items',
    },
  ];
  it.each(cases)('$name', ({ err, want }) => expect(formatFieldError(err)).toBe(want));
});
