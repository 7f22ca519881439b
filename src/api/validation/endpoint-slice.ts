// EndpointSlice (discovery.k8s.io/v1): kubernetes/kubernetes pkg/apis/discovery/validation/validation.go
// (ValidateEndpointSlice, validateEndpoints, validatePorts, validateAddressType, validateHints).

import type { EndpointSlice } from '../types.js';
import { type FieldError, Path, duplicate, invalid, notSupported, required, tooMany } from './field.js';
import { parseIPSloppy, validateIPForLegacyField, validateNonSpecialIP } from './ip.js';
import { validateLabelName, validateObjectMeta } from './metadata.js';
import {
  isDNS1123Label,
  isFullyQualifiedDomainName,
  isLabelValue,
  isValidPortNum,
  nameIsDNSSubdomain,
} from './names.js';
import { type Obj, has, list, obj, objList, str } from './read.js';
import { portProtocols } from './service.js';

const addressTypes = ['FQDN', 'IPv4', 'IPv6'];
const maxEndpoints = 1000;
const maxAddresses = 100;
const maxPorts = 100;
const maxZoneHints = 8;

export function validateEndpointSlice(slice: EndpointSlice): FieldError[] {
  const errs = validateObjectMeta(
    slice.metadata,
    { nameFn: nameIsDNSSubdomain, namespaced: true },
    Path.of('metadata'),
  );
  const addressType = str(slice.addressType);
  if (!addressType) errs.push(required(Path.of('addressType')));
  else if (!addressTypes.includes(addressType))
    errs.push(notSupported(Path.of('addressType'), addressType, addressTypes));
  errs.push(...validateEndpoints(objList(slice.endpoints), addressType, Path.of('endpoints')));
  errs.push(...validatePorts(objList(slice.ports), Path.of('ports')));
  return errs;
}

/**
 * An address of an IPv4/IPv6 slice: a parseable IP of that family (the older IsValidIPv4Address
 * wording), then the strict legacy-field checks, then no loopback/link-local/unspecified addresses.
 */
function validateAddress(p: Path, address: string, family: 'IPv4' | 'IPv6'): FieldError[] {
  const ip = parseIPSloppy(address);
  if (!ip || ip.is4 !== (family === 'IPv4'))
    return [invalid(p, address, `must be a valid ${family} address`)];
  return [...validateIPForLegacyField(p, address), ...validateNonSpecialIP(p, address)];
}

function validateEndpoints(endpoints: Obj[], addressType: string, p: Path): FieldError[] {
  if (endpoints.length > maxEndpoints) return [tooMany(p, endpoints.length, maxEndpoints)];
  const errs: FieldError[] = [];
  endpoints.forEach((ep, i) => {
    const ip = p.index(i);
    const ap = ip.child('addresses');
    const addresses = list(ep.addresses).map(str);
    if (addresses.length === 0) errs.push(required(ap, 'must contain at least 1 address'));
    else if (addresses.length > maxAddresses) errs.push(tooMany(ap, addresses.length, maxAddresses));
    addresses.forEach((a, j) => {
      // Unknown address types fall through unvalidated, as upstream.
      if (addressType === 'IPv4' || addressType === 'IPv6')
        errs.push(...validateAddress(ap.index(j), a, addressType));
      if (addressType === 'FQDN') errs.push(...isFullyQualifiedDomainName(ap.index(j), a));
    });
    if (has(ep, 'nodeName')) {
      const n = str(ep.nodeName);
      errs.push(...nameIsDNSSubdomain(n, false).map((m) => invalid(ip.child('nodeName'), n, m)));
    }
    if (has(ep, 'hostname')) {
      const h = str(ep.hostname);
      errs.push(...isDNS1123Label(h).map((m) => invalid(ip.child('hostname'), h, m)));
    }
    const hints = obj(ep.hints);
    if (hints) errs.push(...validateZoneHints(objList(hints.forZones), ip.child('hints', 'forZones')));
  });
  return errs;
}

function validateZoneHints(zones: Obj[], p: Path): FieldError[] {
  if (zones.length > maxZoneHints) return [tooMany(p, zones.length, maxZoneHints)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  zones.forEach((z, i) => {
    const name = str(z.name);
    const zp = p.index(i).child('name');
    if (seen.has(name)) errs.push(duplicate(zp, name));
    seen.add(name);
    errs.push(...isLabelValue(name).map((m) => invalid(zp, name, m)));
  });
  return errs;
}

function validatePorts(ports: Obj[], p: Path): FieldError[] {
  if (ports.length > maxPorts) return [tooMany(p, ports.length, maxPorts)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const ip = p.index(i);
    const name = str(port.name); // defaulted to ""
    if (name) errs.push(...isDNS1123Label(name).map((m) => invalid(ip.child('name'), name, m)));
    if (names.has(name)) errs.push(duplicate(ip.child('name'), name));
    else names.add(name);
    const protocol = has(port, 'protocol') ? str(port.protocol) : 'TCP';
    if (!portProtocols.includes(protocol))
      errs.push(notSupported(ip.child('protocol'), protocol, portProtocols));
    // Upstream leaves `port` unchecked (nil means "all ports"); a set port must still be a port.
    if (has(port, 'port')) {
      errs.push(...isValidPortNum(Number(port.port)).map((m) => invalid(ip.child('port'), port.port, m)));
    }
    if (has(port, 'appProtocol'))
      errs.push(...validateLabelName(str(port.appProtocol), ip.child('appProtocol')));
  });
  return errs;
}
