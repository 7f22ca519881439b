// Service (core/v1): ValidateService, validateServicePort, ValidateServiceClusterIPsRelatedFields,
// validateServiceExternalTrafficPolicy and validateServiceInternalTrafficFieldsValue in
// kubernetes/kubernetes pkg/apis/core/validation/validation.go.
//
// Upstream validates after defaulting, so fields the API server defaults are read with their
// defaults here (type ClusterIP, protocol TCP, sessionAffinity None, traffic policies Cluster,
// targetPort = port, clusterIPs from clusterIP). Allocation (clusterIP, nodePort ranges,
// healthCheckNodePort) is not this module's job.

import type { Service } from '../types.js';
import { type FieldError, Path, duplicate, forbidden, invalid, notSupported, required } from './field.js';
import { validateCIDR, validateIP, validateNonSpecialIP } from './ip.js';
import { validateClusterIPs } from './service-cluster-ips.js';
import { validateLabelName, validateLabels, validateObjectMeta } from './metadata.js';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isValidPortName,
  isValidPortNum,
  nameIsDNS1035Label,
} from './names.js';
import { type Obj, has, list, obj, objList, str } from './read.js';

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
export const portProtocols = ['SCTP', 'TCP', 'UDP'];
const maxAffinitySeconds = 86400;

export function validateService(svc: Service): FieldError[] {
  const meta = Path.of('metadata');
  const errs = validateObjectMeta(svc.metadata, { nameFn: nameIsDNS1035Label, namespaced: true }, meta);
  const spec = obj(svc.spec) ?? {};
  const p = Path.of('spec');
  const type = has(spec, 'type') ? str(spec.type) : 'ClusterIP';
  const clusterIP = str(spec.clusterIP);
  const clusterIPs = has(spec, 'clusterIPs') ? list(spec.clusterIPs).map(str) : clusterIP ? [clusterIP] : [];
  const headless = clusterIPs.length === 1 && clusterIPs[0] === 'None';
  const ports = objList(spec.ports);

  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(required(p.child('ports')));
  if (type === 'LoadBalancer' || type === 'NodePort') {
    if (headless) {
      errs.push(
        invalid(p.child('clusterIPs').index(0), 'None', `may not be set to 'None' for ${type} services`),
      );
    }
  } else if (type === 'ExternalName') {
    if (clusterIPs.length > 0)
      errs.push(forbidden(p.child('clusterIPs'), 'may not be set for ExternalName services'));
    if (list(spec.ipFamilies).length > 0) {
      errs.push(forbidden(p.child('ipFamilies'), 'may not be set for ExternalName services'));
    }
    if (has(spec, 'ipFamilyPolicy')) {
      errs.push(forbidden(p.child('ipFamilyPolicy'), 'may not be set for ExternalName services'));
    }
    // The CNAME may have a trailing dot to mark it fully qualified.
    const cname = str(spec.externalName).replace(/\.$/, '');
    if (cname) errs.push(...isDNS1123Subdomain(cname).map((m) => invalid(p.child('externalName'), cname, m)));
    else errs.push(required(p.child('externalName')));
  }

  const names = new Set<string>();
  ports.forEach((port, i) =>
    errs.push(...validateServicePort(port, ports.length > 1, names, p.child('ports').index(i))),
  );
  if (has(spec, 'selector')) errs.push(...validateLabels(spec.selector, p.child('selector')));
  errs.push(...validateSessionAffinity(spec, p));
  if (type !== 'ExternalName') errs.push(...validateClusterIPs(spec, clusterIP, clusterIPs, headless, p));
  list(spec.externalIPs).forEach((v, i) => {
    const ipErrs = validateIP(p.child('externalIPs').index(i), str(v));
    errs.push(
      ...(ipErrs.length > 0 ? ipErrs : validateNonSpecialIP(p.child('externalIPs').index(i), str(v))),
    );
  });
  if (!serviceTypes.includes(type)) errs.push(notSupported(p.child('type'), type, serviceTypes));
  errs.push(...validateNodePorts(ports, type, p));

  // Upstream's path really is capitalised here: spec.LoadBalancerSourceRanges[i].
  const ranges = list(spec.loadBalancerSourceRanges).map(str);
  if (ranges.length > 0) {
    const rp = p.child('LoadBalancerSourceRanges');
    if (type !== 'LoadBalancer') errs.push(forbidden(rp, "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => errs.push(...validateCIDR(rp.index(i), r.trim())));
  }
  if (has(spec, 'allocateLoadBalancerNodePorts') && type !== 'LoadBalancer') {
    errs.push(
      forbidden(p.child('allocateLoadBalancerNodePorts'), "may only be used when `type` is 'LoadBalancer'"),
    );
  }
  if (has(spec, 'loadBalancerClass')) {
    if (type !== 'LoadBalancer') {
      errs.push(forbidden(p.child('loadBalancerClass'), "may only be used when `type` is 'LoadBalancer'"));
    } else {
      const cls = str(spec.loadBalancerClass);
      errs.push(...validateLabelName(cls, p.child('loadBalancerClass')));
    }
  }
  errs.push(...validateTrafficPolicies(spec, type, p));
  return errs;
}

function validateServicePort(port: Obj, requireName: boolean, names: Set<string>, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(port.name);
  if (requireName && !name) errs.push(required(p.child('name')));
  else if (name) {
    errs.push(...isDNS1123Label(name).map((m) => invalid(p.child('name'), name, m)));
    if (names.has(name)) errs.push(duplicate(p.child('name'), name));
    else names.add(name);
  }
  errs.push(...isValidPortNum(Number(port.port)).map((m) => invalid(p.child('port'), port.port ?? 0, m)));
  const protocol = has(port, 'protocol') ? str(port.protocol) : 'TCP';
  if (!protocol) errs.push(required(p.child('protocol')));
  else if (!portProtocols.includes(protocol))
    errs.push(notSupported(p.child('protocol'), protocol, portProtocols));
  // targetPort defaults to port when unset (or 0).
  const targetPort =
    port.targetPort === undefined || port.targetPort === null || port.targetPort === 0
      ? port.port
      : port.targetPort;
  errs.push(...validatePortNumOrName(targetPort, p.child('targetPort')));
  if (has(port, 'appProtocol'))
    errs.push(...validateLabelName(str(port.appProtocol), p.child('appProtocol')));
  return errs;
}

/** ValidatePortNumOrName: an IntOrString port, 1-65535 or an IANA_SVC_NAME. */
export function validatePortNumOrName(port: unknown, p: Path): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => invalid(p, port, m));
  const name = str(port);
  return isValidPortName(name).map((m) => invalid(p, name, m));
}

