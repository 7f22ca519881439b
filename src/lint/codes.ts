// The catalogue of lint codes. A code never changes meaning or severity once published
// (DESIGN.md §3: tools depend on the JSON); docs/lint.md explains each one.

export type Severity = 'error' | 'warning' | 'info';

export interface CodeInfo {
  severity: Severity;
  /** Short kebab-case name, shown in docs and usable in future suppressions. */
  name: string;
}

export const CODES = {
  // PN0xx: the input as a set of manifests
  PN001: { severity: 'warning', name: 'duplicate-object' },
  PN002: { severity: 'warning', name: 'namespace-not-found' },
  // PN1xx: NetworkPolicy
  PN101: { severity: 'warning', name: 'policy-selects-no-pods' },
  PN102: { severity: 'warning', name: 'peer-selects-no-pods' },
  PN103: { severity: 'warning', name: 'peer-namespace-selector-matches-nothing' },
  PN104: { severity: 'warning', name: 'egress-blocks-dns' },
  PN105: { severity: 'info', name: 'egress-blocks-dns-over-tcp' },
  PN106: { severity: 'warning', name: 'policy-port-is-service-port' },
  PN107: { severity: 'warning', name: 'policy-named-port-not-declared' },
  PN108: { severity: 'warning', name: 'policy-rules-ignored' },
  PN109: { severity: 'warning', name: 'policy-not-enforced' },
  // PN2xx: Services
  PN201: { severity: 'warning', name: 'service-selects-no-pods' },
  PN202: { severity: 'error', name: 'target-port-name-not-declared' },
  PN203: { severity: 'warning', name: 'target-port-name-missing-on-some-pods' },
  PN204: { severity: 'warning', name: 'target-port-not-declared' },
  PN205: { severity: 'warning', name: 'headless-service-without-endpoints' },
  PN206: { severity: 'error', name: 'external-name-is-ip' },
  PN207: { severity: 'warning', name: 'local-traffic-policy-node-without-endpoint' },
  PN208: { severity: 'error', name: 'node-port-out-of-range' },
  PN209: { severity: 'error', name: 'node-port-conflict' },
  // PN3xx: Ingress and Gateway API
  PN301: { severity: 'error', name: 'backend-service-not-found' },
  PN302: { severity: 'error', name: 'backend-port-not-found' },
  PN303: { severity: 'error', name: 'backend-ref-not-permitted' },
  PN310: { severity: 'warning', name: 'tls-secret-not-found' },
  PN311: { severity: 'error', name: 'tls-secret-invalid' },
  PN312: { severity: 'error', name: 'tls-certificate-host-mismatch' },
  PN320: { severity: 'warning', name: 'ingress-without-class' },
  PN330: { severity: 'warning', name: 'ingress-path-conflict' },
  PN331: { severity: 'warning', name: 'ingress-default-backend-conflict' },
  // PN4xx: addressing
  PN401: { severity: 'error', name: 'cluster-cidrs-overlap' },
  PN402: { severity: 'warning', name: 'ipblock-in-service-cidr' },
  PN403: { severity: 'warning', name: 'ipblock-in-pod-cidr' },
  PN404: { severity: 'warning', name: 'cluster-ip-outside-service-cidr' },
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof CODES;
