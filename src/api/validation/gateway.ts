// Gateway API (gateway.networking.k8s.io): light structural checks in the spirit of the CRDs'
// OpenAPI schema (required fields, enums, ranges) and their CEL rules, from
// kubernetes-sigs/gateway-api apis/v1 (gatewayclass_types.go, gateway_types.go, httproute_types.go).
// Messages follow apiextensions' rendering of schema failures (`Required value`, `Unsupported value`).

import type { KubeObject } from '../types.js';
import { type FieldError, Path, duplicate, invalid, notSupported, required } from './field.js';
import { validateObjectMeta } from './metadata.js';
import { isDNS1123Subdomain, isDomainPrefixedPath, isValidPortNum, nameIsDNSSubdomain } from './names.js';
import { type Obj, has, obj, objList, str } from './read.js';

export const gatewayGroup = 'gateway.networking.k8s.io';
const pathMatchTypes = ['Exact', 'PathPrefix', 'RegularExpression'];

export function validateGatewayObject(o: KubeObject): FieldError[] {
  const namespaced = o.kind !== 'GatewayClass';
  const errs = validateObjectMeta(
    o.metadata,
    { nameFn: nameIsDNSSubdomain, namespaced },
    Path.of('metadata'),
  );
  const spec = obj(o.spec) ?? {};
  const p = Path.of('spec');
  if (o.kind === 'GatewayClass') {
    const controller = str(spec.controllerName);
    errs.push(
      ...(controller
        ? isDomainPrefixedPath(p.child('controllerName'), controller)
        : [required(p.child('controllerName'))]),
    );
  }
  if (o.kind === 'Gateway') errs.push(...validateGatewaySpec(spec, p));
  if (o.kind === 'HTTPRoute') errs.push(...validateHTTPRouteSpec(spec, p));
  return errs;
}

function validateGatewaySpec(spec: Obj, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(spec.gatewayClassName)) errs.push(required(p.child('gatewayClassName')));
  const listeners = objList(spec.listeners);
  if (listeners.length === 0) errs.push(required(p.child('listeners')));
  const names = new Set<string>();
  listeners.forEach((l, i) => {
    const lp = p.child('listeners').index(i);
    const name = str(l.name);
    if (!name) errs.push(required(lp.child('name')));
    else {
      // SectionName: a DNS-1123 subdomain-like name.
      errs.push(...isDNS1123Subdomain(name).map((m) => invalid(lp.child('name'), name, m)));
      if (names.has(name)) errs.push(duplicate(lp.child('name'), name));
      names.add(name);
    }
    if (!has(l, 'port')) errs.push(required(lp.child('port')));
    else errs.push(...isValidPortNum(Number(l.port)).map((m) => invalid(lp.child('port'), l.port, m)));
    if (!str(l.protocol)) errs.push(required(lp.child('protocol')));
    const hostname = str(l.hostname);
    if (hostname) {
      const bare = hostname.startsWith('*.') ? hostname.slice(2) : hostname;
      errs.push(...isDNS1123Subdomain(bare).map((m) => invalid(lp.child('hostname'), hostname, m)));
    }
  });
  return errs;
}

function validateHTTPRouteSpec(spec: Obj, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  objList(spec.rules).forEach((rule, i) => {
    objList(rule.matches).forEach((match, j) => {
      const path = obj(match.path);
      if (!path) return;
      const mp = p.child('rules').index(i).child('matches').index(j).child('path');
      const type = has(path, 'type') ? path.type : 'PathPrefix';
      const value = has(path, 'value') ? str(path.value) : '/';
      if (!pathMatchTypes.includes(str(type)))
        errs.push(notSupported(mp.child('type'), type, pathMatchTypes));
      else if (type !== 'RegularExpression' && !value.startsWith('/')) {
        errs.push(
          invalid(
            mp.child('value'),
            value,
            "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']",
          ),
        );
      }
    });
  });
  return errs;
}
