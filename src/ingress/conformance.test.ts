// Every request of every conformance case, in the format of shared/conformance/{ingress,gateway}
// (see their README.md), run on the pure routers: test/conformance/{ingress,gateway} holds the
// public examples and cases derived from kubernetes-sigs/ingress-controller-conformance
// features/*.feature and kubernetes-sigs/gateway-api conformance/tests/httproute-*.go/yaml
// (each case's expect.json names its source). test/conformance/conformance.test.ts runs the
// same folders through the CLI. Requests are built as shared/conformance/run.py builds
// its command line: the URL carries the host name (or 203.0.113.10 when the host is empty),
// a Host header carries a host with a port.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../api/types.js';
import { routeGateway } from './gateway-routes.js';
import { routeIngress } from './ingress-routes.js';
import { parseRequestUrl } from './request.js';
import { clusterFromObjects } from './testing.js';
import type { RouteDecision } from './types.js';

interface Expect {
  service?: string;
  namespace?: string;
  port?: number;
  status?: number;
}
interface CaseRequest {
  gateway?: string;
  port?: number;
  scheme?: string;
  method?: string;
  host?: string;
  path?: string;
  query?: string;
  headers?: Record<string, string>;
  expect: Expect;
  note?: string;
}

// The project's conformance folders (test/conformance): the public examples plus derived cases.
const suites = fileURLToPath(new URL('../../test/conformance/', import.meta.url));

function loadYaml(file: string): KubeObject[] {
  if (!existsSync(file)) return [];
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as KubeObject)
    .filter(Boolean);
}

function loadSuite(dir: string, kind: 'ingress' | 'gateway') {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((d) => {
      const caseDir = join(dir, d.name);
      const cluster = clusterFromObjects(loadYaml(join(caseDir, 'objects.yaml')));
      const exp = JSON.parse(readFileSync(join(caseDir, 'expect.json'), 'utf8')) as {
        requests: CaseRequest[];
      };
      return exp.requests.map((r, i) => ({
        name: `${kind} ${d.name} #${i} ${describe_(r)}`,
        kind,
        cluster,
        r,
      }));
    });
}

function describe_(r: CaseRequest): string {
  const hdrs = Object.entries(r.headers ?? {})
    .map(([k, v]) => ` ${k}:${v}`)
    .join('');
  const q = r.query ? `?${r.query}` : '';
  return `${r.method ?? 'GET'} ${r.scheme ?? 'http'}://${r.host ?? ''}${r.port ? `:${r.port}` : ''}${r.path ?? '/'}${q}${hdrs} -> ${JSON.stringify(r.expect)}`;
}

function toRequest(r: CaseRequest) {
  const host = r.host ?? '';
  const hostname = host && !host.startsWith('[') ? host.split(':')[0] : host;
  const target = hostname || '203.0.113.10';
  const url = `${r.scheme ?? 'http'}://${target}${r.port ? `:${r.port}` : ''}${r.path ?? '/'}${r.query ? `?${r.query}` : ''}`;
  const headers = Object.entries(r.headers ?? {}).map(([k, v]) => `${k}:${v}`);
  if (host && host !== hostname) headers.unshift(`Host:${host}`);
  return parseRequestUrl(url, r.method ?? 'GET', headers);
}

function agrees(d: RouteDecision, want: Expect): boolean {
  if (want.status !== undefined) return 'status' in d && d.status === want.status && !('backend' in d);
  if (!('backend' in d)) return false;
  return (
    d.backend.service === want.service &&
    d.backend.port === want.port &&
    (want.namespace === undefined || d.backend.namespace === want.namespace)
  );
}

const cases = [
  ...loadSuite(join(suites, 'ingress'), 'ingress'),
  ...loadSuite(join(suites, 'gateway'), 'gateway'),
];

describe('conformance cases', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThan(30));
  it.each(cases)('$name', ({ kind, cluster, r }) => {
    const req = toRequest(r);
    const d =
      kind === 'ingress'
        ? routeIngress(cluster, req, 'holdout')
        : routeGateway(cluster, req, r.gateway ?? 'gw-infra/same-namespace');
    if (!agrees(d, r.expect)) expect({ decision: d }).toEqual({ want: r.expect });
  });
});
