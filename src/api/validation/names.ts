// Name formats from k8s.io/apimachinery: pkg/util/validation/validation.go (DNS labels and
// subdomains, port names and numbers, config-map keys, domain-prefixed paths, FQDNs) and
// pkg/api/validate/content/{kube,dns,path}.go (label keys/values, path segments), plus the
// Name* helpers of pkg/api/validation/generic.go. Messages are upstream's, verbatim.

import { type FieldError, type Path, invalid, required } from './field.js';
import { byteLength } from './read.js';

// validation.MaxLenError says "characters"; content.MaxLenError (label keys/values) says "bytes".
const maxLenChars = (n: number): string => `must be no more than ${n} characters`;
const maxLenBytes = (n: number): string => `must be no more than ${n} bytes`;

export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const wildcardFmt = `\\*\\.${dns1123SubdomainFmt}`;
const dns1123LabelRe = new RegExp(`^${dns1123LabelFmt}$`);
const dns1123SubdomainRe = new RegExp(`^${dns1123SubdomainFmt}$`);
const dns1035LabelRe = new RegExp(`^${dns1035LabelFmt}$`);
const wildcardRe = new RegExp(`^${wildcardFmt}$`);

const dns1123LabelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const dns1123SubdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const dns1035LabelMsg =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const wildcardMsg =
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character";

export function isDNS1123Label(v: string): string[] {
  const errs: string[] = [];
  if (byteLength(v) > 63) errs.push(maxLenChars(63));
  if (!dns1123LabelRe.test(v)) {
    errs.push(
      dns1123SubdomainRe.test(v)
        ? 'must not contain dots'
        : regexError(dns1123LabelMsg, dns1123LabelFmt, 'my-name', '123-abc'),
    );
  }
  return errs;
}

function subdomain(v: string, maxLen: (n: number) => string): string[] {
  const errs: string[] = [];
  if (byteLength(v) > 253) errs.push(maxLen(253));
  if (!dns1123SubdomainRe.test(v))
    errs.push(regexError(dns1123SubdomainMsg, dns1123SubdomainFmt, 'example.com'));
  return errs;
}

export const isDNS1123Subdomain = (v: string): string[] => subdomain(v, maxLenChars);

export function isDNS1035Label(v: string): string[] {
  const errs: string[] = [];
  if (byteLength(v) > 63) errs.push(maxLenChars(63));
  if (!dns1035LabelRe.test(v)) errs.push(regexError(dns1035LabelMsg, dns1035LabelFmt, 'my-name', 'abc-123'));
  return errs;
}

export function isWildcardDNS1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (byteLength(v) > 253) errs.push(maxLenChars(253));
  if (!wildcardRe.test(v)) errs.push(regexError(wildcardMsg, wildcardFmt, '*.example.com'));
  return errs;
}

const labelKeyFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const labelKeyRe = new RegExp(`^${labelKeyFmt}$`);
const labelKeyMsg =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelValueFmt = `(${labelKeyFmt})?`;
const labelValueRe = new RegExp(`^${labelValueFmt}$`);
const labelValueMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** content.IsLabelKey, a.k.a. IsQualifiedName: `[prefix/]name`, prefix a DNS subdomain, name ≤ 63. */
export function isQualifiedName(v: string): string[] {
  const errs: string[] = [];
  const parts = v.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...subdomain(prefix, maxLenBytes).map((m) => 'prefix part ' + m));
  } else {
    return [
      'a valid label key ' +
        regexError(labelKeyMsg, labelKeyFmt, 'MyName', 'my.name', '123-abc') +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (byteLength(name) > 63) errs.push('name part ' + maxLenBytes(63));
  if (!labelKeyRe.test(name))
    errs.push('name part ' + regexError(labelKeyMsg, labelKeyFmt, 'MyName', 'my.name', '123-abc'));
  return errs;
}

export function isLabelValue(v: string): string[] {
  const errs: string[] = [];
  if (byteLength(v) > 63) errs.push(maxLenBytes(63));
  if (!labelValueRe.test(v))
    errs.push(regexError(labelValueMsg, labelValueFmt, 'MyValue', 'my_value', '12345'));
  return errs;
}

/** IsValidPortNum. */
export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

export const inclusiveRangeError = (lo: number, hi: number): string =>
  `must be between ${lo} and ${hi}, inclusive`;

/** IsValidPortName: an IANA_SVC_NAME (RFC 6335), lower case only. */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (byteLength(port) > 15) errs.push(maxLenChars(15));
  if (!/^[-a-z0-9]+$/.test(port))
    errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-')))
    errs.push('must not begin or end with a hyphen');
  return errs;
}

