// Pod and PodSpec, the parts that matter for networking: kubernetes/kubernetes
// pkg/apis/core/validation/validation.go (validatePodMetadataAndSpec, ValidatePodSpec,
// validateContainers, validateInitContainers, validateContainerCommon, validateContainerPorts,
// AccumulateUniqueHostPorts, validatePodHostNetworkDeps, validatePodIPs, probes' ports).
//
// Deliberately not checked: container `image` (upstream requires it; podnet runs `command` from the
// host without images), resources, volumes, security contexts, env, affinity, tolerations.

import type { Pod } from '../types.js';
import { type FieldError, Path, duplicate, invalid, notSupported, required } from './field.js';
import { isDualStack, parseIPSloppy, validateIP } from './ip.js';
import { validateAnnotations, validateLabels, validateObjectMeta } from './metadata.js';
import { isDNS1123Label, isValidPortName, isValidPortNum, nameIsDNSSubdomain } from './names.js';
import { type Obj, has, list, obj, objList, str } from './read.js';
import { portProtocols, validatePortNumOrName } from './service.js';

const restartPolicies = ['Always', 'OnFailure', 'Never'];

export function validatePod(pod: Pod): FieldError[] {
  const errs = validateObjectMeta(
    pod.metadata,
    { nameFn: nameIsDNSSubdomain, namespaced: true },
    Path.of('metadata'),
  );
  errs.push(...validatePodSpec(obj(pod.spec) ?? {}, Path.of('spec')));
  errs.push(...validatePodIPs(obj(pod.status) ?? {}));
  return errs;
}

/** ValidatePodTemplateSpec (workload templates): labels, annotations and the pod spec. */
export function validatePodTemplateSpec(template: Obj, p: Path): FieldError[] {
  const meta = obj(template.metadata) ?? {};
  const errs = validateLabels(meta.labels, p.child('labels'));
  errs.push(...validateAnnotations(meta.annotations, p.child('annotations')));
  errs.push(...validatePodSpec(obj(template.spec) ?? {}, p.child('spec')));
  return errs;
}

/** The restart policy after defaulting (Always). */
export const restartPolicyOf = (spec: Obj): unknown =>
  has(spec, 'restartPolicy') ? spec.restartPolicy : 'Always';

export function validatePodSpec(spec: Obj, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  const containers = objList(spec.containers);
  const cp = p.child('containers');
  const names = new Set<string>();
  if (containers.length === 0) errs.push(required(cp));
  containers.forEach((c, i) => {
    errs.push(...validateContainer(c, cp.index(i)));
    const name = str(c.name);
    if (names.has(name)) errs.push(duplicate(cp.index(i).child('name'), name));
    else names.add(name);
  });
  errs.push(...checkHostPortConflicts(containers, cp));
  objList(spec.initContainers).forEach((c, i) => {
    const ip = p.child('initContainers').index(i);
    errs.push(...validateContainer(c, ip));
    const name = str(c.name);
    if (names.has(name)) errs.push(duplicate(ip.child('name'), name));
    else if (name) names.add(name);
    errs.push(...checkHostPortConflicts([c], p.child('initContainers')));
  });
  if (spec.hostNetwork === true) {
    containers.forEach((c, i) =>
      objList(c.ports).forEach((port, j) => {
        // hostPort is defaulted to containerPort for host-network pods, so only a different value is wrong.
        const hp = Number(port.hostPort ?? 0);
        if (hp !== 0 && hp !== port.containerPort) {
          const path = cp.index(i).child('ports').index(j).child('hostPort');
          errs.push(invalid(path, hp, 'must match `containerPort` when `hostNetwork` is true'));
        }
      }),
    );
  }
  const restartPolicy = restartPolicyOf(spec);
  if (restartPolicy === '') errs.push(required(p.child('restartPolicy')));
  else if (!restartPolicies.includes(str(restartPolicy))) {
    errs.push(notSupported(p.child('restartPolicy'), restartPolicy, restartPolicies));
  }
  errs.push(...validateLabels(spec.nodeSelector, p.child('nodeSelector')));
  const nodeName = str(spec.nodeName);
  if (nodeName)
    errs.push(...nameIsDNSSubdomain(nodeName, false).map((m) => invalid(p.child('nodeName'), nodeName, m)));
  for (const f of ['hostname', 'subdomain']) {
    const v = str(spec[f]);
    if (v) errs.push(...isDNS1123Label(v).map((m) => invalid(p.child(f), v, m)));
  }
  return errs;
}

