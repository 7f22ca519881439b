// Runs conformance cases in the formats of ../shared/conformance (see each folder's README)
// through the real CLI, comparing exactly as that folder's README says. Used by the vitest
// suite (conformance.test.ts) and usable on any other folder of cases in the same format.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';

export const CLI = join(import.meta.dirname, '..', '..', 'bin', 'podnet');

export interface CaseResult {
  name: string;
  checks: number;
  failures: string[];
}

function runCli(args: string[]): { json: unknown; stderr: string } {
  try {
    const out = execFileSync(CLI, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { json: JSON.parse(out), stderr: '' };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    try {
      return { json: JSON.parse(err.stdout ?? ''), stderr: err.stderr ?? '' };
    } catch {
      return { json: null, stderr: (err.stderr ?? String(e)).trim().slice(0, 300) };
    }
  }
}

export function caseDirs(suite: string): string[] {
  return readdirSync(suite, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

type Obj = { kind?: string; metadata?: { namespace?: string; name?: string } };
const keyOf = (o: Obj) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

function loadDocs(path: string): Obj[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((d) => d.toJS() as Obj)
    .filter(Boolean);
}

/** netpol: merge base + overrides + policies (later replaces earlier), then compare matrices, self-connections aside. */
export function runNetpolCase(suite: string, name: string): CaseResult {
  const dir = join(suite, name);
  const expect = JSON.parse(readFileSync(join(dir, 'expect.json'), 'utf8'));
  const merged = new Map<string, Obj>();
  for (const f of ['base-cluster.yaml', `${name}/cluster-overrides.yaml`, `${name}/policies.yaml`].map((p) =>
    join(suite, p),
  )) {
    if (existsSync(f)) for (const o of loadDocs(f)) merged.set(keyOf(o), o);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'podnet-conf-'));
  const file = join(tmp, 'merged.yaml');
  writeFileSync(file, [...merged.values()].map((o) => stringify(o)).join('---\n'));
  const result: CaseResult = { name, checks: 0, failures: [] };
  try {
    for (const probe of expect.probes) {
      const { json, stderr } = runCli([
        'matrix',
        '-f',
        file,
        '--port',
        String(probe.port),
        '--protocol',
        probe.protocol,
        '-o',
        'json',
      ]);
      const got = (
        json as {
          probes?: { port: unknown; protocol: string; matrix: Record<string, Record<string, boolean>> }[];
        }
      )?.probes?.find(
        (q) =>
          String(q.port) === String(probe.port) && q.protocol.toUpperCase() === probe.protocol.toUpperCase(),
      )?.matrix;
      if (!got) result.failures.push(`no matrix for ${probe.port}/${probe.protocol}: ${stderr}`);
      for (const [src, row] of Object.entries(probe.matrix as Record<string, Record<string, boolean>>)) {
        for (const [dst, want] of Object.entries(row)) {
          if (src === dst) continue; // upstream ignores self-connections (ignoreLoopback)
          result.checks++;
          const g = got?.[src]?.[dst];
          if (g !== want)
            result.failures.push(`${probe.port}/${probe.protocol} ${src}->${dst}: want ${want}, got ${g}`);
        }
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return result;
}

interface DnsAnswerJson {
  name: string;
  type: string;
  data: unknown;
}

function normAnswers(answers: DnsAnswerJson[] | undefined): string[] {
  return (answers ?? [])
    .map((a) => {
      let data = a.data;
      if (typeof data === 'string' && (a.type === 'CNAME' || a.type === 'PTR' || a.type === 'NS'))
        data = data.replace(/\.$/, '').toLowerCase();
      if (typeof data === 'string' && a.type === 'SRV') {
        const parts = data.split(' ');
        if (parts.length === 4) parts[3] = parts[3].replace(/\.$/, '').toLowerCase();
        data = parts.join(' ');
      }
      if (Array.isArray(data) && a.type === 'TXT') data = data.join('');
      return `${a.name.replace(/\.$/, '').toLowerCase()} ${a.type} ${JSON.stringify(data)}`;
    })
    .sort();
}

export function runDnsCase(suite: string, name: string): CaseResult {
  const dir = join(suite, name);
  const expect = JSON.parse(readFileSync(join(dir, 'expect.json'), 'utf8'));
  const result: CaseResult = { name, checks: 0, failures: [] };
  for (const q of expect.queries) {
    result.checks++;
    const args = ['dns', q.name, '--type', q.type, '-f', join(dir, 'objects.yaml'), '-o', 'json'];
    if (q.from) args.push('--from', q.from);
    args.push('--pods', expect.config?.pods ?? 'disabled');
    const { json, stderr } = runCli(args);
    const got = json as { rcode?: string; answers?: DnsAnswerJson[] } | null;
    const want = normAnswers(q.answers);
    const have = normAnswers(got?.answers);
    if (!got || got.rcode !== q.rcode || JSON.stringify(want) !== JSON.stringify(have)) {
      result.failures.push(
        `${q.type} ${q.name}: want ${q.rcode} ${JSON.stringify(want)}, got ${got ? `${got.rcode} ${JSON.stringify(have)}` : stderr}`,
      );
    }
  }
  return result;
}

/** ingress and gateway: compare the routing decision of `podnet trace external URL`. */
export function runHttpCase(suite: string, name: string, kind: 'ingress' | 'gateway'): CaseResult {
  const dir = join(suite, name);
  const expect = JSON.parse(readFileSync(join(dir, 'expect.json'), 'utf8'));
  const result: CaseResult = { name, checks: 0, failures: [] };
  for (const r of expect.requests) {
    result.checks++;
    const host: string = r.host ?? '';
    const hostname = host && !host.startsWith('[') ? host.split(':')[0] : host;
    const target = hostname || '203.0.113.10'; // an address, not a name: no host rule can match it
    let url = `${r.scheme ?? 'http'}://${target}${r.port ? `:${r.port}` : ''}${r.path ?? '/'}`;
    if (r.query) url += `?${r.query}`;
    const args = ['trace', 'external', url, '-f', join(dir, 'objects.yaml'), '-o', 'json'];
    if (r.gateway) args.push('--gateway', r.gateway);
    else if (kind === 'ingress') args.push('--ingress-class', 'holdout');
    if (host && host !== hostname) args.push('--header', `Host:${host}`);
    if (r.method) args.push('--method', r.method);
    for (const [k, v] of Object.entries((r.headers ?? {}) as Record<string, string>))
      args.push('--header', `${k}:${v}`);
    const { json, stderr } = runCli(args);
    const ing = ((json as { ingress?: Record<string, unknown> } | null)?.ingress ?? {}) as {
      status?: number;
      matched?: boolean;
      backend?: { service?: string; port?: number; namespace?: string };
    };
    const want = r.expect;
    const hit =
      'status' in want
        ? ing.status === want.status && !ing.backend
        : ing.matched !== false &&
          ing.backend?.service === want.service &&
          String(ing.backend?.port) === String(want.port) &&
          (!('namespace' in want) || ing.backend?.namespace === want.namespace);
    if (!hit)
      result.failures.push(
        `${url}: want ${JSON.stringify(want)}, got ${json ? JSON.stringify(ing) : stderr}`,
      );
  }
  return result;
}
