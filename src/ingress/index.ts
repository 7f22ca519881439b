// HTTP routing for Ingress and Gateway API: pure, no I/O. See README.md.
export * from './types.js';
export { parseRequestUrl, RequestParseError, hostnameOf, parseQuery } from './request.js';
export {
  PODNET_INGRESS_CONTROLLER,
  selectIngressClass,
  routeIngress,
  routeIngressTable,
  buildIngressTable,
} from './ingress-routes.js';
export type { IngressTable } from './ingress-routes.js';
export { routeGateway, routeGatewayTable, buildGatewayTable } from './gateway-routes.js';
export type { GatewayTable } from './gateway-routes.js';
export { clusterFromObjects } from './testing.js';
export type * from './gateway-types.js';
