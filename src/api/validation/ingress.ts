// Ingress and IngressClass (networking.k8s.io/v1): kubernetes/kubernetes
// pkg/apis/networking/validation/validation.go (ValidateIngressCreate, ValidateIngressSpec,
// validateIngressRules, validateHTTPIngressPath, validateIngressBackend, validateIngressTLS,
// ValidateIngressClass, validateIngressClassParametersReference).

import type { Ingress, IngressClass } from '../types.js';
import { type FieldError, Path, forbidden, invalid, notSupported, required, tooLong } from './field.js';
import { parseIPSloppy } from './ip.js';
import { validateObjectMeta } from './metadata.js';
import {
  isDNS1123Subdomain,
  isDomainPrefixedPath,
  isPathSegmentName,
  isValidPortName,
  isValidPortNum,
  isWildcardDNS1123Subdomain,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
} from './names.js';
import { type Obj, has, list, obj, objList, str, strMap } from './read.js';

const pathTypes = ['Exact', 'ImplementationSpecific', 'Prefix'];
const invalidPathSequences = ['//', '/./', '/../', '%2f', '%2F'];
const invalidPathSuffixes = ['/..', '/.'];
const ingressClassAnnotation = 'kubernetes.io/ingress.class';

export function validateIngress(ing: Ingress): FieldError[] {
  const errs = validateObjectMeta(
    ing.metadata,
    { nameFn: nameIsDNSSubdomain, namespaced: true },
    Path.of('metadata'),
  );
  const spec = obj(ing.spec) ?? {};
  const p = Path.of('spec');
  const rules = objList(spec.rules);
  if (rules.length === 0 && !has(spec, 'defaultBackend')) {
    errs.push(invalid(p, spec.rules ?? null, 'either `defaultBackend` or `rules` must be specified'));
  }
  if (has(spec, 'defaultBackend'))
    errs.push(...validateBackend(obj(spec.defaultBackend) ?? {}, p.child('defaultBackend')));
  rules.forEach((rule, i) => errs.push(...validateRule(rule, p.child('rules').index(i))));
  objList(spec.tls).forEach((tls, i) => {
    const tp = p.child('tls').index(i);
    list(tls.hosts).forEach((h, j) => {
      const host = str(h);
      const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
      errs.push(...msgs.map((m) => invalid(tp.child('hosts').index(j), host, m)));
    });
    const secret = str(tls.secretName);
    if (secret)
      errs.push(...nameIsDNSSubdomain(secret, false).map((m) => invalid(tp.child('secretName'), secret, m)));
  });
  const className = spec.ingressClassName;
  if (has(spec, 'ingressClassName')) {
    const n = str(className);
    errs.push(...nameIsDNSSubdomain(n, false).map((m) => invalid(p.child('ingressClassName'), n, m)));
  }
  // Upstream's path for this one has no `metadata.` prefix.
  const annotation = strMap(ing.metadata?.annotations)?.[ingressClassAnnotation];
  if (annotation !== undefined && has(spec, 'ingressClassName') && annotation !== className) {
    const ap = Path.of('annotations').child(ingressClassAnnotation);
    errs.push(invalid(ap, annotation, 'must match `ingressClassName` when both are specified'));
  }
  return errs;
}

/** A rule's host is a DNS name (a leading `*.` label allowed), never an IP. */
function validateRule(rule: Obj, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  const host = str(rule.host);
  if (host) {
    const hp = p.child('host');
    if (parseIPSloppy(host)) errs.push(invalid(hp, host, 'must be a DNS name, not an IP address'));
    const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
    errs.push(...msgs.map((m) => invalid(hp, host, m)));
  }
  const http = obj(rule.http);
  if (http) {
    const paths = objList(http.paths);
    if (paths.length === 0) errs.push(required(p.child('http', 'paths')));
    paths.forEach((path, i) => errs.push(...validatePath(path, p.child('http', 'paths').index(i))));
  }
  return errs;
}

