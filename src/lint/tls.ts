// PN310-PN312: TLS Secrets of Ingresses and Gateway listeners: missing, unreadable, or with a
// certificate that does not cover the host (Ingress docs "TLS": the certificate must carry a
// CN or SAN for the host; controllers fall back to a default self-signed certificate).
// node:crypto only parses certificates here (no I/O), as src/ingress/tls.ts does.
import { X509Certificate } from 'node:crypto';
import type { Ingress, KubeObject, Secret } from '../api/types.js';
import type { Gateway } from '../ingress/gateway-types.js';
import type { LintContext } from './context.js';
import { finding, type Finding } from './finding.js';

/** Issuers that create the Secret named by the Ingress's tls entries (cert-manager ingress-shim). */
const CERT_MANAGER_ANNOTATIONS = ['cert-manager.io/cluster-issuer', 'cert-manager.io/issuer'];

function certificatePem(secret: Secret): string | undefined {
  const plain = secret.stringData?.['tls.crt'];
  if (plain) return plain;
  const b64 = secret.data?.['tls.crt'];
  return b64 ? Buffer.from(b64, 'base64').toString('utf8') : undefined;
}

/** checkHost for a wildcard host asks about one name the wildcard stands for. */
function covers(cert: X509Certificate, host: string): boolean {
  const name = host.startsWith('*.') ? `podnet-lint-check${host.slice(1)}` : host;
  return cert.checkHost(name) !== undefined;
}

interface SecretUse {
  owner: KubeObject;
  /** Field of the Secret reference. */
  field: string;
  namespace: string;
  name: string;
  /** Hosts the certificate must cover, each with its field. */
  hosts: { host: string; field: string }[];
}

function checkSecretUse(ctx: LintContext, use: SecretUse): Finding[] {
  const { owner, field, namespace, name } = use;
  const secret = ctx.cluster.secrets.find(
    (s) => s.metadata?.namespace === namespace && s.metadata?.name === name,
  );
  if (!secret)
    return [
      finding(
        'PN310',
        owner,
        field,
        `TLS Secret ${namespace}/${name} does not exist (not in the input): the controller serves its default ` +
          `self-signed certificate for ${use.hosts.map((h) => h.host).join(', ') || 'these hosts'} and clients reject it. ` +
          `Create a kubernetes.io/tls Secret with tls.crt and tls.key (kubectl create secret tls ${name} -n ${namespace} ...).`,
      ),
    ];
  const pem = certificatePem(secret);
  let cert: X509Certificate | undefined;
  try {
    cert = pem ? new X509Certificate(pem) : undefined;
  } catch {
    cert = undefined;
  }
  if (!cert)
    return [
      finding(
        'PN311',
        owner,
        field,
        `TLS Secret ${namespace}/${name} has ${pem ? 'a tls.crt that is not a PEM certificate' : 'no tls.crt'}: ` +
          `the controller cannot serve it and falls back to its default certificate. Put the PEM certificate ` +
          `(base64 in data, or plain in stringData) under the key tls.crt.`,
      ),
    ];
  return use.hosts
    .filter((h) => !covers(cert, h.host))
    .map((h) =>
      finding(
        'PN312',
        owner,
        h.field,
        `the certificate in Secret ${namespace}/${name} (subject ${cert.subject.replace(/\n/g, ', ')}; ` +
          `SANs ${cert.subjectAltName ?? 'none'}) does not cover ${h.host}: clients fail with a name mismatch. ` +
          `Issue a certificate whose SAN includes ${h.host}, or list the host under the tls entry of the right Secret.`,
      ),
    );
}

function ingressUses(ing: Ingress): SecretUse[] {
  const annotations = ing.metadata.annotations ?? {};
  if (CERT_MANAGER_ANNOTATIONS.some((a) => annotations[a])) return []; // cert-manager creates the Secret
  return (ing.spec?.tls ?? []).flatMap((t, i) =>
    t.secretName
      ? [
          {
            owner: ing,
            field: `spec.tls[${i}].secretName`,
            namespace: ing.metadata.namespace!,
            name: t.secretName,
            hosts: (t.hosts ?? []).map((host, k) => ({ host, field: `spec.tls[${i}].hosts[${k}]` })),
          },
        ]
      : [],
  );
}

function gatewayUses(gw: Gateway): SecretUse[] {
  const out: SecretUse[] = [];
  (gw.spec?.listeners ?? []).forEach((l, i) => {
    if (l.protocol !== 'HTTPS' || l.tls?.mode === 'Passthrough') return;
    (l.tls?.certificateRefs ?? []).forEach((ref, k) => {
      if ((ref.group ?? '') !== '' || (ref.kind ?? 'Secret') !== 'Secret') return;
      out.push({
        owner: gw,
        field: `spec.listeners[${i}].tls.certificateRefs[${k}]`,
        namespace: ref.namespace ?? gw.metadata.namespace!,
        name: ref.name,
        hosts: l.hostname ? [{ host: l.hostname, field: `spec.listeners[${i}].hostname` }] : [],
      });
    });
  });
  return out;
}

export function lintTls(ctx: LintContext): Finding[] {
  const uses = [
    ...ctx.cluster.ingresses.flatMap(ingressUses),
    ...(ctx.cluster.gateways as Gateway[]).flatMap(gatewayUses),
  ];
  return uses.flatMap((u) => checkSecretUse(ctx, u));
}
