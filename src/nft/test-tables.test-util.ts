// Small hand-written tables for the nft layer's own tests (the tracer is tested on static rules
// before it is trusted with rendered ones, as kube-proxy's helpers_test.go does).
import type { Rule, Table } from './ir.js';

export const r = (rule: Partial<Rule>): Rule => ({ matches: [], statements: [], ...rule });

/** A miniature proxy: one Service 10.96.0.1:80 with two endpoints, one without endpoints. */
export function miniProxy(): Table {
  return {
    family: 'ip',
    name: 'pn-test-proxy',
    comment: 'test',
    chains: [
      {
        name: 'filter-forward',
        base: { type: 'filter', hook: 'forward', priority: -110 },
        rules: [
          r({
            verdict: { kind: 'vmap', key: ['ip daddr', 'meta l4proto', 'th dport'], map: 'no-endpoints' },
          }),
        ],
      },
      {
        name: 'nat-prerouting',
        base: { type: 'nat', hook: 'prerouting', priority: -100 },
        rules: [r({ verdict: { kind: 'jump', chain: 'services' } })],
      },
      {
        name: 'nat-output',
        base: { type: 'nat', hook: 'output', priority: -100 },
        rules: [r({ verdict: { kind: 'jump', chain: 'services' } })],
      },
      {
        name: 'nat-postrouting',
        base: { type: 'nat', hook: 'postrouting', priority: 100 },
        rules: [
          r({
            matches: [{ kind: 'cmp', left: { field: 'meta mark', and: 0x4000 }, op: '==', right: 0 }],
            verdict: { kind: 'return' },
          }),
          r({ statements: [{ kind: 'snat', addr: '172.18.0.2' }] }),
        ],
      },
      {
        name: 'services',
        rules: [
          r({ verdict: { kind: 'vmap', key: ['ip daddr', 'meta l4proto', 'th dport'], map: 'service-ips' } }),
        ],
      },
      { name: 'mark', rules: [r({ statements: [{ kind: 'mark', op: 'or', value: 0x4000 }] })] },
      {
        name: 'svc',
        rules: [
          r({
            matches: [{ kind: 'lookup', key: ['ip saddr'], set: 'sticky' }],
            verdict: { kind: 'goto', chain: 'ep-b' },
          }),
          r({
            matches: [{ kind: 'cmp', left: { numgen: 'random', mod: 2 }, op: '==', right: 0 }],
            verdict: { kind: 'goto', chain: 'ep-a' },
            comment: 'pick a',
          }),
          r({ verdict: { kind: 'goto', chain: 'ep-b' }, comment: 'pick b' }),
        ],
      },
      {
        name: 'ep-a',
        rules: [
          r({
            matches: [{ kind: 'cmp', left: 'ip saddr', op: '==', right: '10.244.0.5' }],
            verdict: { kind: 'jump', chain: 'mark' },
          }),
          r({
            matches: [{ kind: 'cmp', left: 'meta l4proto', op: '==', right: 'tcp' }],
            statements: [{ kind: 'dnat', addr: '10.244.0.5', port: 8080 }],
          }),
        ],
      },
      {
        name: 'ep-b',
        rules: [
          r({ statements: [{ kind: 'update', set: 'sticky', key: ['ip saddr'] }] }),
          r({
            matches: [{ kind: 'cmp', left: 'meta l4proto', op: '==', right: 'tcp' }],
            statements: [{ kind: 'dnat', addr: '10.244.1.5', port: 8080 }],
          }),
        ],
      },
      { name: 'reject', rules: [r({ verdict: { kind: 'reject' } })] },
    ],
    sets: [
      {
        name: 'service-ips',
        type: ['ipv4_addr', 'inet_proto', 'inet_service'],
        map: 'verdict',
        elements: [
          { key: ['10.96.0.1', 'tcp', 80], verdict: { kind: 'goto', chain: 'svc' }, comment: 'ns/svc' },
        ],
      },
      {
        name: 'no-endpoints',
        type: ['ipv4_addr', 'inet_proto', 'inet_service'],
        map: 'verdict',
        elements: [
          { key: ['10.96.0.2', 'tcp', 80], verdict: { kind: 'goto', chain: 'reject' }, comment: 'ns/empty' },
        ],
      },
      { name: 'sticky', type: ['ipv4_addr'], flags: ['dynamic', 'timeout'], timeout: 60, elements: [] },
    ],
  };
}

/** A table in a canonical order (chains, sets and elements by name or key), for equality. */
export function canonical(t: Table | undefined): Table | undefined {
  if (!t) return t;
  const by =
    <T>(f: (x: T) => string) =>
    (a: T, b: T) =>
      f(a) < f(b) ? -1 : f(a) > f(b) ? 1 : 0;
  return {
    ...t,
    chains: [...t.chains].sort(by((c) => c.name)),
    sets: [...t.sets]
      .map((s) => ({ ...s, elements: [...s.elements].sort(by((e) => e.key.join(' . '))) }))
      .sort(by((s) => s.name)),
  };
}
