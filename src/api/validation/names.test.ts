import { describe, expect, it } from 'vitest';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isLabelValue,
  isQualifiedName,
  isValidPortName,
  isWildcardDNS1123Subdomain,
} from './names.js';

const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const keyNameMsg =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

describe('name formats', () => {
  const cases = [
    { name: 'label ok', check: isDNS1123Label, value: 'my-name', want: [] },
    { name: 'label uppercase', check: isDNS1123Label, value: 'My-Name', want: [labelMsg] },
    { name: 'label with dots', check: isDNS1123Label, value: 'a.b', want: ['must not contain dots'] },
    {
      name: 'label too long',
      check: isDNS1123Label,
      value: 'a'.repeat(64),
      want: ['must be no more than 63 characters'],
    },
    { name: 'subdomain ok', check: isDNS1123Subdomain, value: 'a.b-c.d', want: [] },
    {
      name: '1035 must start with a letter',
      check: isDNS1035Label,
      value: '1abc',
      want: [
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      ],
    },
    { name: 'wildcard ok', check: isWildcardDNS1123Subdomain, value: '*.foo.com', want: [] },
    {
      name: 'wildcard not leading',
      check: isWildcardDNS1123Subdomain,
      value: 'foo.*.com',
      want: [
        "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ],
    },
    { name: 'qualified name with prefix', check: isQualifiedName, value: 'app.kubernetes.io/name', want: [] },
    {
      name: 'qualified name bad name part',
      check: isQualifiedName,
      value: 'example.com/-x',
      want: [keyNameMsg],
    },
    {
      name: 'qualified name empty prefix',
      check: isQualifiedName,
      value: '/x',
      want: ['prefix part must be non-empty'],
    },
    {
      name: 'qualified name 64-char name',
      check: isQualifiedName,
      value: 'a'.repeat(64),
      want: ['name part must be no more than 63 bytes'],
    },
    { name: 'label value empty ok', check: isLabelValue, value: '', want: [] },
    { name: 'port name ok', check: isValidPortName, value: 'http-alt', want: [] },
    {
      name: 'port name digits only',
      check: isValidPortName,
      value: '8080',
      want: ['must contain at least one letter (a-z)'],
    },
    {
      name: 'port name rules',
      check: isValidPortName,
      value: '-Web--x-',
      want: [
        'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'must not contain consecutive hyphens',
        'must not begin or end with a hyphen',
      ],
    },
    {
      name: 'port name too long',
      check: isValidPortName,
      value: 'abcdefghijklmnop',
      want: ['must be no more than 15 characters'],
    },
  ];
  it.each(cases)('$name', ({ check, value, want }) => expect(check(value)).toEqual(want));
});
