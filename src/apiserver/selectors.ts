// Label and field selectors of list/watch query strings (k8s.io/apimachinery labels.Parse and
// fields.ParseSelector, for the forms clients send): `k=v`, `k==v`, `k!=v`, `k in (a,b)`,
// `k notin (a)`, `k`, `!k`; field selectors support metadata.name and metadata.namespace with
// `=`, `==`, `!=`. Pure.
import type { KubeObject, LabelSelectorRequirement } from '../api/types.js';
import { requirementMatches } from '../api/selector.js';
import { badRequest } from './status.js';

export type ObjectFilter = (o: KubeObject) => boolean;

/** Splits on commas outside parentheses. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

export function parseLabelSelector(s: string): LabelSelectorRequirement[] {
  return splitTerms(s).map((term) => {
    let m = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (m) {
      const values = m[3]
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
      return { key: m[1], operator: m[2] === 'in' ? 'In' : 'NotIn', values };
    }
    m = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s,]*)$/.exec(term);
    if (m) return { key: m[1], operator: m[2] === '!=' ? 'NotIn' : 'In', values: [m[3]] };
    m = /^!\s*([^\s!=]+)$/.exec(term);
    if (m) return { key: m[1], operator: 'DoesNotExist' };
    if (/^[^\s!=()]+$/.test(term)) return { key: term, operator: 'Exists' };
    throw badRequest(`unable to parse requirement: invalid label selector "${s}"`);
  });
}

const fieldGetters: Record<string, (o: KubeObject) => string> = {
  'metadata.name': (o) => o.metadata?.name ?? '',
  'metadata.namespace': (o) => o.metadata?.namespace ?? '',
  // Events (kubectl describe): involvedObject.*
  'involvedObject.name': (o) => String((o.involvedObject as { name?: string })?.name ?? ''),
  'involvedObject.namespace': (o) => String((o.involvedObject as { namespace?: string })?.namespace ?? ''),
  'involvedObject.uid': (o) => String((o.involvedObject as { uid?: string })?.uid ?? ''),
  'spec.nodeName': (o) => String((o.spec as { nodeName?: string })?.nodeName ?? ''),
};

export function parseFieldSelector(s: string): ObjectFilter[] {
  return splitTerms(s).map((term) => {
    const m = /^([^!=]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    const get = m ? fieldGetters[m[1]] : undefined;
    if (!m || !get)
      throw badRequest(`"${term}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
    const want = m[3];
    return m[2] === '!=' ? (o) => get(o) !== want : (o) => get(o) === want;
  });
}

/** One predicate for both selectors (undefined or empty strings select everything). */
export function objectFilter(labelSelector?: string | null, fieldSelector?: string | null): ObjectFilter {
  const reqs = labelSelector ? parseLabelSelector(labelSelector) : [];
  const fields = fieldSelector ? parseFieldSelector(fieldSelector) : [];
  return (o) =>
    reqs.every((r) => requirementMatches(r, o.metadata?.labels ?? {})) && fields.every((f) => f(o));
}
