import { describe, expect, it } from 'vitest';
import type { Ingress, IngressClass } from '../types.js';
import { formatFieldError, validateObject } from './index.js';

type Spec = NonNullable<Ingress['spec']>;
function ingress(tweak: (spec: Spec) => void = () => {}): Ingress {
  const spec: Spec = {
    ingressClassName: 'holdout',
    rules: [
      {
        host: 'foo.example.com',
        http: {
          paths: [
            { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
          ],
        },
      },
    ],
  };
  tweak(spec);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'ing', namespace: 'default' },
    spec,
  };
}
const messages = (o: Ingress | IngressClass): string[] => validateObject(o).map(formatFieldError);
const path = (p: object) => (s: Spec) => void (s.rules = [{ http: { paths: [p as never] } }]);
const web = { service: { name: 'web', port: { number: 80 } } };
const subdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('Ingress', () => {
  const cases: { name: string; obj: Ingress; want: string[] }[] = [
    { name: 'valid', obj: ingress(), want: [] },
    { name: 'wildcard host', obj: ingress((s) => void (s.rules![0].host = '*.foo.com')), want: [] },
    {
      name: 'wildcard not leading',
      obj: ingress((s) => void (s.rules![0].host = 'foo.*.com')),
      want: [
        "spec.rules[0].host: Invalid value: \"foo.*.com\": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ],
    },
    {
      name: 'IP host',
      obj: ingress((s) => void (s.rules![0].host = '10.0.0.1')),
      want: ['spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address'],
    },
    {
      name: 'no rules and no default backend',
      obj: ingress((s) => void delete s.rules),
      want: ['spec: Invalid value: null: either `defaultBackend` or `rules` must be specified'],
    },
    {
      name: 'pathType required',
      obj: ingress(path({ path: '/', backend: web })),
      want: ['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified'],
    },
    {
      name: 'pathType unsupported',
      obj: ingress(path({ path: '/', pathType: 'Regex', backend: web })),
      want: [
        'spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"',
      ],
    },
    {
      name: 'Exact path must be absolute and clean',
      obj: ingress(path({ path: 'a//b/.', pathType: 'Exact', backend: web })),
      want: [
        'spec.rules[0].http.paths[0].path: Invalid value: "a//b/.": must be an absolute path',
        'spec.rules[0].http.paths[0].path: Invalid value: "a//b/.": must not contain \'//\'',
        'spec.rules[0].http.paths[0].path: Invalid value: "a//b/.": cannot end with \'/.\'',
      ],
    },
    {
      name: 'ImplementationSpecific may omit path',
      obj: ingress(path({ pathType: 'ImplementationSpecific', backend: web })),
      want: [],
    },
    {
      name: 'backend required',
      obj: ingress(path({ path: '/', pathType: 'Prefix', backend: {} })),
      want: [
        'spec.rules[0].http.paths[0].backend: Invalid value: "": resource or service backend is required',
      ],
    },
    {
      name: 'both backends',
      obj: ingress(
        path({ path: '/', pathType: 'Prefix', backend: { ...web, resource: { kind: 'Bucket', name: 'b' } } }),
      ),
      want: [
        'spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both resource and service backends',
      ],
    },
    {
      name: 'service port: number xor name',
      obj: ingress((s) => {
        s.defaultBackend = { service: { name: 'web', port: { number: 80, name: 'http' } } };
        s.rules = [
          { http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web' } } }] } },
        ];
      }),
      want: [
        'spec.defaultBackend: Invalid value: "": cannot set both port name & port number',
        'spec.rules[0].http.paths[0].backend: Required value: port name or number is required',
      ],
    },
    {
      name: 'tls hosts',
      obj: ingress(
        (s) => void (s.tls = [{ hosts: ['ok.example.com', 'Bad.example.com'], secretName: 'tls' }]),
      ),
      want: [`spec.tls[0].hosts[1]: Invalid value: "Bad.example.com": ${subdomainMsg}`],
    },
  ];
  it.each(cases)('$name', ({ obj, want }) => expect(messages(obj)).toEqual(want));
});

describe('IngressClass', () => {
  const cls = (controller?: string): IngressClass => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name: 'holdout' },
    spec: controller === undefined ? {} : { controller },
  });
  const cases = [
    { name: 'valid', obj: cls('holdout.example/ingress-controller'), want: [] },
    { name: 'controller required', obj: cls(), want: ['spec.controller: Required value'] },
    {
      name: 'controller must be domain-prefixed',
      obj: cls('nginx'),
      want: [
        'spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")',
      ],
    },
    {
      name: 'controller too long',
      obj: cls('a.io/' + 'x'.repeat(250)),
      want: ['spec.controller: Too long: may not be more than 250 bytes'],
    },
  ];
  it.each(cases)('$name', ({ obj, want }) => expect(messages(obj)).toEqual(want));
});
