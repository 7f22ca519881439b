// PN301-PN303, PN320, PN330, PN331: Ingress and HTTPRoute backends that cannot be used,
// Ingresses no controller picks up, and rules that several Ingresses claim. Sources: the
// Ingress docs (https://kubernetes.io/docs/concepts/services-networking/ingress/: IngressClass,
// default IngressClass, backends), Gateway API httproute_types.go (BackendRef; "If ... invalid
// ... MUST receive a 500"), referencegrant_types.go; ingress-nginx's admission check that
// rejects a host+path already defined by another Ingress.
import type { Cluster } from '../api/cluster.js';
import type { Ingress, IngressBackend, IngressClass } from '../api/types.js';
import { referenceGranted } from '../ingress/gateway-backends.js';
import type { HTTPRoute } from '../ingress/gateway-types.js';
import { DEFAULT_CLASS_ANNOTATION, LEGACY_CLASS_ANNOTATION } from '../ingress/ingress-class.js';
import { indexServices, resolveServicePort, type ServiceIndex } from '../ingress/services.js';
import type { LintContext } from './context.js';
import { finding, nn, type Finding } from './finding.js';

const isDefaultClass = (c: IngressClass) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true';

/** The class an Ingress belongs to: named, legacy annotation, else the default class; null for none. */
export function effectiveIngressClass(cluster: Cluster, ing: Ingress): string | null {
  const named = ing.spec?.ingressClassName ?? ing.metadata.annotations?.[LEGACY_CLASS_ANNOTATION];
  if (named) return named;
  const defaults = cluster.ingressClasses.filter(isDefaultClass).map((c) => c.metadata.name!);
  return defaults.sort()[0] ?? null;
}

function lintIngressBackend(
  services: ServiceIndex,
  ing: Ingress,
  backend: IngressBackend | undefined,
  base: string,
): Finding[] {
  const svc = backend?.service;
  if (!svc) return []; // resource backends belong to the controller
  const ns = ing.metadata.namespace!;
  if (!services.has(`${ns}/${svc.name}`))
    return [
      finding(
        'PN301',
        ing,
        `${base}.service.name`,
        `backend Service ${ns}/${svc.name} does not exist: requests routed here get an error from the controller ` +
          `(500/503). Create the Service, or fix the name (an Ingress can only use Services of its own namespace).`,
      ),
    ];
  const r = resolveServicePort(services, ns, svc.name, svc.port);
  if (r.ok) return [];
  const ports = (services.get(`${ns}/${svc.name}`)!.spec?.ports ?? [])
    .map((p) => (p.name ? `${p.port} (${p.name})` : `${p.port}`))
    .join(', ');
  return [
    finding(
      'PN302',
      ing,
      `${base}.service.port`,
      `${r.reason} (it has ${ports || 'no ports'}): requests routed here get an error from the controller. ` +
        `An Ingress backend names the Service's port (number or name), not the container's.`,
    ),
  ];
}

function lintIngressBackends(ctx: LintContext, ing: Ingress): Finding[] {
  const services = indexServices(ctx.cluster);
  const out = lintIngressBackend(services, ing, ing.spec?.defaultBackend, 'spec.defaultBackend');
  (ing.spec?.rules ?? []).forEach((rule, i) =>
    (rule.http?.paths ?? []).forEach((p, j) =>
      out.push(...lintIngressBackend(services, ing, p.backend, `spec.rules[${i}].http.paths[${j}].backend`)),
    ),
  );
  return out;
}

