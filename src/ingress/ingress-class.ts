// Which IngressClass podnet serves, and which Ingresses belong to it.
// Sources: kubernetes/website content/en/docs/concepts/services-networking/ingress.md
// (IngressClass, Default IngressClass, deprecated annotation); kubernetes/api networking/v1
// types.go (IngressSpec.IngressClassName); ingress-controller-conformance
// features/ingress_class.feature (an Ingress naming another class gets no traffic).
import type { Cluster } from '../api/cluster.js';
import type { Ingress, IngressClass } from '../api/types.js';

/** spec.controller of podnet's own IngressClass. */
export const PODNET_INGRESS_CONTROLLER = 'podnet.dev/ingress-controller';
/** ingress.md (Default IngressClass): marks the class used by Ingresses without a class. */
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
/** The class annotation that predates spec.ingressClassName (deprecated since 1.18). */
export const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

function isDefault(c: IngressClass): boolean {
  return c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true';
}

/**
 * The class to serve: `requested` when given (it need not exist as an object); else the
 * class whose spec.controller is podnet's; else the class annotated as default; else null
 * (then only Ingresses that name no class are served). Ties pick the first by name.
 */
export function selectIngressClass(
  cluster: Cluster,
  requested?: string,
): { name: string | null; reason: string } {
  if (requested) {
    const exists = cluster.ingressClasses.some((c) => c.metadata?.name === requested);
    return {
      name: requested,
      reason: `serving IngressClass ${requested} (requested${exists ? '' : '; no IngressClass object of that name'})`,
    };
  }
  const byName = [...cluster.ingressClasses].sort((a, b) =>
    `${a.metadata?.name}`.localeCompare(`${b.metadata?.name}`),
  );
  const own = byName.find((c) => c.spec?.controller === PODNET_INGRESS_CONTROLLER);
  if (own)
    return {
      name: `${own.metadata?.name}`,
      reason: `serving IngressClass ${own.metadata?.name} (controller ${PODNET_INGRESS_CONTROLLER})`,
    };
  const def = byName.find(isDefault);
  if (def)
    return {
      name: `${def.metadata?.name}`,
      reason: `serving IngressClass ${def.metadata?.name} (the default class)`,
    };
  return {
    name: null,
    reason: 'no IngressClass for podnet and no default class: serving Ingresses that name no class',
  };
}

/**
 * Whether an Ingress belongs to `className`. spec.ingressClassName decides when set; else the
 * legacy annotation; an Ingress naming neither belongs to the class when that class is
 * annotated as the default (or when no class is served at all).
 */
export function ingressServedBy(
  cluster: Cluster,
  ing: Ingress,
  className: string | null,
): { served: boolean; reason: string } {
  const named = ing.spec?.ingressClassName;
  if (named) {
    return named === className
      ? { served: true, reason: `ingressClassName ${named}` }
      : { served: false, reason: `ingressClassName ${named} is not ${className ?? 'served'}` };
  }
  const legacy = ing.metadata?.annotations?.[LEGACY_CLASS_ANNOTATION];
  if (legacy) {
    return legacy === className
      ? { served: true, reason: `annotation ${LEGACY_CLASS_ANNOTATION}: ${legacy}` }
      : {
          served: false,
          reason: `annotation ${LEGACY_CLASS_ANNOTATION}: ${legacy} is not ${className ?? 'served'}`,
        };
  }
  if (className === null) return { served: true, reason: 'names no class, and no class is served' };
  const cls = cluster.ingressClasses.find((c) => c.metadata?.name === className);
  return cls && isDefault(cls)
    ? { served: true, reason: `names no class; ${className} is the default IngressClass` }
    : { served: false, reason: `names no class, and ${className} is not the default IngressClass` };
}
