import { describe, expect, it } from 'vitest';
import { parseResolvConf } from './resolv-conf.js';

describe('parseResolvConf', () => {
  it.each([
    {
      name: 'what the kubelet writes for ClusterFirst',
      text: 'nameserver 10.96.0.10\nsearch ns.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n',
      want: {
        nameservers: ['10.96.0.10'],
        search: ['ns.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
        ndots: 5,
      },
    },
    {
      name: 'comments, domain replaced by a later search, defaults',
      text: '# generated\ndomain example.org\nsearch a.example b.example ; old\nnameserver 192.0.2.53\noptions rotate\n',
      want: { nameservers: ['192.0.2.53'], search: ['a.example', 'b.example'], ndots: 1 },
    },
    {
      name: 'ndots is capped at 15',
      text: 'options ndots:40',
      want: { nameservers: [], search: [], ndots: 15 },
    },
  ])('$name', ({ text, want }) => {
    expect(parseResolvConf(text)).toEqual(want);
  });
});
