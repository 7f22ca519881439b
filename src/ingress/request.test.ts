import { describe, expect, it } from 'vitest';
import { hostnameOf, parseQuery, parseRequestUrl, RequestParseError } from './request.js';

describe('parseRequestUrl', () => {
  const cases = [
    {
      name: 'http default port 80',
      url: 'http://foo.bar.com/foo?q=1',
      want: { scheme: 'http', host: 'foo.bar.com', port: 80, path: '/foo', query: 'q=1', method: 'GET' },
    },
    {
      name: 'https default port 443',
      url: 'https://foo.bar.com',
      want: { scheme: 'https', port: 443, path: '/' },
    },
    {
      name: 'explicit port is the listener port and stays in Host',
      url: 'http://foo.com:8080/',
      want: { port: 8080, host: 'foo.com:8080' },
    },
    {
      name: 'Host header overrides the URL host (DESIGN.md §3)',
      url: 'http://203.0.113.10/x',
      headers: ['Host:very.specific.com:1234'],
      want: { host: 'very.specific.com:1234', port: 80 },
    },
    { name: 'method upper-cased', url: 'http://a/', method: 'post', want: { method: 'POST' } },
    { name: 'path case preserved', url: 'http://a/FOO', want: { path: '/FOO' } },
  ];
  it.each(cases)('$name', ({ url, method, headers, want }) => {
    expect(parseRequestUrl(url, method, headers)).toMatchObject(want);
  });

  it('lower-cases header names and joins repeats', () => {
    const r = parseRequestUrl('http://a/', 'GET', ['Version: one', 'X-A:1', 'x-a:2']);
    expect(r.headers).toEqual({ host: 'a', version: 'one', 'x-a': '1, 2' });
  });

  const errors = [
    { name: 'not a URL', url: 'foo', code: 'InvalidURL' },
    { name: 'ftp scheme', url: 'ftp://a/', code: 'UnsupportedScheme' },
    { name: 'header without colon', url: 'http://a/', headers: ['nocolon'], code: 'InvalidHeader' },
  ];
  it.each(errors)('rejects $name', ({ url, headers, code }) => {
    try {
      parseRequestUrl(url, 'GET', headers);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RequestParseError);
      expect((e as RequestParseError).code).toBe(code);
    }
  });
});

describe('hostnameOf', () => {
  const cases = [
    { name: 'port removed (httproute_types.go Hostnames)', host: 'foo.com:8080', want: 'foo.com' },
    { name: 'lower-cased', host: 'FOO.Bar.com', want: 'foo.bar.com' },
    { name: 'trailing dot removed', host: 'foo.com.', want: 'foo.com' },
    { name: 'IPv6 literal keeps brackets', host: '[2001:db8::1]:80', want: '[2001:db8::1]' },
    { name: 'IPv4 with port', host: '203.0.113.10:80', want: '203.0.113.10' },
    { name: 'empty', host: '', want: '' },
  ];
  it.each(cases)('$name', ({ host, want }) => expect(hostnameOf(host)).toBe(want));
});

describe('parseQuery', () => {
  const cases = [
    {
      name: 'pairs in order',
      q: 'animal=whale&color=blue',
      want: [
        ['animal', 'whale'],
        ['color', 'blue'],
      ],
    },
    {
      name: 'percent and plus decoding',
      q: 'a=b%20c&d=e+f',
      want: [
        ['a', 'b c'],
        ['d', 'e f'],
      ],
    },
    {
      name: 'name without value',
      q: 'flag&x=',
      want: [
        ['flag', ''],
        ['x', ''],
      ],
    },
    { name: 'malformed escape kept', q: 'a=%zz', want: [['a', '%zz']] },
    { name: 'empty', q: '', want: [] },
  ];
  it.each(cases)('$name', ({ q, want }) => expect(parseQuery(q)).toEqual(want));
});
