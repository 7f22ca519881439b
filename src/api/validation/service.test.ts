import { describe, expect, it } from 'vitest';
import type { Service, ServiceSpec } from '../types.js';
import { formatFieldError, validateObject } from './index.js';

function service(tweak: (spec: ServiceSpec, svc: Service) => void = () => {}): Service {
  const svc: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  };
  tweak(svc.spec as ServiceSpec, svc);
  return svc;
}
const messages = (o: Service): string[] => validateObject(o).map(formatFieldError);

describe('Service', () => {
  const cases: { name: string; obj: Service; want: string[] }[] = [
    { name: 'valid, defaults applied', obj: service(), want: [] },
    {
      name: 'name is a DNS-1035 label',
      obj: service((_, svc) => void (svc.metadata.name = '1web')),
      want: [
        "metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      ],
    },
    {
      name: 'name missing',
      obj: service((_, svc) => void delete svc.metadata.name),
      want: ['metadata.name: Required value: name or generateName is required'],
    },
    {
      name: 'type unsupported',
      obj: service((s) => void (s.type = 'Foo')),
      want: [
        'spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
      ],
    },
    {
      name: 'ports required',
      obj: service((s) => void (s.ports = [])),
      want: ['spec.ports: Required value'],
    },
    {
      name: 'headless needs no ports',
      obj: service((s) => void ((s.ports = []), (s.clusterIP = 'None'))),
      want: [],
    },
    {
      name: 'port and targetPort ranges',
      obj: service((s) => void (s.ports = [{ port: 0, targetPort: 70000 }])),
      want: [
        'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
        'spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      ],
    },
    {
      name: 'names required and unique with several ports, DNS labels',
      obj: service(
        (s) =>
          void (s.ports = [
            { name: 'http', port: 80 },
            { port: 81 },
            { name: 'http', port: 82 },
            { name: 'Web', port: 83, protocol: 'UDP' },
          ]),
      ),
      want: [
        'spec.ports[1].name: Required value',
        'spec.ports[2].name: Duplicate value: "http"',
        "spec.ports[3].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      ],
    },
    {
      name: 'named targetPort must be IANA_SVC_NAME',
      obj: service((s) => void (s.ports = [{ port: 80, targetPort: 'http_alt' }])),
      want: [
        'spec.ports[0].targetPort: Invalid value: "http_alt": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      ],
    },
    {
      name: 'duplicate protocol/port',
      obj: service(
        (s) =>
          void (s.ports = [
            { name: 'a', port: 80 },
            { name: 'b', port: 80, protocol: 'TCP' },
          ]),
      ),
      want: [
        'spec.ports[1]: Duplicate value: {"Name":"","Protocol":"TCP","AppProtocol":null,"Port":80,"TargetPort":0,"NodePort":0}',
      ],
    },
    {
      name: 'nodePort on ClusterIP',
      obj: service((s) => void (s.ports = [{ port: 80, nodePort: 30080 }])),
      want: ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    },
    {
      name: 'nodePort on NodePort',
      obj: service((s) => void ((s.type = 'NodePort'), (s.ports = [{ port: 80, nodePort: 30080 }]))),
      want: [],
    },
    {
      name: 'headless NodePort',
      obj: service((s) => void ((s.type = 'NodePort'), (s.clusterIP = 'None'))),
      want: ['spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for NodePort services'],
    },
    {
      name: 'clusterIP must be a canonical IP',
      obj: service((s) => void (s.clusterIP = '10.96.0.010')),
      want: ['spec.clusterIPs[0]: Invalid value: "10.96.0.010": must not have leading 0s'],
    },
    {
      name: 'clusterIPs must start with clusterIP',
      obj: service((s) => void ((s.clusterIP = '10.96.0.10'), (s.clusterIPs = ['10.96.0.11']))),
      want: ['spec.clusterIPs: Invalid value: ["10.96.0.11"]: first value must match `clusterIP`'],
    },
    {
      name: 'two IPs of one family',
      obj: service((s) => void ((s.clusterIP = '10.96.0.10'), (s.clusterIPs = ['10.96.0.10', '10.96.0.11']))),
      want: [
        'spec.clusterIPs: Invalid value: ["10.96.0.10","10.96.0.11"]: may specify no more than one IP for each IP family',
      ],
    },
    {
      name: 'ExternalName requires a DNS name',
      obj: service((s) => void ((s.type = 'ExternalName'), (s.externalName = 'Not_A_Name'), (s.ports = []))),
      want: [
        "spec.externalName: Invalid value: \"Not_A_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ],
    },
    {
      name: 'ExternalName trailing dot',
      obj: service((s) => void ((s.type = 'ExternalName'), (s.externalName = 'db.example.com.'))),
      want: [],
    },
    {
      name: 'ExternalName missing',
      obj: service((s) => void (s.type = 'ExternalName')),
      want: ['spec.externalName: Required value'],
    },
    {
      name: 'sessionAffinity',
      obj: service((s) => void (s.sessionAffinity = 'Sticky')),
      want: ['spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"'],
    },
    {
      name: 'affinity timeout range',
      obj: service(
        (s) =>
          void (
            (s.sessionAffinity = 'ClientIP'),
            (s.sessionAffinityConfig = { clientIP: { timeoutSeconds: 86401 } })
          ),
      ),
      want: [
        'spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400',
      ],
    },
    {
      name: 'externalTrafficPolicy on ClusterIP',
      obj: service((s) => void (s.externalTrafficPolicy = 'Local')),
      want: [
        'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
      ],
    },
    {
      name: 'traffic policies unsupported',
      obj: service(
        (s) =>
          void (
            (s.type = 'LoadBalancer'),
            (s.externalTrafficPolicy = 'Nearest'),
            (s.internalTrafficPolicy = 'Node')
          ),
      ),
      want: [
        'spec.externalTrafficPolicy: Unsupported value: "Nearest": supported values: "Cluster", "Local"',
        'spec.internalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local"',
      ],
    },
    {
      name: 'externalIPs strict and not special',
      obj: service((s) => void (s.externalIPs = ['203.0.113.7', '127.0.0.1', 'x'])),
      want: [
        'spec.externalIPs[1]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
        'spec.externalIPs[2]: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      ],
    },
    {
      name: 'selector values are label values',
      obj: service((s) => void (s.selector = { app: 'web app' })),
      want: [
        "spec.selector: Invalid value: \"web app\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ],
    },
  ];
  it.each(cases)('$name', ({ obj, want }) => expect(messages(obj)).toEqual(want));
});
