// Service clusterIPs, ipFamilies and ipFamilyPolicy: ValidateServiceClusterIPsRelatedFields in
// kubernetes/kubernetes pkg/apis/core/validation/validation.go (not called for ExternalName).

import { type FieldError, type Path, duplicate, invalid, notSupported } from './field.js';
import { isDualStack, parseIPSloppy, validateIP } from './ip.js';
import { type Obj, has, list, str } from './read.js';

export function validateClusterIPs(
  spec: Obj,
  clusterIP: string,
  ips: string[],
  headless: boolean,
  p: Path,
): FieldError[] {
  const errs: FieldError[] = [];
  const ipsPath = p.child('clusterIPs');
  if (clusterIP && ips[0] !== clusterIP)
    errs.push(invalid(ipsPath, ips, 'first value must match `clusterIP`'));
  if (!clusterIP && ips.length > 0) {
    errs.push(invalid(ipsPath, ips, 'must be empty when `clusterIP` is not specified'));
  }
  const families = list(spec.ipFamilies);
  const seen = new Set<unknown>();
  families.forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6')
      errs.push(notSupported(p.child('ipFamilies').index(i), f, ['IPv4', 'IPv6']));
    if (seen.has(f)) errs.push(duplicate(p.child('ipFamilies').index(i), f));
    seen.add(f);
  });
  const policy = spec.ipFamilyPolicy;
  const policies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
  if (has(spec, 'ipFamilyPolicy') && !policies.includes(str(policy))) {
    errs.push(notSupported(p.child('ipFamilyPolicy'), policy, policies));
  }
  let bad = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        bad = true;
        errs.push(invalid(ipsPath, ips, "'None' must be the first and only value"));
      }
      return;
    }
    const e = validateIP(ipsPath.index(i), ip);
    bad ||= e.length > 0;
    errs.push(...e);
  });
  if (ips.length > 2) errs.push(invalid(ipsPath, ips, 'may only hold up to 2 values'));
  if (bad) return errs;
  if (ips.length > 1 && !isDualStack(ips.map((ip) => parseIPSloppy(ip)?.is4 ?? false))) {
    errs.push(invalid(ipsPath, ips, 'may specify no more than one IP for each IP family'));
  }
  if (!headless) {
    ips.forEach((ip, i) => {
      if (i >= families.length) return;
      const is4 = parseIPSloppy(ip)?.is4 ?? false;
      if (families[i] === 'IPv4' && !is4) {
        errs.push(
          invalid(ipsPath.index(i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``),
        );
      }
      if (families[i] === 'IPv6' && is4) {
        errs.push(
          invalid(ipsPath.index(i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``),
        );
      }
    });
  }
  return errs;
}
