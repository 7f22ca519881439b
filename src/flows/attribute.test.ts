import { describe, expect, it } from 'vitest';
import { acceptRule, flowPrefix, isolationRule } from '../dataplane/policy/catalog.js';
import { flowOf } from './attribute.js';
import type { LoggedPacket } from './nflog.js';

const deny = isolationRule('ingress', ['x/allow-a', 'x/deny-all']);
const allow = acceptRule('egress', 'y/allow-dns', 'spec.egress[0]', 0);
const catalog = { [flowPrefix(deny)]: deny, [flowPrefix(allow)]: allow };
const pods = new Map([
  ['10.244.0.2', 'y/b'],
  ['10.244.1.5', 'x/a'],
]);
const packet = (prefix: string): LoggedPacket => ({
  time: 42,
  prefix,
  src: '10.244.0.2',
  dst: '10.244.1.5',
  protocol: 'UDP',
  srcPort: 40000,
  dstPort: 53,
});

describe('flowOf: a logged packet named by the catalog and the pods', () => {
  it('a default-deny drop names the isolating policies', () => {
    expect(flowOf(packet(flowPrefix(deny)), 'node-2', catalog, pods)).toEqual({
      time: 42,
      node: 'node-2',
      direction: 'ingress',
      src: '10.244.0.2',
      srcPod: 'y/b',
      dst: '10.244.1.5',
      dstPod: 'x/a',
      protocol: 'UDP',
      port: 53,
      verdict: 'denied',
      policies: ['x/allow-a', 'x/deny-all'],
      rule: 'isolated by x/allow-a, x/deny-all',
    });
  });

  it('an accept names its rule; addresses of no pod stay bare', () => {
    const f = flowOf({ ...packet(flowPrefix(allow)), dst: '10.96.0.10' }, 'node-1', catalog, pods);
    expect(f).toMatchObject({ verdict: 'allowed', rule: 'egress rule 1 of y/allow-dns', dstPod: undefined });
  });

  it('ignores prefixes that are not a policy rule', () => {
    expect(flowOf(packet('pn-other'), 'node-1', catalog, pods)).toBeUndefined();
  });
});