function lintRouteBackends(ctx: LintContext, route: HTTPRoute): Finding[] {
  const out: Finding[] = [];
  const routeNs = route.metadata.namespace!;
  (route.spec?.rules ?? []).forEach((rule, i) =>
    (rule.backendRefs ?? []).forEach((ref, j) => {
      if ((ref.group ?? '') !== '' || (ref.kind ?? 'Service') !== 'Service') return; // implementation-specific kinds
      const base = `spec.rules[${i}].backendRefs[${j}]`;
      const ns = ref.namespace ?? routeNs;
      if (ns !== routeNs && !referenceGranted(ctx.cluster, routeNs, ns, ref.name)) {
        out.push(
          finding(
            'PN303',
            route,
            `${base}.namespace`,
            `backendRef to Service ${ns}/${ref.name} crosses namespaces, and no ReferenceGrant in ${ns} allows ` +
              `HTTPRoutes from ${routeNs} to use it (RefNotPermitted): requests for this rule get 500. Add a ReferenceGrant ` +
              `in ${ns} (from: HTTPRoute in ${routeNs}, to: Service ${ref.name}).`,
          ),
        );
        return;
      }
      const svc = ctx.cluster.services.find(
        (s) => s.metadata.namespace === ns && s.metadata.name === ref.name,
      );
      if (!svc) {
        out.push(
          finding(
            'PN301',
            route,
            `${base}.name`,
            `backendRef Service ${ns}/${ref.name} does not exist (BackendNotFound): requests for this rule get 500. ` +
              `Create the Service or fix the name.`,
          ),
        );
        return;
      }
      const ports = svc.spec?.ports ?? [];
      if (ref.port === undefined)
        out.push(
          finding(
            'PN302',
            route,
            base,
            `backendRef to Service ${ns}/${ref.name} has no port, which a Service reference requires: requests ` +
              `for this rule get 500. Set port to one of the Service's ports (${ports.map((p) => p.port).join(', ')}).`,
          ),
        );
      else if (svc.spec?.type !== 'ExternalName' && !ports.some((p) => p.port === ref.port))
        out.push(
          finding(
            'PN302',
            route,
            `${base}.port`,
            `Service ${ns}/${ref.name} has no port ${ref.port} (it has ${ports.map((p) => p.port).join(', ') || 'none'}): ` +
              `requests for this rule get 500. A backendRef port is the Service's port, not the container's.`,
          ),
        );
    }),
  );
  return out;
}

function lintClass(ctx: LintContext, ing: Ingress): Finding[] {
  if (effectiveIngressClass(ctx.cluster, ing) !== null) return [];
  return [
    finding(
      'PN320',
      ing,
      'spec.ingressClassName',
      `the Ingress names no class (spec.ingressClassName, or the deprecated ${LEGACY_CLASS_ANNOTATION} annotation) ` +
        `and no IngressClass is marked default (${DEFAULT_CLASS_ANNOTATION}: "true"): most controllers ignore ` +
        `such an Ingress (ingress-nginx since v1.0, unless --watch-ingress-without-class). Set spec.ingressClassName.`,
    ),
  ];
}

/** Ingresses in precedence order: the older first, then by namespace/name (as controllers merge). */
function byAge(ingresses: Ingress[]): Ingress[] {
  const key = (i: Ingress) => `${i.metadata.creationTimestamp ?? ''}\u0000${nn(i)}`;
  return [...ingresses].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function lintConflicts(ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  const claims = new Map<string, string>();
  const defaults = new Map<string, string>();
  for (const ing of byAge(ctx.cluster.ingresses)) {
    const cls = effectiveIngressClass(ctx.cluster, ing) ?? '';
    const where = (field: string) => `Ingress ${nn(ing)} ${field}`;
    if (ing.spec?.defaultBackend) {
      const first = defaults.get(cls);
      if (first)
        out.push(
          finding(
            'PN331',
            ing,
            'spec.defaultBackend',
            `${first} already defines the defaultBackend for ${cls ? `class ${cls}` : 'Ingresses without class'}: ` +
              `only one can be used (podnet and most controllers take the oldest). Keep one defaultBackend per class.`,
          ),
        );
      else defaults.set(cls, where('spec.defaultBackend'));
    }
    (ing.spec?.rules ?? []).forEach((rule, i) =>
      (rule.http?.paths ?? []).forEach((p, j) => {
        const field = `spec.rules[${i}].http.paths[${j}]`;
        const key = [cls, rule.host ?? '', p.path ?? '', p.pathType ?? 'ImplementationSpecific'].join(
          '\u0000',
        );
        const first = claims.get(key);
        if (!first) {
          claims.set(key, where(field));
          return;
        }
        out.push(
          finding(
            'PN330',
            ing,
            field,
            `host ${rule.host || '(any)'} path ${p.path ?? '/'} (${p.pathType ?? 'ImplementationSpecific'}) is also ` +
              `claimed by ${first}${cls ? ` in class ${cls}` : ''}: only one rule gets the requests (podnet takes the ` +
              `older Ingress; ingress-nginx's admission webhook rejects the second). Remove one, or change the path.`,
          ),
        );
      }),
    );
  }
  return out;
}

export function lintIngress(ctx: LintContext): Finding[] {
  return [
    ...ctx.cluster.ingresses.flatMap((ing) => [...lintIngressBackends(ctx, ing), ...lintClass(ctx, ing)]),
    ...(ctx.cluster.httpRoutes as HTTPRoute[]).flatMap((r) => lintRouteBackends(ctx, r)),
    ...lintConflicts(ctx),
  ];
}
