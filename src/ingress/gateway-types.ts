// Gateway API object shapes (gateway.networking.k8s.io v1: GatewayClass, Gateway, HTTPRoute;
// v1beta1: ReferenceGrant), as JSON. Field names follow kubernetes-sigs/gateway-api
// apis/v1/gateway_types.go, httproute_types.go, shared_types.go and
// apis/v1beta1/referencegrant_types.go verbatim; every field is optional because input comes
// from users before defaulting (the Cluster keeps these objects as given).
import type { KubeObject, LabelSelector, ObjectMeta } from '../api/types.js';

export interface GatewayClass extends KubeObject {
  kind: 'GatewayClass';
  metadata: ObjectMeta;
  spec?: { controllerName?: string; description?: string };
}

export interface SecretObjectReference {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
}

export interface RouteGroupKind {
  group?: string;
  kind: string;
}

export interface AllowedRoutes {
  namespaces?: { from?: 'All' | 'Same' | 'Selector' | string; selector?: LabelSelector };
  kinds?: RouteGroupKind[];
}

export interface Listener {
  name: string;
  hostname?: string;
  port: number;
  protocol: 'HTTP' | 'HTTPS' | 'TLS' | 'TCP' | 'UDP' | string;
  tls?: { mode?: 'Terminate' | 'Passthrough' | string; certificateRefs?: SecretObjectReference[] };
  allowedRoutes?: AllowedRoutes;
}

export interface Gateway extends KubeObject {
  kind: 'Gateway';
  metadata: ObjectMeta;
  spec?: {
    gatewayClassName?: string;
    listeners?: Listener[];
    addresses?: { type?: string; value?: string }[];
    infrastructure?: { parametersRef?: { group?: string; kind?: string; name?: string } };
  };
}

export interface ParentReference {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface HTTPPathMatch {
  type?: 'Exact' | 'PathPrefix' | 'RegularExpression' | string;
  value?: string;
}

export interface HTTPHeaderMatch {
  type?: 'Exact' | 'RegularExpression' | string;
  name: string;
  value: string;
}

export type HTTPQueryParamMatch = HTTPHeaderMatch;

export interface HTTPRouteMatch {
  path?: HTTPPathMatch;
  headers?: HTTPHeaderMatch[];
  queryParams?: HTTPQueryParamMatch[];
  method?: string;
}

export interface HTTPHeader {
  name: string;
  value: string;
}

export interface HTTPHeaderFilter {
  set?: HTTPHeader[];
  add?: HTTPHeader[];
  remove?: string[];
}

export interface HTTPPathModifier {
  type: 'ReplaceFullPath' | 'ReplacePrefixMatch' | string;
  replaceFullPath?: string;
  replacePrefixMatch?: string;
}

export interface HTTPRequestRedirectFilter {
  scheme?: 'http' | 'https' | string;
  hostname?: string;
  path?: HTTPPathModifier;
  port?: number;
  statusCode?: number;
}

export interface HTTPRouteFilter {
  type:
    | 'RequestHeaderModifier'
    | 'ResponseHeaderModifier'
    | 'RequestMirror'
    | 'RequestRedirect'
    | 'URLRewrite'
    | 'CORS'
    | 'ExtensionRef'
    | string;
  requestHeaderModifier?: HTTPHeaderFilter;
  responseHeaderModifier?: HTTPHeaderFilter;
  requestRedirect?: HTTPRequestRedirectFilter;
  urlRewrite?: { hostname?: string; path?: HTTPPathModifier };
  requestMirror?: unknown;
  extensionRef?: { group: string; kind: string; name: string };
}

export interface HTTPBackendRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
  weight?: number;
  filters?: HTTPRouteFilter[];
}

export interface HTTPRouteRule {
  name?: string;
  matches?: HTTPRouteMatch[];
  filters?: HTTPRouteFilter[];
  backendRefs?: HTTPBackendRef[];
}

export interface HTTPRoute extends KubeObject {
  kind: 'HTTPRoute';
  metadata: ObjectMeta;
  spec?: { parentRefs?: ParentReference[]; hostnames?: string[]; rules?: HTTPRouteRule[] };
}

export interface ReferenceGrant extends KubeObject {
  kind: 'ReferenceGrant';
  metadata: ObjectMeta;
  spec?: {
    from?: { group?: string; kind: string; namespace: string }[];
    to?: { group?: string; kind: string; name?: string }[];
  };
}

/** The API group of every Gateway API kind. */
export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