const configMapKeyFmt = '[-._a-zA-Z0-9]+';
/** IsConfigMapKey (ConfigMap and Secret data keys). */
export function isConfigMapKey(v: string): string[] {
  const errs: string[] = [];
  if (byteLength(v) > 253) errs.push(maxLenChars(253));
  if (!new RegExp(`^${configMapKeyFmt}$`).test(v)) {
    errs.push(
      regexError(
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        configMapKeyFmt,
        'key.name',
        'KEY_NAME',
        'key-name',
      ),
    );
  }
  if (v === '.') errs.push("must not be '.'");
  else if (v === '..') errs.push("must not be '..'");
  else if (v.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

/** content.IsPathSegmentName. */
export function isPathSegmentName(v: string): string[] {
  if (v === '.' || v === '..') return [`may not be '${v}'`];
  return ['/', '%'].filter((c) => v.includes(c)).map((c) => `may not contain '${c}'`);
}

const httpPathFmt = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
/** IsDomainPrefixedPath, e.g. IngressClass.spec.controller `acme.io/foo`. */
export function isDomainPrefixedPath(p: Path, v: string): FieldError[] {
  if (v.length === 0) return [required(p)];
  const slash = v.indexOf('/');
  const host = slash < 0 ? v : v.slice(0, slash);
  const rest = slash < 0 ? '' : v.slice(slash + 1);
  if (slash < 0 || host.length === 0 || rest.length === 0) {
    return [invalid(p, v, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  }
  const errs = isDNS1123Subdomain(host).map((m) => invalid(p, host, m));
  if (!new RegExp(`^${httpPathFmt}$`).test(rest))
    errs.push(invalid(p, rest, regexError('Invalid path', httpPathFmt)));
  return errs;
}

/** IsFullyQualifiedDomainName (EndpointSlice FQDN addresses): a trailing dot is allowed. */
export function isFullyQualifiedDomainName(p: Path, value: string): FieldError[] {
  if (value.length === 0) return [required(p)];
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const errs = isDNS1123Subdomain(name);
  if (errs.length > 0) return [invalid(p, name, errs.join(','))];
  const labels = name.split('.');
  if (labels.length < 2)
    return [invalid(p, name, 'should be a domain with at least two segments separated by dots')];
  for (const label of labels) {
    const e = isDNS1123Label(label);
    if (e.length > 0) return [invalid(p, label, e.join(','))];
  }
  return [];
}

/** A ValidateNameFunc (generic.go): `prefix` is true for generateName, whose trailing dash is masked. */
export type NameFunc = (name: string, prefix: boolean) => string[];

const maskTrailingDash = (name: string, prefix: boolean): string =>
  prefix && name.length > 1 && name.endsWith('-') ? name.slice(0, -2) + 'a' : name;

export const nameIsDNSSubdomain: NameFunc = (n, prefix) => isDNS1123Subdomain(maskTrailingDash(n, prefix));
export const nameIsDNSLabel: NameFunc = (n, prefix) => isDNS1123Label(maskTrailingDash(n, prefix));
export const nameIsDNS1035Label: NameFunc = (n, prefix) => isDNS1035Label(maskTrailingDash(n, prefix));
