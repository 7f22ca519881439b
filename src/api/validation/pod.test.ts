import { describe, expect, it } from 'vitest';
import type { Pod, PodSpec, PodStatus } from '../types.js';
import { formatFieldError, validateObject } from './index.js';

function pod(tweak: (spec: PodSpec, status: PodStatus) => void = () => {}): Pod {
  const p: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'a', namespace: 'x', labels: { pod: 'a' } },
    spec: { containers: [{ name: 'c', image: 'agnhost', ports: [{ name: 'http', containerPort: 80 }] }] },
    status: { podIP: '10.244.0.5' },
  };
  tweak(p.spec as PodSpec, p.status as PodStatus);
  return p;
}
const messages = (o: Pod): string[] => validateObject(o).map(formatFieldError);
const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

describe('Pod', () => {
  const cases: { name: string; obj: Pod; want: string[] }[] = [
    { name: 'valid', obj: pod(), want: [] },
    {
      name: 'containers required',
      obj: pod((s) => void (s.containers = [])),
      want: ['spec.containers: Required value'],
    },
    {
      name: 'container names: DNS labels, unique, across init containers too',
      obj: pod((s) => {
        s.containers = [{ name: 'Web' }, { name: 'web' }, { name: 'web' }];
        s.initContainers = [{ name: 'web' }];
      }),
      want: [
        `spec.containers[0].name: Invalid value: "Web": ${labelMsg}`,
        'spec.containers[2].name: Duplicate value: "web"',
        'spec.initContainers[0].name: Duplicate value: "web"',
      ],
    },
    {
      name: 'container ports',
      obj: pod(
        (s) =>
          void (s.containers = [
            {
              name: 'c',
              ports: [
                { name: 'http', containerPort: 70000 },
                { name: 'http', containerPort: 81 },
                { name: 'Bad_Name', containerPort: 0, protocol: 'ICMP' as never, hostPort: 65536 },
              ],
            },
          ]),
      ),
      want: [
        'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
        'spec.containers[0].ports[1].name: Duplicate value: "http"',
        'spec.containers[0].ports[2].name: Invalid value: "Bad_Name": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'spec.containers[0].ports[2].containerPort: Required value',
        'spec.containers[0].ports[2].hostPort: Invalid value: 65536: must be between 1 and 65535, inclusive',
        'spec.containers[0].ports[2].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      ],
    },
    {
      name: 'hostPort conflict across containers',
      obj: pod(
        (s) =>
          void (s.containers = [
            { name: 'a', ports: [{ containerPort: 80, hostPort: 8080 }] },
            { name: 'b', ports: [{ containerPort: 81, hostPort: 8080 }] },
          ]),
      ),
      want: ['spec.containers[1].ports[0].hostPort: Duplicate value: "/TCP/8080"'],
    },
    {
      name: 'hostNetwork hostPort must equal containerPort',
      obj: pod((s) => {
        s.hostNetwork = true;
        s.containers = [{ name: 'a', ports: [{ containerPort: 80, hostPort: 8080 }] }];
      }),
      want: [
        'spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match `containerPort` when `hostNetwork` is true',
      ],
    },
    {
      name: 'probe ports',
      obj: pod(
        (s) =>
          void (s.containers = [
            {
              name: 'a',
              readinessProbe: { httpGet: { port: 0 } },
              livenessProbe: { tcpSocket: { port: 'HTTP' } },
            },
          ]),
      ),
      want: [
        'spec.containers[0].livenessProbe.tcpSocket.port: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'spec.containers[0].livenessProbe.tcpSocket.port: Invalid value: "HTTP": must contain at least one letter (a-z)',
        'spec.containers[0].readinessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive',
      ],
    },
    {
      name: 'restartPolicy',
      obj: pod((s) => void (s.restartPolicy = 'Sometimes')),
      want: [
        'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      ],
    },
    {
      name: 'status.podIP',
      obj: pod((_, st) => void (st.podIP = '10.244.0.300')),
      want: [
        'status.podIP: Invalid value: "10.244.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      ],
    },
    {
      name: 'status.podIPs one per family',
      obj: pod((_, st) => void (st.podIPs = [{ ip: '10.244.0.5' }, { ip: '10.244.0.5' }])),
      want: [
        'status.podIPs: Invalid value: [{"ip":"10.244.0.5"},{"ip":"10.244.0.5"}]: may specify no more than one IP for each IP family',
        'status.podIPs[1]: Duplicate value: {"ip":"10.244.0.5"}',
      ],
    },
  ];
  it.each(cases)('$name', ({ obj, want }) => expect(messages(obj)).toEqual(want));
});