/** validateContainerCommon + probes: name, ports, probe ports. */
function validateContainer(c: Obj, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name);
  if (!name) errs.push(required(p.child('name')));
  else errs.push(...isDNS1123Label(name).map((m) => invalid(p.child('name'), name, m)));
  errs.push(...validateContainerPorts(objList(c.ports), p.child('ports')));
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const pr = obj(c[probe]);
    if (!pr) continue;
    for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
      const h = obj(pr[handler]);
      if (h && handler !== 'grpc')
        errs.push(...validatePortNumOrName(h.port, p.child(probe, handler, 'port')));
      if (h && handler === 'grpc') {
        errs.push(
          ...isValidPortNum(Number(h.port)).map((m) => invalid(p.child(probe, handler, 'port'), h.port, m)),
        );
      }
    }
  }
  return errs;
}

/** validateContainerPorts: names are IANA_SVC_NAMEs unique per container; protocol defaults to TCP. */
function validateContainerPorts(ports: Obj[], p: Path): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const ip = p.index(i);
    const name = str(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) errs.push(...msgs.map((m) => invalid(ip.child('name'), name, m)));
      else if (names.has(name)) errs.push(duplicate(ip.child('name'), name));
      else names.add(name);
    }
    const cport = port.containerPort;
    if (cport === undefined || cport === null || cport === 0) errs.push(required(ip.child('containerPort')));
    else errs.push(...isValidPortNum(Number(cport)).map((m) => invalid(ip.child('containerPort'), cport, m)));
    const hostPort = port.hostPort;
    if (hostPort !== undefined && hostPort !== null && hostPort !== 0) {
      errs.push(...isValidPortNum(Number(hostPort)).map((m) => invalid(ip.child('hostPort'), hostPort, m)));
    }
    const protocol = has(port, 'protocol') ? str(port.protocol) : 'TCP';
    if (!protocol) errs.push(required(ip.child('protocol')));
    else if (!portProtocols.includes(protocol))
      errs.push(notSupported(ip.child('protocol'), protocol, portProtocols));
  });
  return errs;
}

/** AccumulateUniqueHostPorts: a hostIP/protocol/hostPort triple may appear once. */
function checkHostPortConflicts(containers: Obj[], p: Path): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((c, i) =>
    objList(c.ports).forEach((port, j) => {
      const hostPort = Number(port.hostPort ?? 0);
      if (!hostPort) return;
      const key = `${str(port.hostIP)}/${has(port, 'protocol') ? str(port.protocol) : 'TCP'}/${hostPort}`;
      if (seen.has(key)) errs.push(duplicate(p.index(i).child('ports').index(j).child('hostPort'), key));
      seen.add(key);
    }),
  );
  return errs;
}

/**
 * validatePodIPs: each IP strictly valid and canonical; two at most, one per family, no duplicates.
 * In v1 `status.podIP` is podIPs[0]; when only podIP is given it is reported at its own path.
 */
function validatePodIPs(status: Obj): FieldError[] {
  const podIPs = objList(status.podIPs).map((x) => str(x.ip));
  if (podIPs.length === 0)
    return has(status, 'podIP') ? validateIP(Path.of('status', 'podIP'), str(status.podIP)) : [];
  const p = Path.of('status', 'podIPs');
  const errs: FieldError[] = [];
  podIPs.forEach((ip, i) => errs.push(...validateIP(p.index(i), ip)));
  if (podIPs.length > 1) {
    if (!isDualStack(podIPs.map((ip) => parseIPSloppy(ip)?.is4 ?? false)) || podIPs.length > 2) {
      errs.push(invalid(p, list(status.podIPs), 'may specify no more than one IP for each IP family'));
    }
    const seen = new Set<string>();
    podIPs.forEach((ip, i) => {
      if (seen.has(ip)) errs.push(duplicate(p.index(i), { ip }));
      seen.add(ip);
    });
  }
  return errs;
}