function validatePath(path: Obj, p: Path): FieldError[] {
  if (!has(path, 'pathType')) return [required(p.child('pathType'), 'pathType must be specified')];
  const errs: FieldError[] = [];
  const value = str(path.path);
  const pathType = path.pathType;
  if (pathType === 'Exact' || pathType === 'Prefix') {
    if (!value.startsWith('/')) errs.push(invalid(p.child('path'), value, 'must be an absolute path'));
    for (const seq of invalidPathSequences) {
      if (value.includes(seq)) errs.push(invalid(p.child('path'), value, `must not contain '${seq}'`));
    }
    for (const suffix of invalidPathSuffixes) {
      if (value.endsWith(suffix)) errs.push(invalid(p.child('path'), value, `cannot end with '${suffix}'`));
    }
  } else if (pathType === 'ImplementationSpecific') {
    if (value && !value.startsWith('/'))
      errs.push(invalid(p.child('path'), value, 'must be an absolute path'));
  } else {
    errs.push(notSupported(p.child('pathType'), pathType, pathTypes));
  }
  return errs.concat(validateBackend(obj(path.backend) ?? {}, p.child('backend')));
}

/** Exactly one of service/resource; a service port is exactly one of number/name. */
function validateBackend(backend: Obj, p: Path): FieldError[] {
  const service = obj(backend.service);
  const resource = obj(backend.resource);
  if (service && resource) return [invalid(p, '', 'cannot set both resource and service backends')];
  if (resource) return validateTypedReference(resource, p.child('resource'));
  if (!service) return [invalid(p, '', 'resource or service backend is required')];
  const errs: FieldError[] = [];
  const name = str(service.name);
  if (!name) errs.push(required(p.child('service', 'name')));
  // Service names are DNS-1035 labels (RelaxedServiceNameValidation, alpha in 1.34, would allow DNS labels).
  else errs.push(...nameIsDNS1035Label(name, false).map((m) => invalid(p.child('service', 'name'), name, m)));
  const port = obj(service.port) ?? {};
  const portName = str(port.name);
  const number = port.number;
  const hasNumber = number !== undefined && number !== null && number !== 0;
  if (portName && hasNumber) errs.push(invalid(p, '', 'cannot set both port name & port number'));
  else if (portName)
    errs.push(
      ...isValidPortName(portName).map((m) => invalid(p.child('service', 'port', 'name'), portName, m)),
    );
  else if (hasNumber) {
    errs.push(
      ...isValidPortNum(Number(number)).map((m) => invalid(p.child('service', 'port', 'number'), number, m)),
    );
  } else errs.push(required(p, 'port name or number is required'));
  return errs;
}

function validateTypedReference(ref: Obj, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  if (has(ref, 'apiGroup')) {
    const g = str(ref.apiGroup);
    errs.push(...isDNS1123Subdomain(g).map((m) => invalid(p.child('apiGroup'), g, m)));
  }
  for (const f of ['kind', 'name']) {
    const v = str(ref[f]);
    if (!v) errs.push(required(p.child(f)));
    else errs.push(...isPathSegmentName(v).map((m) => invalid(p.child(f), v, m)));
  }
  return errs;
}

const maxControllerLength = 250;

export function validateIngressClass(ic: IngressClass): FieldError[] {
  const errs = validateObjectMeta(
    ic.metadata,
    { nameFn: nameIsDNSSubdomain, namespaced: false },
    Path.of('metadata'),
  );
  const spec = obj(ic.spec) ?? {};
  const p = Path.of('spec');
  const controller = str(spec.controller);
  if (!controller) errs.push(required(p.child('controller')));
  else {
    if (new TextEncoder().encode(controller).length > maxControllerLength) {
      errs.push(tooLong(p.child('controller'), maxControllerLength));
    }
    errs.push(...isDomainPrefixedPath(p.child('controller'), controller));
  }
  const params = obj(spec.parameters);
  if (params) {
    const pp = p.child('parameters');
    errs.push(...validateTypedReference(params, pp));
    const scope = has(params, 'scope') ? str(params.scope) : 'Cluster'; // defaulted in v1
    if (scope !== 'Cluster' && scope !== 'Namespace')
      errs.push(notSupported(pp.child('scope'), scope, ['Cluster', 'Namespace']));
    if (scope === 'Namespace') {
      if (!has(params, 'namespace'))
        errs.push(required(pp.child('namespace'), "`parameters.scope` is set to 'Namespace'"));
      else {
        const ns = str(params.namespace);
        errs.push(...nameIsDNSLabel(ns, false).map((m) => invalid(pp.child('namespace'), ns, m)));
      }
    }
    if (scope === 'Cluster' && has(params, 'namespace')) {
      errs.push(forbidden(pp.child('namespace'), "`parameters.scope` is set to 'Cluster'"));
    }
  }
  return errs;
}
