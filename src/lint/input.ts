// PN0xx: problems of the manifests as a set, before any semantics: the same object given
// twice, and objects in namespaces that nothing creates.
import type { KubeObject } from '../api/types.js';
import { isNamespacedKind } from '../load/kinds.js';
import type { LintContext } from './context.js';
import { finding, type Finding } from './finding.js';

/** Splits the loader's `file:line` (the file name may itself contain colons). */
export function parseWhere(where: string): { file: string; line?: number } {
  const i = where.lastIndexOf(':');
  const line = Number(where.slice(i + 1));
  return i > 0 && Number.isInteger(line) ? { file: where.slice(0, i), line } : { file: where };
}

/** `Kind/ns/name` of the loader's `Kind/ns/name` key (`Kind//name` for cluster-scoped kinds). */
function refOfKey(key: string): string {
  return key.replace('//', '/');
}

/**
 * PN001: kubectl apply of the same object twice leaves the later one (last write wins);
 * podnet's loader does the same. Usually a copy-paste left-over or two overlays that collide.
 */
export function lintDuplicates(ctx: LintContext): Finding[] {
  return (ctx.manifests?.duplicates ?? []).map((d) => {
    const second = parseWhere(d.second);
    return {
      ...finding(
        'PN001',
        refOfKey(d.key),
        '',
        `defined at ${d.first} and again at ${d.second}; the later definition replaces the earlier one ` +
          `entirely (as kubectl apply does). Delete one of them, or give them different names.`,
      ),
      ...second,
    };
  });
}

/**
 * PN002: a namespaced object whose namespace has no Namespace object in the input (the system
 * namespaces always exist). kubectl apply fails with `namespaces "x" not found`, and no
 * namespaceSelector can match a namespace that does not exist.
 */
export function lintMissingNamespaces(ctx: LintContext): Finding[] {
  const existing = new Set(ctx.cluster.namespaces.map((n) => n.metadata.name));
  const out: Finding[] = [];
  for (const { object } of ctx.manifests?.objects ?? []) {
    const ns = object.metadata?.namespace;
    if (!ns || !isNamespacedKind(`${object.kind}`) || existing.has(ns)) continue;
    out.push(
      finding(
        'PN002',
        object as KubeObject,
        'metadata.namespace',
        `namespace "${ns}" does not exist: no Namespace object in the input creates it, so kubectl apply ` +
          `fails with 'namespaces "${ns}" not found' and no namespaceSelector can match it. ` +
          `Add a Namespace manifest (kind: Namespace, metadata.name: ${ns}) or create it first.`,
      ),
    );
  }
  return out;
}
