// NetworkPolicy (networking.k8s.io/v1): pkg/apis/networking/validation/validation.go in
// kubernetes/kubernetes (ValidateNetworkPolicy, ValidateNetworkPolicySpec, ValidateNetworkPolicyPeer,
// ValidateNetworkPolicyPort, ValidateIPBlock).

import type { NetworkPolicy } from '../types.js';
import { type FieldError, Path, forbidden, invalid, notSupported, required } from './field.js';
import {
  cidrContains,
  cidrWarnings,
  maskedBytes,
  parseCIDRSloppy,
  validateCIDRForLegacyField,
} from './ip.js';
import { validateObjectMeta } from './metadata.js';
import { isValidPortName, isValidPortNum, nameIsDNSSubdomain } from './names.js';
import { type Obj, has, list, obj, objList, str } from './read.js';
import { validateLabelSelector } from './selector.js';

const protocols = ['TCP', 'UDP', 'SCTP'];

export function validateNetworkPolicy(np: NetworkPolicy): FieldError[] {
  const errs = validateObjectMeta(
    np.metadata,
    { nameFn: nameIsDNSSubdomain, namespaced: true },
    Path.of('metadata'),
  );
  return errs.concat(validateNetworkPolicySpec(obj(np.spec) ?? {}, Path.of('spec')));
}

export function validateNetworkPolicySpec(spec: Obj, p: Path): FieldError[] {
  const errs = validateLabelSelector(spec.podSelector, p.child('podSelector'));
  for (const [dir, peers] of [
    ['ingress', 'from'],
    ['egress', 'to'],
  ] as const) {
    objList(spec[dir]).forEach((rule, i) => {
      const rp = p.child(dir).index(i);
      objList(rule.ports).forEach((port, j) => errs.push(...validatePort(port, rp.child('ports').index(j))));
      objList(rule[peers]).forEach((peer, j) => errs.push(...validatePeer(peer, rp.child(peers).index(j))));
    });
  }
  const types = list(spec.policyTypes);
  if (types.length > 2) {
    errs.push(invalid(p.child('policyTypes'), types, 'may not specify more than two policyTypes'));
    return errs;
  }
  // Upstream accepts duplicates here (["Ingress","Ingress"]); so do we.
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress')
      errs.push(notSupported(p.child('policyTypes').index(i), t, ['Ingress', 'Egress']));
  });
  return errs;
}

/** ValidateNetworkPolicyPort: protocol, numeric port 1-65535 or IANA_SVC_NAME, endPort only with a number. */
function validatePort(port: Obj, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  if (has(port, 'protocol') && !protocols.includes(str(port.protocol))) {
    errs.push(notSupported(p.child('protocol'), port.protocol, protocols));
  }
  const endPort = port.endPort;
  const hasEnd = endPort !== undefined && endPort !== null;
  if (!has(port, 'port')) {
    if (hasEnd)
      errs.push(invalid(p.child('endPort'), endPort, 'may not be specified when `port` is not specified'));
  } else if (typeof port.port === 'number') {
    errs.push(...isValidPortNum(port.port).map((m) => invalid(p.child('port'), port.port, m)));
    if (hasEnd) {
      if (typeof endPort === 'number' && endPort < port.port) {
        errs.push(invalid(p.child('endPort'), endPort, 'must be greater than or equal to `port`'));
      }
      errs.push(...isValidPortNum(Number(endPort)).map((m) => invalid(p.child('endPort'), endPort, m)));
    }
  } else {
    if (hasEnd)
      errs.push(invalid(p.child('endPort'), endPort, 'may not be specified when `port` is non-numeric'));
    const name = str(port.port);
    errs.push(...isValidPortName(name).map((m) => invalid(p.child('port'), name, m)));
  }
  return errs;
}

/** ValidateNetworkPolicyPeer: at least one selector or an ipBlock; an ipBlock stands alone. */
function validatePeer(peer: Obj, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const sel of ['podSelector', 'namespaceSelector']) {
    if (has(peer, sel)) {
      n++;
      errs.push(...validateLabelSelector(peer[sel], p.child(sel)));
    }
  }
  if (has(peer, 'ipBlock')) {
    n++;
    errs.push(...validateIPBlock(obj(peer.ipBlock) ?? {}, p.child('ipBlock')));
  }
  if (n === 0) errs.push(required(p, 'must specify a peer'));
  else if (n > 1 && has(peer, 'ipBlock'))
    errs.push(forbidden(p, 'may not specify both ipBlock and another peer'));
  return errs;
}

/**
 * ValidateIPBlock: `cidr` and each `except` are valid CIDRs (host bits set is a warning, see
 * ip.ts), and each `except` must be a strict subset of `cidr`.
 */
function validateIPBlock(block: Obj, p: Path): FieldError[] {
  const cidr = str(block.cidr);
  if (!cidr) return [required(p.child('cidr'))];
  const errs = validateCIDRForLegacyField(p.child('cidr'), cidr);
  const outer = parseCIDRSloppy(cidr);
  if (!outer) return errs;
  list(block.except).forEach((e, i) => {
    const ep = p.child('except').index(i);
    const except = str(e);
    errs.push(...validateCIDRForLegacyField(ep, except));
    const inner = parseCIDRSloppy(except);
    if (!inner) return;
    // Go compares the network address of `except` (exceptCIDR.IP is masked).
    if (!cidrContains(outer, { ...inner.ip, bytes: maskedBytes(inner) }) || outer.bits >= inner.bits) {
      errs.push(invalid(ep, except, 'must be a strict subset of `cidr`'));
    }
  });
  return errs;
}

/** Warnings a default API server returns for a NetworkPolicy: ambiguous ipBlock CIDRs. */
export function networkPolicyWarnings(np: NetworkPolicy): FieldError[] {
  const out: FieldError[] = [];
  for (const dir of ['ingress', 'egress'] as const) {
    const peerField = dir === 'ingress' ? 'from' : 'to';
    list(obj(np.spec)?.[dir]).forEach((rule, i) => {
      list(obj(rule)?.[peerField]).forEach((peer, j) => {
        const block = obj(obj(peer)?.ipBlock);
        if (!block) return;
        const p = Path.of('spec').child(dir).index(i).child(peerField).index(j).child('ipBlock');
        out.push(...cidrWarnings(p.child('cidr'), str(block.cidr)));
        list(block.except).forEach((e, k) => out.push(...cidrWarnings(p.child('except').index(k), str(e))));
      });
    });
  }
  return out;
}
