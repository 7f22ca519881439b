// Real protobuf bodies, captured from kubectl 1.32.4 (testdata/*.pb, README.md says how), decoded
// into the JSON objects of testdata/*.json; and the envelope's failure cases.
import { readFileSync } from 'node:fs';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { stableJson } from '../../lib/collections/stable-json.js';
import { decodeKubeProtobuf, ProtobufDecodeError } from './kinds.js';

const testdata = (file: string) => new URL(`testdata/${file}`, import.meta.url);

const captures = [
  { file: 'create-namespace', command: 'create namespace prod' },
  {
    file: 'create-configmap',
    command: 'create configmap c1 --from-literal=a=b --from-literal=x=y --from-file=bin=bin.dat',
  },
  {
    file: 'create-secret-generic',
    command: 'create secret generic s1 --from-literal=user=admin --from-literal=pass=s3cr3t',
  },
  { file: 'create-deployment', command: 'create deployment d2 --image=nginx --replicas=2 --port=80' },
  { file: 'create-deployment-command', command: 'create deployment cmd --image=busybox -- sleep 3600' },
  { file: 'create-deployment-zero-replicas', command: 'create deployment zero --image=nginx --replicas=0' },
  { file: 'create-service-clusterip', command: 'create service clusterip s1 --tcp=80:8080 --tcp=53:dns' },
  {
    file: 'create-service-clusterip-headless',
    command: 'create service clusterip headless --clusterip=None',
  },
  { file: 'create-service-nodeport', command: 'create service nodeport np --tcp=80:8080 --node-port=30080' },
  { file: 'create-service-loadbalancer', command: 'create service loadbalancer lb --tcp=443:8443' },
  {
    file: 'create-service-externalname',
    command: 'create service externalname en --external-name=example.com',
  },
  {
    file: 'create-ingress',
    command:
      "create ingress web --class=nginx --rule='foo.com/bar*=svc1:8080,tls=my-cert' --rule='/=svc2:http' --annotation=a=b --default-backend=defsvc:80",
  },
  { file: 'create-job', command: 'create job j1 --image=busybox -- echo hi' },
  { file: 'auth-can-i', command: 'auth can-i get deployments.apps -n kube-system' },
  { file: 'auth-can-i-nonresource', command: 'auth can-i get /logs' },
  { file: 'auth-can-i-list', command: 'auth can-i --list' },
  { file: 'auth-whoami', command: 'auth whoami' },
];

/** An envelope around `raw`, as client-go writes it. */
function envelope(apiVersion: string, kind: string, raw: Uint8Array, contentEncoding = ''): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).fork();
  w.tag(1, WireType.LengthDelimited).string(apiVersion).tag(2, WireType.LengthDelimited).string(kind);
  w.join().tag(2, WireType.LengthDelimited).bytes(raw);
  w.tag(3, WireType.LengthDelimited).string(contentEncoding).tag(4, WireType.LengthDelimited).string('');
  return new Uint8Array([0x6b, 0x38, 0x73, 0x00, ...w.finish()]);
}

describe('decodeKubeProtobuf on kubectl captures', () => {
  it.each(captures)('kubectl $command', async ({ file }) => {
    const obj = decodeKubeProtobuf(readFileSync(testdata(`${file}.pb`)));
    // Keys sorted; laid out as the repository's prettier lays out JSON, so `npm run lint` agrees.
    const golden = testdata(`${file}.json`);
    const text = await format(stableJson(obj), { ...(await resolveConfig(golden)), parser: 'json' });
    await expect(text).toMatchFileSnapshot(golden.pathname);
  });

  const facts = [
    {
      name: 'a Go pointer keeps its zero: replicas 0',
      file: 'create-deployment-zero-replicas',
      want: { spec: { replicas: 0 } },
    },
    {
      name: 'empty strings are unset: no metadata.namespace, so the URL decides',
      file: 'create-namespace',
      want: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } },
      exact: true,
    },
    {
      name: 'IntOrString targetPort as number and as name',
      file: 'create-service-clusterip',
      want: {
        spec: {
          ports: [
            { name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 },
            { name: '53-dns', port: 53, protocol: 'TCP', targetPort: 'dns' },
          ],
        },
      },
    },
    {
      name: 'binaryData as base64 beside data',
      file: 'create-configmap',
      want: { data: { a: 'b', x: 'y' }, binaryData: { bin: 'AP/+Ymlu' } },
    },
    {
      name: 'the inline IngressRuleValue puts http on the rule',
      file: 'create-ingress',
      want: {
        spec: { rules: [{ host: 'foo.com', http: { paths: [{ path: '/bar', pathType: 'Prefix' }] } }, {}] },
      },
    },
  ];
  it.each(facts)('$name', ({ file, want, exact }) => {
    const obj = decodeKubeProtobuf(readFileSync(testdata(`${file}.pb`)));
    if (exact) expect(obj).toEqual(want);
    else expect(obj).toMatchObject(want);
  });
});

describe('decodeKubeProtobuf errors', () => {
  const cases = [
    { name: 'no "k8s\\0" prefix', body: new TextEncoder().encode('{"kind":"Pod"}'), code: 'Malformed' },
    {
      name: 'a kind without a table',
      body: envelope('v1', 'Pod', new Uint8Array()),
      code: 'UnsupportedKind',
    },
    {
      name: 'a table of another version',
      body: envelope('authentication.k8s.io/v1beta1', 'SelfSubjectReview', new Uint8Array()),
      code: 'UnsupportedKind',
    },
    {
      name: 'a content encoding',
      body: envelope('v1', 'Namespace', new Uint8Array(), 'gzip'),
      code: 'UnsupportedEncoding',
    },
    {
      name: 'a truncated object',
      body: envelope('v1', 'Namespace', new Uint8Array([0x0a, 0x05, 0x0a])),
      code: 'Malformed',
    },
  ];
  it.each(cases)('$name → $code', ({ body, code }) => {
    let err: unknown;
    try {
      decodeKubeProtobuf(body);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProtobufDecodeError);
    expect((err as ProtobufDecodeError).code).toBe(code);
  });

  it('decodes an envelope built here the same way as a capture', () => {
    const raw = new BinaryWriter().tag(1, WireType.LengthDelimited).fork();
    raw.tag(1, WireType.LengthDelimited).string('prod').join();
    expect(decodeKubeProtobuf(envelope('v1', 'Namespace', raw.finish()))).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'prod' },
    });
  });
});
