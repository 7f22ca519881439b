// A kubeconfig for the local cluster: one cluster (server URL + the CA inline), one user (bearer
// token), one context `podnet-<name>` made current. Rendered as YAML by hand: the shape is fixed.

export interface KubeconfigOptions {
  /** Cluster name: the context is `podnet-<name>`. */
  name: string;
  server: string;
  caCertPem: string;
  token: string;
  namespace?: string;
}

export function renderKubeconfig(o: KubeconfigOptions): string {
  const ctx = `podnet-${o.name}`;
  const ca = Buffer.from(o.caCertPem, 'utf8').toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${ctx}`,
    '  cluster:',
    `    server: ${o.server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    `- name: ${ctx}`,
    '  user:',
    `    token: ${o.token}`,
    'contexts:',
    `- name: ${ctx}`,
    '  context:',
    `    cluster: ${ctx}`,
    `    user: ${ctx}`,
    ...(o.namespace ? [`    namespace: ${o.namespace}`] : []),
    `current-context: ${ctx}`,
    'preferences: {}',
    '',
  ].join('\n');
}
