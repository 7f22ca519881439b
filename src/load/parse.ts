// Parsing manifest text into objects that remember where they came from, so that every
// error can name file, line and field. Uses the `yaml` package's document tree and line counter.
import { isMap, isSeq, LineCounter, parseAllDocuments, type Document, type Node as YamlNode } from 'yaml';
import type { KubeObject } from '../api/types.js';

export interface SourcedObject {
  object: KubeObject;
  file: string;
  /** 1-based line where the object starts. */
  line: number;
  /** 1-based line of a field path (`spec.ingress[0].ports[0].port`), or of its nearest existing parent. */
  lineOf(path: string): number;
}

export interface ParseResult {
  objects: SourcedObject[];
  errors: string[];
}

/** Splits `spec.ingress[0].from[1]` or `metadata.labels[app.kubernetes.io/name]` into segments. */
export function splitFieldPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /([^.[\]]+)|\[([^\]]*)\]/g;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    if (m[1] !== undefined) out.push(m[1]);
    else out.push(/^\d+$/.test(m[2]) ? Number(m[2]) : m[2]);
  }
  return out;
}

function nodeLine(node: YamlNode | null | undefined, lines: LineCounter): number | undefined {
  const start = node?.range?.[0];
  return start === undefined ? undefined : lines.linePos(start).line;
}

/** The line of the deepest node on `segments` below `root`. */
function lineOfPath(
  root: YamlNode | null,
  segments: (string | number)[],
  lines: LineCounter,
  fallback: number,
) {
  let node: YamlNode | null = root;
  let line = nodeLine(root, lines) ?? fallback;
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => String((p.key as { value?: unknown })?.value ?? p.key) === String(seg),
      );
      if (!pair) break;
      line = nodeLine(pair.key as YamlNode, lines) ?? line;
      node = pair.value as YamlNode | null;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
      node = node.items[seg] as YamlNode;
      line = nodeLine(node, lines) ?? line;
    } else break;
  }
  return line;
}

function sourced(object: KubeObject, file: string, root: YamlNode | null, lines: LineCounter): SourcedObject {
  const line = nodeLine(root, lines) ?? 1;
  return { object, file, line, lineOf: (path) => lineOfPath(root, splitFieldPath(path), lines, line) };
}

function objectsOfDocument(
  doc: Document,
  file: string,
  lines: LineCounter,
  errors: string[],
): SourcedObject[] {
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  const where = `${file}:${nodeLine(doc.contents, lines) ?? 1}`;
  if (value === null || value === undefined) return [];
  if (typeof value !== 'object' || Array.isArray(value)) {
    errors.push(`${where}: expected a Kubernetes object (a mapping with apiVersion and kind)`);
    return [];
  }
  const obj = value as KubeObject;
  if (
    obj.kind === 'List' ||
    (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items))
  ) {
    const items = Array.isArray(obj.items) ? obj.items : [];
    const seq = isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
    return items.flatMap((item, i) => {
      const node = isSeq(seq) ? (seq.items[i] as YamlNode) : null;
      if (!item || typeof item !== 'object' || Array.isArray(item)) {
        errors.push(`${file}:${nodeLine(node, lines) ?? 1}: items[${i}]: expected a Kubernetes object`);
        return [];
      }
      return [sourced(item as KubeObject, file, node, lines)];
    });
  }
  return [sourced(obj, file, doc.contents, lines)];
}

/** Parses one file's text (YAML, multi-document, or JSON). Syntax errors carry file:line. */
export function parseManifests(text: string, file: string): ParseResult {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const errors: string[] = [];
  const objects: SourcedObject[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const line = e.linePos?.[0]?.line ?? lines.linePos(e.pos[0]).line;
        errors.push(`${file}:${line}: YAML syntax error: ${e.message.split('\n')[0]}`);
      }
      continue;
    }
    objects.push(...objectsOfDocument(doc, file, lines, errors));
  }
  return { objects, errors };
}
