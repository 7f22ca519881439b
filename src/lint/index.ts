// podnet lint: static checks of a cluster's networking objects (docs/lint.md lists every code).
// Pure: takes the cluster after the controllers ran and, when it came from files, the manifests,
// so each finding can name the file and line of the field at fault.
import type { Cluster } from '../api/cluster.js';
import type { LoadedManifests } from '../load/manifests.js';
import type { SourcedObject } from '../load/parse.js';
import { lintCidrs } from './cidrs.js';
import { CODES } from './codes.js';
import { buildContext, type LintContext } from './context.js';
import { objectRef, type Finding } from './finding.js';
import { lintDuplicates, lintMissingNamespaces } from './input.js';
import { lintIngress } from './ingress.js';
import { lintDnsEgress } from './policy-dns.js';
import { lintPolicyPorts } from './policy-ports.js';
import { lintPolicySelection } from './policy.js';
import { lintServices } from './services.js';
import { lintTls } from './tls.js';

export { CODES, type Code, type Severity } from './codes.js';
export type { Finding } from './finding.js';

const RULES: ((ctx: LintContext) => Finding[])[] = [
  lintDuplicates,
  lintMissingNamespaces,
  lintPolicySelection,
  lintDnsEgress,
  lintPolicyPorts,
  lintServices,
  lintIngress,
  lintTls,
  lintCidrs,
];

const RANK = { error: 0, warning: 1, info: 2 } as const;

function compare(a: Finding, b: Finding): number {
  const ka = [RANK[a.severity], a.code, a.object, a.field, a.message];
  const kb = [RANK[b.severity], b.code, b.object, b.field, b.message];
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
  return 0;
}

/** Adds file and line from the manifest that defined the object (when it has none yet). */
function locate(f: Finding, sources: Map<string, SourcedObject>): Finding {
  if (f.file) return f;
  const src = sources.get(f.object);
  return src ? { ...f, file: src.file, line: f.field ? src.lineOf(f.field) : src.line } : f;
}

/**
 * Every finding about the cluster, sorted: errors first, then by code, object, field and
 * message, so output is stable. An empty array when nothing is wrong.
 */
export function lint(cluster: Cluster, manifests?: LoadedManifests): Finding[] {
  const ctx = buildContext(cluster, manifests);
  const sources = new Map((manifests?.objects ?? []).map((o) => [objectRef(o.object), o]));
  const findings = RULES.flatMap((rule) => rule(ctx)).map((f) => locate(f, sources));
  return findings.sort(compare);
}

/** True when a finding should make `podnet lint` exit 1. */
export function hasErrors(findings: Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/** Every code with its severity and name, for docs and `--list`-style tooling. */
export function listCodes(): { code: string; severity: string; name: string }[] {
  return Object.entries(CODES).map(([code, info]) => ({ code, ...info }));
}
