// The resource names kubectl accepts for each kind podnet models (plural, singular, short names).
export const KIND_ALIASES: Record<string, string[]> = {
  Namespace: ['namespaces', 'namespace', 'ns'],
  Node: ['nodes', 'node', 'no'],
  Pod: ['pods', 'pod', 'po'],
  Service: ['services', 'service', 'svc'],
  EndpointSlice: ['endpointslices', 'endpointslice'],
  NetworkPolicy: ['networkpolicies', 'networkpolicy', 'netpol'],
  Deployment: ['deployments', 'deployment', 'deploy'],
  ReplicaSet: ['replicasets', 'replicaset', 'rs'],
  StatefulSet: ['statefulsets', 'statefulset', 'sts'],
  DaemonSet: ['daemonsets', 'daemonset', 'ds'],
  Job: ['jobs', 'job'],
  Ingress: ['ingresses', 'ingress', 'ing'],
  IngressClass: ['ingressclasses', 'ingressclass'],
  Secret: ['secrets', 'secret'],
  ConfigMap: ['configmaps', 'configmap', 'cm'],
  GatewayClass: ['gatewayclasses', 'gatewayclass', 'gc'],
  Gateway: ['gateways', 'gateway', 'gtw'],
  HTTPRoute: ['httproutes', 'httproute'],
  ReferenceGrant: ['referencegrants', 'referencegrant', 'refgrant'],
};

export function kindFromResource(resource: string): string | undefined {
  const r = resource.toLowerCase();
  return Object.entries(KIND_ALIASES).find(
    ([kind, aliases]) => aliases.includes(r) || kind.toLowerCase() === r,
  )?.[0];
}
