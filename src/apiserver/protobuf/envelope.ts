// The envelope of a Kubernetes protobuf body (kubernetes/website api-concepts.md, "Protobuf
// encoding"): the four bytes "k8s\0", then a runtime.Unknown (k8s.io/apimachinery
// pkg/runtime/generated.proto): 1 typeMeta {1 apiVersion, 2 kind}, 2 raw (the object's own
// message), 3 contentEncoding, 4 contentType. Pure.
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { decodeMessage, field, type Message } from './wire.js';

export const PROTOBUF_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

const TypeMeta: Message = { fields: { 1: field('apiVersion', 'string'), 2: field('kind', 'string') } };

export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  /** '' for plain bytes (what client-go sends); anything else is not supported by the caller. */
  contentEncoding: string;
}

/** Reads the envelope; throws when the prefix is missing or the message is malformed. */
export function parseEnvelope(body: Uint8Array): Envelope {
  if (body.length < MAGIC.length || MAGIC.some((b, i) => body[i] !== b))
    throw new Error('the body does not start with the "k8s\\0" prefix');
  const env: Envelope = { apiVersion: '', kind: '', raw: new Uint8Array(), contentEncoding: '' };
  const r = new BinaryReader(body.subarray(MAGIC.length));
  while (r.pos < r.len) {
    const [no, wireType] = r.tag();
    if (wireType !== WireType.LengthDelimited || no > 3) {
      r.skip(wireType, no);
    } else if (no === 1) {
      const tm = decodeMessage(r.bytes(), TypeMeta) as { apiVersion?: string; kind?: string };
      env.apiVersion = tm.apiVersion ?? '';
      env.kind = tm.kind ?? '';
    } else if (no === 2) {
      env.raw = r.bytes();
    } else {
      env.contentEncoding = r.string();
    }
  }
  return env;
}
