// The certificate for an https request: does the referenced Secret exist, and does its
// certificate cover the requested host? Informational only: routing never depends on it
// (ingress conformance README: TLS Secrets are created by the harness, not given).
import { X509Certificate } from 'node:crypto';
import type { Cluster } from '../api/cluster.js';
import type { Secret } from '../api/types.js';
import type { TlsInfo } from './types.js';

/** Builds the TlsInfo of `namespace/secretName` for `host`, with a reason. */
export function inspectTlsSecret(
  cluster: Cluster,
  namespace: string,
  secretName: string,
  host: string,
): { tls: TlsInfo; reason: string } {
  const secret = cluster.secrets.find(
    (s) => s.metadata?.namespace === namespace && s.metadata?.name === secretName,
  );
  const tls: TlsInfo = { secretName, secretNamespace: namespace, secretFound: secret !== undefined };
  if (!secret) return { tls, reason: `TLS Secret ${namespace}/${secretName} not found` };
  const pem = certificatePem(secret);
  if (pem === undefined) return { tls, reason: `TLS Secret ${namespace}/${secretName} has no tls.crt` };
  try {
    const cert = new X509Certificate(pem);
    tls.certCoversHost = host !== '' && cert.checkHost(host) !== undefined;
    return {
      tls,
      reason: `certificate in ${namespace}/${secretName} ${tls.certCoversHost ? 'covers' : 'does not cover'} ${host || '(no host)'}`,
    };
  } catch {
    tls.certCoversHost = false;
    return { tls, reason: `tls.crt of ${namespace}/${secretName} is not a PEM certificate` };
  }
}

function certificatePem(secret: Secret): string | undefined {
  const plain = secret.stringData?.['tls.crt'];
  if (plain) return plain;
  const b64 = secret.data?.['tls.crt'];
  return b64 ? Buffer.from(b64, 'base64').toString('utf8') : undefined;
}
