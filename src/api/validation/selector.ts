// metav1.LabelSelector: validation from k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go
// (ValidateLabelSelector, ValidateLabelSelectorRequirement) and matching as LabelSelectorAsSelector does.

import { type FieldError, type Path, forbidden, invalid, required, sortedMap } from './field.js';
import { isLabelValue } from './names.js';
import { validateLabelName, validateLabels } from './metadata.js';
import { type Obj, list, obj, objList, str, strMap } from './read.js';

/**
 * ValidateLabelSelector. Note upstream reports an unknown operator as
 * `Invalid value: "Foo": not a valid selector operator` (not as Unsupported value).
 */
export function validateLabelSelector(selector: unknown, p: Path): FieldError[] {
  const s = obj(selector);
  if (!s) return [];
  const errs = validateLabels(s.matchLabels, p.child('matchLabels'));
  objList(s.matchExpressions).forEach((expr, i) =>
    errs.push(...validateRequirement(expr, p.child('matchExpressions').index(i))),
  );
  return errs;
}

function validateRequirement(r: Obj, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  const values = list(r.values);
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) {
        errs.push(required(p.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      }
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) {
        errs.push(
          forbidden(p.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
        );
      }
      break;
    default:
      errs.push(invalid(p.child('operator'), r.operator ?? '', 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(str(r.key), p.child('key')));
  values.forEach((v, i) => {
    const value = str(v);
    errs.push(...isLabelValue(value).map((m) => invalid(p.child('values').index(i), value, m)));
  });
  return errs;
}

/** Whether a selector has no requirements at all (it then selects everything). */
export function isEmptySelector(selector: unknown): boolean {
  const s = obj(selector);
  return Object.keys(strMap(s?.matchLabels) ?? {}).length + list(s?.matchExpressions).length === 0;
}

/** Whether a (valid) selector matches a label set, with LabelSelectorAsSelector semantics. */
export function selectorMatches(selector: unknown, labels: Record<string, string> | undefined): boolean {
  const s = obj(selector);
  const l = labels ?? {};
  for (const [k, v] of Object.entries(strMap(s?.matchLabels) ?? {})) if (l[k] !== v) return false;
  for (const r of objList(s?.matchExpressions)) {
    const key = str(r.key);
    const values = list(r.values).map(str);
    const present = Object.hasOwn(l, key);
    if (r.operator === 'In' && !(present && values.includes(l[key]))) return false;
    if (r.operator === 'NotIn' && present && values.includes(l[key])) return false;
    if (r.operator === 'Exists' && !present) return false;
    if (r.operator === 'DoesNotExist' && present) return false;
  }
  return true;
}

/** The selector as Go would print it in an error (metav1.LabelSelector JSON, omitempty fields). */
export function selectorValue(selector: unknown): unknown {
  const s = obj(selector);
  if (!s) return null;
  const out: Record<string, unknown> = {};
  const ml = strMap(s.matchLabels);
  if (ml && Object.keys(ml).length > 0) out.matchLabels = sortedMap(ml);
  if (list(s.matchExpressions).length > 0) out.matchExpressions = s.matchExpressions;
  return out;
}
