// PN201-PN209: Services whose traffic cannot arrive. Sources: the Service concept page
// (https://kubernetes.io/docs/concepts/services-networking/service/: selectors, targetPort,
// "Services without selectors", ExternalName, NodePort range and collisions), and
// externalTrafficPolicy (docs: "Traffic policies"; DESIGN.md §4 known traps).
import { containerPorts, findPort } from '../api/pod.js';
import { mapSelectorMatches } from '../api/selector.js';
import { isHeadless, serviceType } from '../api/service-defaults.js';
import type { Pod, Service, ServicePort } from '../api/types.js';
import { SERVICE_NAME_LABEL } from '../controllers/endpointslice/reconcile.js';
import { isIP } from '../lib/netaddr/index.js';
import { serviceEndpoints } from '../analysis/services.js';
import type { LintContext } from './context.js';
import { finding, listSome, nn, type Finding } from './finding.js';

function hasSelector(svc: Service): boolean {
  return Object.keys(svc.spec?.selector ?? {}).length > 0;
}

function selectedPods(ctx: LintContext, svc: Service): Pod[] {
  // Services select hostNetwork pods too: take every pod of the namespace.
  return ctx.cluster.pods.filter(
    (p) =>
      p.metadata.namespace === svc.metadata.namespace &&
      mapSelectorMatches(svc.spec?.selector, p.metadata.labels),
  );
}

function lintSelector(ctx: LintContext, svc: Service, pods: Pod[]): Finding[] {
  if (pods.length > 0) return [];
  const ns = svc.metadata.namespace!;
  const sel = Object.entries(svc.spec!.selector!)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const none = !ctx.cluster.pods.some((p) => p.metadata.namespace === ns);
  return [
    finding(
      'PN201',
      svc,
      'spec.selector',
      `selector ${sel} matches no pod in namespace ${ns}${none ? ' (the input has no pods there)' : ''}: the Service has ` +
        `no endpoints, so connections to it are rejected and its DNS name has no backends. Make the selector ` +
        `equal to the pod template's labels (a Service selects pods of its own namespace only).`,
    ),
  ];
}

function lintTargetPort(svc: Service, sp: ServicePort, i: number, pods: Pod[]): Finding[] {
  const protocol = sp.protocol ?? 'TCP';
  const target = sp.targetPort ?? sp.port;
  const field = `spec.ports[${i}]${sp.targetPort !== undefined ? '.targetPort' : ''}`;
  if (typeof target === 'string' && !/^\d+$/.test(target)) {
    const missing = pods.filter((p) => findPort(p, target, protocol) === undefined);
    if (missing.length === 0) return [];
    const how = `Declare it in the pods' containers[].ports (name: ${target}, protocol: ${protocol}) or use the port number.`;
    if (missing.length === pods.length)
      return [
        finding(
          'PN202',
          svc,
          field,
          `targetPort "${target}" (${protocol}) is not the name of any container port of the selected pods ` +
            `(${listSome(pods.map(nn))}): they are left out of this port's endpoints, so port ${sp.port} has no backend. ${how}`,
        ),
      ];
    return [
      finding(
        'PN203',
        svc,
        field,
        `targetPort "${target}" (${protocol}) is not declared by ${listSome(missing.map(nn))} ` +
          `(${missing.length} of ${pods.length} selected pods): those pods get no traffic on port ${sp.port}. ${how}`,
      ),
    ];
  }
  const port = Number(target);
  // containerPort is informational: a process may listen without declaring it. Only when the pods
  // declare ports, and none of them is this one, is the mismatch worth saying.
  const declared = pods.flatMap((p) => containerPorts(p).filter((cp) => cp.protocol === protocol));
  if (declared.length === 0 || declared.some((cp) => cp.containerPort === port)) return [];
  const known = [...new Set(declared.map((cp) => cp.containerPort))].sort((a, b) => a - b);
  return [
    finding(
      'PN204',
      svc,
      field,
      `targetPort ${port} (${protocol}) is not a declared container port of the selected pods, which declare ` +
        `${listSome(known.map(String), 5)}. Unless a process listens on ${port} undeclared, connections are refused. ` +
        `Set targetPort to the port the container listens on (or its name).`,
    ),
  ];
}

/**
 * A headless Service with ports and no selector gets no EndpointSlices from the control plane
 * ("Services without selectors"): unless something creates them, its name resolves to nothing.
 * Selector-less ClusterIP Services are left alone: their endpoints are usually managed outside
 * the manifests (an operator, an external database), and a lint cannot see that.
 */