function validateSessionAffinity(spec: Obj, p: Path): FieldError[] {
  const affinity = has(spec, 'sessionAffinity') ? str(spec.sessionAffinity) : 'None';
  const cfgPath = p.child('sessionAffinityConfig');
  if (affinity === 'None') {
    return has(spec, 'sessionAffinityConfig')
      ? [forbidden(cfgPath, 'must not be set when session affinity is None')]
      : [];
  }
  if (affinity !== 'ClientIP')
    return [notSupported(p.child('sessionAffinity'), affinity, ['ClientIP', 'None'])];
  // timeoutSeconds defaults to 10800 when absent.
  const timeout = obj(obj(spec.sessionAffinityConfig)?.clientIP)?.timeoutSeconds;
  if (timeout === undefined || timeout === null) return [];
  if (typeof timeout !== 'number' || timeout <= 0 || timeout > maxAffinitySeconds) {
    return [
      invalid(
        cfgPath.child('clientIP', 'timeoutSeconds'),
        timeout,
        `must be greater than 0 and less than ${maxAffinitySeconds}`,
      ),
    ];
  }
  return [];
}

function validateNodePorts(ports: Obj[], type: string, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  const nodePorts = new Set<string>();
  const portKeys = new Set<string>();
  ports.forEach((port, i) => {
    const pp = p.child('ports').index(i);
    const protocol = has(port, 'protocol') ? str(port.protocol) : 'TCP';
    const nodePort = port.nodePort;
    if (typeof nodePort === 'number' && nodePort !== 0) {
      if (type === 'ClusterIP')
        errs.push(forbidden(pp.child('nodePort'), "may not be used when `type` is 'ClusterIP'"));
      // Not in ValidateService (the allocator checks the cluster's range); the absolute bound is ours.
      errs.push(...isValidPortNum(nodePort).map((m) => invalid(pp.child('nodePort'), nodePort, m)));
      const key = `${protocol}/${nodePort}`;
      if (nodePorts.has(key)) errs.push(duplicate(pp.child('nodePort'), nodePort));
      nodePorts.add(key);
    }
    // The duplicate (protocol, port) is reported with the internal core.ServicePort as its value.
    const key = `${protocol}/${String(port.port)}`;
    if (portKeys.has(key)) {
      const value = {
        Name: '',
        Protocol: protocol,
        AppProtocol: null,
        Port: port.port,
        TargetPort: 0,
        NodePort: 0,
      };
      errs.push(duplicate(pp, value));
    }
    portKeys.add(key);
  });
  return errs;
}

function validateTrafficPolicies(spec: Obj, type: string, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  const externallyAccessible =
    type === 'LoadBalancer' ||
    type === 'NodePort' ||
    (type === 'ClusterIP' && list(spec.externalIPs).length > 0);
  const etp = spec.externalTrafficPolicy;
  if (!externallyAccessible) {
    if (has(spec, 'externalTrafficPolicy') && etp !== '') {
      errs.push(
        invalid(p.child('externalTrafficPolicy'), etp, 'may only be set for externally-accessible services'),
      );
    }
  } else if (has(spec, 'externalTrafficPolicy') && etp !== 'Cluster' && etp !== 'Local') {
    errs.push(notSupported(p.child('externalTrafficPolicy'), etp, ['Cluster', 'Local']));
  }
  const hc = spec.healthCheckNodePort;
  if (typeof hc === 'number' && hc !== 0) {
    if (!(type === 'LoadBalancer' && etp === 'Local')) {
      const msg = "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'";
      errs.push(invalid(p.child('healthCheckNodePort'), hc, msg));
    } else errs.push(...isValidPortNum(hc).map((m) => invalid(p.child('healthCheckNodePort'), hc, m)));
  }
  const itp = spec.internalTrafficPolicy;
  if (has(spec, 'internalTrafficPolicy') && itp !== 'Cluster' && itp !== 'Local') {
    errs.push(notSupported(p.child('internalTrafficPolicy'), itp, ['Cluster', 'Local']));
  }
  // PreferSameZone/PreferSameNode: KEP-3015 (PreferSameTrafficDistribution, beta and on by default since 1.34).
  const distributions = ['PreferClose', 'PreferSameNode', 'PreferSameZone'];
  if (has(spec, 'trafficDistribution') && !distributions.includes(str(spec.trafficDistribution))) {
    errs.push(notSupported(p.child('trafficDistribution'), spec.trafficDistribution, distributions));
  }
  return errs;
}
