// The kinds whose protobuf bodies this server decodes (those kubectl's generators and `auth`
// commands send, kubectl-wire.md §1.4) and the entry point: envelope → message table → the JSON
// object the rest of the server uses. Pure.
import type { KubeObject } from '../../api/types.js';
import { SelfSubjectAccessReview, SelfSubjectReview, SelfSubjectRulesReview } from './auth.js';
import { ConfigMap, Namespace, Secret, Service } from './core.js';
import { parseEnvelope } from './envelope.js';
import { Ingress } from './networking.js';
import { decodeMessage, type Message } from './wire.js';
import { Deployment, Job } from './workloads.js';

/** `apiVersion/kind` → the object's message. */
const MESSAGES = new Map<string, Message>([
  ['v1/Namespace', Namespace],
  ['v1/ConfigMap', ConfigMap],
  ['v1/Secret', Secret],
  ['v1/Service', Service],
  ['apps/v1/Deployment', Deployment],
  ['batch/v1/Job', Job],
  ['networking.k8s.io/v1/Ingress', Ingress],
  ['authorization.k8s.io/v1/SelfSubjectAccessReview', SelfSubjectAccessReview],
  ['authorization.k8s.io/v1/SelfSubjectRulesReview', SelfSubjectRulesReview],
  ['authentication.k8s.io/v1/SelfSubjectReview', SelfSubjectReview],
]);

export type ProtobufErrorCode = 'Malformed' | 'UnsupportedKind' | 'UnsupportedEncoding';

export class ProtobufDecodeError extends Error {
  constructor(
    readonly code: ProtobufErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Decodes a `application/vnd.kubernetes.protobuf` body into the object's JSON form, apiVersion and
 * kind from the envelope. Zero values Go wrote for unset fields are left out; fields the tables
 * do not list are skipped. Throws ProtobufDecodeError.
 */
export function decodeKubeProtobuf(body: Uint8Array): KubeObject {
  let env;
  try {
    env = parseEnvelope(body);
  } catch (e) {
    throw new ProtobufDecodeError('Malformed', (e as Error).message);
  }
  const { apiVersion, kind } = env;
  if (env.contentEncoding !== '')
    throw new ProtobufDecodeError('UnsupportedEncoding', `content encoding "${env.contentEncoding}"`);
  const msg = MESSAGES.get(`${apiVersion}/${kind}`);
  if (!msg) throw new ProtobufDecodeError('UnsupportedKind', `kind "${kind}" of "${apiVersion}"`);
  try {
    return { apiVersion, kind, ...(decodeMessage(env.raw, msg) as KubeObject) };
  } catch (e) {
    throw new ProtobufDecodeError('Malformed', `${kind}: ${(e as Error).message}`);
  }
}
