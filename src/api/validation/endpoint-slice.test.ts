import { describe, expect, it } from 'vitest';
import type { EndpointSlice } from '../types.js';
import { formatFieldError, validateObject } from './index.js';

function slice(tweak: (s: EndpointSlice) => void = () => {}): EndpointSlice {
  const s: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
    endpoints: [{ addresses: ['10.244.1.5'], conditions: { ready: true }, nodeName: 'node-1' }],
  };
  tweak(s);
  return s;
}
const messages = (o: EndpointSlice): string[] => validateObject(o).map(formatFieldError);

describe('EndpointSlice', () => {
  const cases: { name: string; obj: EndpointSlice; want: string[] }[] = [
    { name: 'valid', obj: slice(), want: [] },
    {
      name: 'addressType required',
      obj: slice((s) => void delete s.addressType),
      want: ['addressType: Required value'],
    },
    {
      name: 'addressType unsupported',
      obj: slice((s) => void (s.addressType = 'IP')),
      want: ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"'],
    },
    {
      name: 'addresses per type',
      obj: slice(
        (s) =>
          void (s.endpoints = [{ addresses: ['2001:db8::1', '127.0.0.1', '10.0.0.01'] }, { addresses: [] }]),
      ),
      want: [
        'endpoints[0].addresses[0]: Invalid value: "2001:db8::1": must be a valid IPv4 address',
        'endpoints[0].addresses[1]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
        'endpoints[0].addresses[2]: Invalid value: "10.0.0.01": must not have leading 0s',
        'endpoints[1].addresses: Required value: must contain at least 1 address',
      ],
    },
    {
      name: 'FQDN',
      obj: slice((s) => void ((s.addressType = 'FQDN'), (s.endpoints = [{ addresses: ['db.example.com'] }]))),
      want: [],
    },
    {
      name: 'FQDN needs two labels',
      obj: slice((s) => void ((s.addressType = 'FQDN'), (s.endpoints = [{ addresses: ['db'] }]))),
      want: [
        'endpoints[0].addresses[0]: Invalid value: "db": should be a domain with at least two segments separated by dots',
      ],
    },
    {
      name: 'too many endpoints',
      obj: slice(
        (s) => void (s.endpoints = Array.from({ length: 1001 }, () => ({ addresses: ['10.0.0.1'] }))),
      ),
      want: ['endpoints: Too many: 1001: must have at most 1000 items'],
    },
    {
      name: 'too many ports',
      obj: slice(
        (s) => void (s.ports = Array.from({ length: 101 }, (_, i) => ({ name: `p${i}`, port: 1000 + i }))),
      ),
      want: ['ports: Too many: 101: must have at most 100 items'],
    },
    {
      name: 'ports: duplicate names, protocol, range',
      obj: slice(
        (s) =>
          void (s.ports = [
            { name: 'http', port: 80 },
            { name: 'http', port: 0, protocol: 'ICMP' as never },
          ]),
      ),
      want: [
        'ports[1].name: Duplicate value: "http"',
        'ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
        'ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      ],
    },
  ];
  it.each(cases)('$name', ({ obj, want }) => expect(messages(obj)).toEqual(want));
});