function lintSelectorless(ctx: LintContext, svc: Service): Finding[] {
  if (hasSelector(svc) || !isHeadless(svc) || (svc.spec?.ports ?? []).length === 0) return [];
  const slices = ctx.cluster.endpointSlices.some(
    (s) =>
      s.metadata.namespace === svc.metadata.namespace &&
      s.metadata.labels?.[SERVICE_NAME_LABEL] === svc.metadata.name,
  );
  if (slices) return [];
  return [
    finding(
      'PN205',
      svc,
      'spec.selector',
      `the headless Service has ports but no selector and no EndpointSlice labelled ${SERVICE_NAME_LABEL}: ${svc.metadata.name}, ` +
        `so the control plane creates no endpoints and its DNS name resolves to no address. Add a selector, or ` +
        `EndpointSlices for the addresses (or use type ExternalName for a DNS alias).`,
    ),
  ];
}

function lintExternalName(svc: Service): Finding[] {
  const name = svc.spec?.externalName;
  if (serviceType(svc) !== 'ExternalName' || !name || !isIP(name.replace(/\.$/, ''))) return [];
  return [
    finding(
      'PN206',
      svc,
      'spec.externalName',
      `externalName ${name} is an IP address: ExternalName makes a DNS CNAME, and "${name}" as a name does not ` +
        `resolve (the Service docs: ExternalNames that resemble IPv4 addresses are not resolved by DNS servers). ` +
        `Use a selectorless Service with an EndpointSlice for the address, or a real DNS name.`,
    ),
  ];
}

function lintLocalPolicy(ctx: LintContext, svc: Service): Finding[] {
  const type = serviceType(svc);
  if ((type !== 'NodePort' && type !== 'LoadBalancer') || svc.spec?.externalTrafficPolicy !== 'Local')
    return [];
  const nodesWith = new Set<string>();
  for (const sp of svc.spec.ports ?? [])
    for (const c of serviceEndpoints(ctx.cluster, svc, sp))
      if (c.nodeName && c.endpoint.conditions?.ready !== false) nodesWith.add(c.nodeName);
  if (nodesWith.size === 0) return []; // no endpoints at all: PN201/PN202 say why
  const without = ctx.cluster.nodes.map((n) => n.metadata.name!).filter((n) => !nodesWith.has(n));
  if (without.length === 0) return [];
  const lb =
    type === 'LoadBalancer'
      ? ' A load balancer that health-checks spec.healthCheckNodePort avoids those nodes; clients using the NodePort directly do not.'
      : '';
  return [
    finding(
      'PN207',
      svc,
      'spec.externalTrafficPolicy',
      `externalTrafficPolicy Local, but node${without.length > 1 ? 's' : ''} ${listSome(without)} ` +
        `${without.length > 1 ? 'have' : 'has'} no ready endpoint: external traffic arriving there is dropped ` +
        `(Local never forwards to another node; it keeps the client's source IP).${lb} ` +
        `Run a backend on every node (e.g. a DaemonSet), or use externalTrafficPolicy Cluster.`,
    ),
  ];
}

function lintNodePorts(ctx: LintContext): Finding[] {
  const [lo, hi] = ctx.cluster.config.nodePortRange;
  const out: Finding[] = [];
  const owners = new Map<number, string>();
  for (const svc of ctx.cluster.services) {
    const entries: { port: number; field: string }[] = [];
    (svc.spec?.ports ?? []).forEach((sp, i) => {
      if (sp.nodePort) entries.push({ port: sp.nodePort, field: `spec.ports[${i}].nodePort` });
    });
    if (svc.spec?.healthCheckNodePort)
      entries.push({ port: svc.spec.healthCheckNodePort, field: 'spec.healthCheckNodePort' });
    const mine = new Set<number>();
    for (const { port, field } of entries) {
      if (port < lo || port > hi)
        out.push(
          finding(
            'PN208',
            svc,
            field,
            `node port ${port} is outside the cluster's NodePort range ${lo}-${hi}: the API server rejects the ` +
              `Service ("provided port is not in the valid range"). Pick a port in the range, or omit it to have one allocated.`,
          ),
        );
      const owner = owners.get(port);
      if (owner && !mine.has(port))
        out.push(
          finding(
            'PN209',
            svc,
            field,
            `node port ${port} is already used by Service ${owner}: node ports are cluster-wide, and the API server ` +
              `rejects the second Service ("provided port is already allocated"). Choose another port, or omit it.`,
          ),
        );
      else owners.set(port, nn(svc));
      mine.add(port);
    }
  }
  return out;
}

export function lintServices(ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  for (const svc of ctx.cluster.services) {
    out.push(...lintExternalName(svc), ...lintSelectorless(ctx, svc), ...lintLocalPolicy(ctx, svc));
    if (!hasSelector(svc) || serviceType(svc) === 'ExternalName') continue;
    const pods = selectedPods(ctx, svc);
    out.push(...lintSelector(ctx, svc, pods));
    if (pods.length > 0)
      (svc.spec?.ports ?? []).forEach((sp, i) => out.push(...lintTargetPort(svc, sp, i, pods)));
  }
  out.push(...lintNodePorts(ctx));
  return out;
}
