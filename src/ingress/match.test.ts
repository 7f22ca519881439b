import { describe, expect, it } from 'vitest';
import {
  gatewayHostMatches,
  ingressHostMatches,
  intersectHostnames,
  matchesExact,
  matchesPrefix,
} from './match.js';

// kubernetes/website content/en/docs/concepts/services-networking/ingress.md, "Examples" table.
describe('ingress.md path examples', () => {
  const cases = [
    { name: 'Prefix / matches all', type: 'Prefix', path: '/', req: '/anything', want: true },
    { name: 'Exact /foo matches /foo', type: 'Exact', path: '/foo', req: '/foo', want: true },
    { name: 'Exact /foo does not match /bar', type: 'Exact', path: '/foo', req: '/bar', want: false },
    { name: 'Exact /foo does not match /foo/', type: 'Exact', path: '/foo', req: '/foo/', want: false },
    { name: 'Exact /foo/ does not match /foo', type: 'Exact', path: '/foo/', req: '/foo', want: false },
    { name: 'Prefix /foo matches /foo', type: 'Prefix', path: '/foo', req: '/foo', want: true },
    { name: 'Prefix /foo matches /foo/', type: 'Prefix', path: '/foo', req: '/foo/', want: true },
    { name: 'Prefix /foo/ matches /foo', type: 'Prefix', path: '/foo/', req: '/foo', want: true },
    { name: 'Prefix /foo/ matches /foo/', type: 'Prefix', path: '/foo/', req: '/foo/', want: true },
    {
      name: 'Prefix /aaa/bb does not match /aaa/bbb',
      type: 'Prefix',
      path: '/aaa/bb',
      req: '/aaa/bbb',
      want: false,
    },
    {
      name: 'Prefix /aaa/bbb matches /aaa/bbb',
      type: 'Prefix',
      path: '/aaa/bbb',
      req: '/aaa/bbb',
      want: true,
    },
    {
      name: 'Prefix /aaa/bbb/ matches /aaa/bbb',
      type: 'Prefix',
      path: '/aaa/bbb/',
      req: '/aaa/bbb',
      want: true,
    },
    {
      name: 'Prefix /aaa/bbb matches /aaa/bbb/',
      type: 'Prefix',
      path: '/aaa/bbb',
      req: '/aaa/bbb/',
      want: true,
    },
    {
      name: 'Prefix /aaa/bbb matches /aaa/bbb/ccc',
      type: 'Prefix',
      path: '/aaa/bbb',
      req: '/aaa/bbb/ccc',
      want: true,
    },
    {
      name: 'Prefix /aaa/bbb does not match /aaa/bbbxyz',
      type: 'Prefix',
      path: '/aaa/bbb',
      req: '/aaa/bbbxyz',
      want: false,
    },
    { name: 'Prefix /aaa does not match /ccc', type: 'Prefix', path: '/aaa', req: '/ccc', want: false },
    { name: 'Prefix is case sensitive', type: 'Prefix', path: '/foo', req: '/FOO', want: false },
  ];
  it.each(cases)('$name', ({ type, path, req, want }) => {
    expect(type === 'Exact' ? matchesExact(path, req) : matchesPrefix(path, req)).toBe(want);
  });
});

describe('ingressHostMatches (single-label wildcard; ingress.md Hostname wildcards)', () => {
  const cases = [
    { name: 'exact', rule: 'foo.bar.com', host: 'foo.bar.com', want: true },
    { name: 'exact mismatch', rule: 'foo.bar.com', host: 'subdomain.bar.com', want: false },
    { name: 'rule host case-insensitive', rule: 'Foo.Bar.com', host: 'foo.bar.com', want: true },
    { name: 'wildcard one label', rule: '*.foo.com', host: 'bar.foo.com', want: true },
    { name: 'wildcard two labels', rule: '*.foo.com', host: 'baz.bar.foo.com', want: false },
    { name: 'wildcard bare suffix', rule: '*.foo.com', host: 'foo.com', want: false },
    { name: 'wildcard empty label', rule: '*.foo.com', host: '.foo.com', want: false },
  ];
  it.each(cases)('$name', ({ rule, host, want }) => expect(ingressHostMatches(rule, host)).toBe(want));
});

describe('gatewayHostMatches (one or more labels; httproute_types.go Hostnames)', () => {
  const cases = [
    { name: 'one label', p: '*.example.com', host: 'test.example.com', want: true },
    { name: 'two labels', p: '*.example.com', host: 'foo.test.example.com', want: true },
    { name: 'bare suffix', p: '*.example.com', host: 'example.com', want: false },
    { name: 'other suffix', p: '*.example.com', host: 'test.example.net', want: false },
    { name: 'exact', p: 'a.example.com', host: 'a.example.com', want: true },
  ];
  it.each(cases)('$name', ({ p, host, want }) => expect(gatewayHostMatches(p, host)).toBe(want));
});

describe('intersectHostnames (httproute_types.go Hostnames examples)', () => {
  const cases = [
    { name: 'equal exact', l: 'test.example.com', r: 'test.example.com', want: 'test.example.com' },
    {
      name: 'route wildcard covers listener',
      l: 'test.example.com',
      r: '*.example.com',
      want: 'test.example.com',
    },
    {
      name: 'listener wildcard covers route',
      l: '*.example.com',
      r: 'foo.test.example.com',
      want: 'foo.test.example.com',
    },
    {
      name: 'both wildcards, route narrower',
      l: '*.example.com',
      r: '*.foo.example.com',
      want: '*.foo.example.com',
    },
    {
      name: 'both wildcards, listener narrower',
      l: '*.foo.example.com',
      r: '*.example.com',
      want: '*.foo.example.com',
    },
    { name: 'equal wildcards', l: '*.example.com', r: '*.example.com', want: '*.example.com' },
    { name: 'bare suffix does not intersect', l: '*.example.com', r: 'example.com', want: undefined },
    { name: 'other domain', l: '*.example.com', r: 'test.example.net', want: undefined },
    { name: 'different exact', l: 'a.com', r: 'b.com', want: undefined },
  ];
  it.each(cases)('$name', ({ l, r, want }) => expect(intersectHostnames(l, r)).toBe(want));
});
