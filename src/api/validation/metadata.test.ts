import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { formatFieldError, validateObject } from './index.js';

const messages = (o: KubeObject): string[] => validateObject(o).map(formatFieldError);
const obj = (kind: string, metadata: object, rest: object = {}): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata,
  ...rest,
});
const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const subdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('metadata and simple kinds', () => {
  const cases: { name: string; obj: KubeObject; want: string[] }[] = [
    { name: 'generateName instead of name', obj: obj('ConfigMap', { generateName: 'cfg-' }), want: [] },
    {
      name: 'name required',
      obj: obj('ConfigMap', {}),
      want: ['metadata.name: Required value: name or generateName is required'],
    },
    {
      name: 'Namespace is a DNS label',
      obj: obj('Namespace', { name: 'a.b' }),
      want: ['metadata.name: Invalid value: "a.b": must not contain dots'],
    },
    { name: 'Node is a DNS subdomain', obj: obj('Node', { name: 'node-1.example' }), want: [] },
    {
      name: 'unknown kind: subdomain name only',
      obj: obj('Widget', { name: 'Widget_1' }),
      want: [`metadata.name: Invalid value: "Widget_1": ${subdomainMsg}`],
    },
    {
      name: 'namespace format',
      obj: obj('ConfigMap', { name: 'c', namespace: 'Prod' }),
      want: [`metadata.namespace: Invalid value: "Prod": ${labelMsg}`],
    },
    {
      name: 'label key and value (reported at the map path, as upstream)',
      obj: obj('ConfigMap', {
        name: 'c',
        labels: { 'app.kubernetes.io/name': 'ok', 'bad key': 'x', k: 'v'.repeat(64) },
      }),
      want: [
        "metadata.labels: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        `metadata.labels: Invalid value: "${'v'.repeat(64)}": must be no more than 63 bytes`,
      ],
    },
    {
      name: 'annotation key prefix',
      obj: obj('ConfigMap', { name: 'c', annotations: { 'Example.com_/x': 'y' } }),
      want: [`metadata.annotations: Invalid value: "Example.com_/x": prefix part ${subdomainMsg}`],
    },
    {
      name: 'ConfigMap keys',
      obj: obj('ConfigMap', { name: 'c' }, { data: { 'ok.key': '1', 'bad/key': '2' } }),
      want: [
        "data[bad/key]: Invalid value: \"bad/key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      ],
    },
    {
      name: 'TLS Secret keys',
      obj: obj('Secret', { name: 's' }, { type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } }),
      want: ['data[tls.key]: Required value'],
    },
    {
      name: 'Node podCIDRs',
      obj: obj('Node', { name: 'n' }, { spec: { podCIDRs: ['10.244.1.0/24', '10.244.2.1/24'] } }),
      want: [
        'spec.podCIDRs[1]: Invalid value: "10.244.2.1/24": must not have bits set beyond the prefix length',
        'spec.podCIDRs: Invalid value: ["10.244.1.0/24","10.244.2.1/24"]: may specify no more than one CIDR for each IP family',
      ],
    },
  ];
  it.each(cases)('$name', ({ obj, want }) => expect(messages(obj)).toEqual(want));
});

describe('Gateway API (light)', () => {
  const gw = (kind: string, spec: object, namespace?: string): KubeObject => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind,
    metadata: { name: 'g', namespace },
    spec,
  });
  const cases: { name: string; obj: KubeObject; want: string[] }[] = [
    {
      name: 'GatewayClass controllerName',
      obj: gw('GatewayClass', {}),
      want: ['spec.controllerName: Required value'],
    },
    {
      name: 'listeners need name/port/protocol, names unique',
      obj: gw(
        'Gateway',
        {
          gatewayClassName: 'c',
          listeners: [
            { name: 'http', port: 80, protocol: 'HTTP' },
            { name: 'http', port: 0 },
          ],
        },
        'ns',
      ),
      want: [
        'spec.listeners[1].name: Duplicate value: "http"',
        'spec.listeners[1].port: Invalid value: 0: must be between 1 and 65535, inclusive',
        'spec.listeners[1].protocol: Required value',
      ],
    },
    {
      name: 'HTTPRoute path matches',
      obj: gw(
        'HTTPRoute',
        {
          rules: [
            {
              matches: [
                { path: { type: 'Exact', value: 'foo' } },
                { path: { type: 'Glob', value: '/x' } },
                { path: { type: 'RegularExpression', value: '.*' } },
              ],
            },
          ],
        },
        'ns',
      ),
      want: [
        "spec.rules[0].matches[0].path.value: Invalid value: \"foo\": value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']",
        'spec.rules[0].matches[1].path.type: Unsupported value: "Glob": supported values: "Exact", "PathPrefix", "RegularExpression"',
      ],
    },
  ];
  it.each(cases)('$name', ({ obj, want }) => expect(messages(obj)).toEqual(want));
});
