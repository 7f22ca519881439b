// The serving certificates: a self-signed CA and a server certificate for 127.0.0.1 and localhost,
// made with the `openssl` CLI (through src/host/exec.ts) under `<stateDir>/pki/`. Existing files
// are reused, so a kubeconfig written earlier keeps working across restarts. EC P-256 keys: quick
// to generate, and accepted by Go's TLS stack (kubectl) and Node's.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { exec } from '../host/exec.js';

export interface ServingCerts {
  caCert: string;
  cert: string;
  key: string;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Loads `<stateDir>/pki/{ca.crt,server.crt,server.key}`, generating them first if missing. */
export async function ensureServingCerts(stateDir: string): Promise<ServingCerts> {
  const dir = path.join(stateDir, 'pki');
  const f = (n: string) => path.join(dir, n);
  if (![f('ca.crt'), f('ca.key'), f('server.crt'), f('server.key')].every((p) => existsSync(p))) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    await exec([
      'openssl',
      'req',
      '-x509',
      ...EC,
      '-keyout',
      f('ca.key'),
      '-out',
      f('ca.crt'),
      '-days',
      '3650',
      '-subj',
      '/CN=podnet-ca',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await exec([
      'openssl',
      'req',
      '-x509',
      ...EC,
      '-CA',
      f('ca.crt'),
      '-CAkey',
      f('ca.key'),
      '-keyout',
      f('server.key'),
      '-out',
      f('server.crt'),
      '-days',
      '825',
      '-subj',
      '/CN=podnet-apiserver',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-addext',
      'basicConstraints=critical,CA:FALSE',
      '-addext',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      '-addext',
      'extendedKeyUsage=serverAuth',
    ]);
  }
  return {
    caCert: readFileSync(f('ca.crt'), 'utf8'),
    cert: readFileSync(f('server.crt'), 'utf8'),
    key: readFileSync(f('server.key'), 'utf8'),
  };
}
