// Parsing manifest text into objects that remember where they came from, so that every
// error can name file, line and field.
// Two parsers, by measurement (docs/benchmarks.md): the `yaml` package keeps a document tree
// with source positions but parses ~100x slower than JSON.parse and ~4.6x slower than js-yaml.
// So the values come from JSON.parse (JSON) or js-yaml (YAML, core schema), and the `yaml` tree
// is built only when a line number is asked for (an error or warning), or when the fast parser
// fails (to report the syntax error with its line).
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { isMap, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode } from 'yaml';
import type { KubeObject } from '../api/types.js';

export interface SourcedObject {
  object: KubeObject;
  file: string;
  /** 1-based line where the object starts. */
  readonly line: number;
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

/** The positioned tree of a file: the content node of each non-empty document, in order. */
interface PositionedFile {
  lines: LineCounter;
  roots: (YamlNode | null)[];
}

function positioned(text: string): PositionedFile {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines });
  const roots = (Array.isArray(docs) ? docs : [docs])
    .map((d) => d.contents as YamlNode | null)
    .filter((n) => n !== null && !isNullScalar(n));
  return { lines, roots };
}

function isNullScalar(n: YamlNode): boolean {
  return !isMap(n) && !isSeq(n) && (n as { value?: unknown }).value === null;
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
): number {
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

/** An object whose positions are looked up in the file's tree on first use. */
function sourced(
  object: KubeObject,
  file: string,
  tree: () => PositionedFile,
  doc: number,
  item?: number,
): SourcedObject {
  const root = (): { node: YamlNode | null; lines: LineCounter } => {
    const t = tree();
    let node = t.roots[doc] ?? null;
    if (item !== undefined) {
      const items = isMap(node) ? node.get('items', true) : undefined;
      node = isSeq(items) ? ((items.items[item] as YamlNode) ?? null) : null;
    }
    return { node, lines: t.lines };
  };
  return {
    object,
    file,
    get line() {
      const { node, lines } = root();
      return nodeLine(node, lines) ?? 1;
    },
    lineOf(path) {
      const { node, lines } = root();
      return lineOfPath(node, splitFieldPath(path), lines, nodeLine(node, lines) ?? 1);
    },
  };
}

const isObject = (v: unknown): v is KubeObject => !!v && typeof v === 'object' && !Array.isArray(v);

function fastValues(text: string): unknown[] {
  const t = text.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return [JSON.parse(text)];
    } catch {
      // Not JSON after all (YAML flow style): js-yaml reads it.
    }
  }
  return loadAll(text, null, { schema: CORE_SCHEMA });
}

/** The `yaml` package's errors for a file that the fast parser rejected, with lines. */
function syntaxErrors(text: string, file: string, fallback: string): string[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const errors = (Array.isArray(docs) ? docs : [docs]).flatMap((d) =>
    d.errors.map(
      (e) =>
        `${file}:${e.linePos?.[0]?.line ?? lines.linePos(e.pos[0]).line}: YAML syntax error: ${e.message.split('\n')[0]}`,
    ),
  );
  return errors.length ? errors : [`${file}: YAML syntax error: ${fallback}`];
}

/** Parses one file's text (YAML, multi-document, or JSON). Syntax errors carry file:line. */
export function parseManifests(text: string, file: string): ParseResult {
  let values: unknown[];
  try {
    values = fastValues(text);
  } catch (e) {
    return { objects: [], errors: syntaxErrors(text, file, (e as Error).message.split('\n')[0]) };
  }
  let cache: PositionedFile | undefined;
  const tree = () => (cache ??= positioned(text));
  const errors: string[] = [];
  const objects: SourcedObject[] = [];
  values
    .filter((v) => v !== null && v !== undefined)
    .forEach((value, doc) => {
      const where = () => sourced({}, file, tree, doc).line;
      if (!isObject(value)) {
        errors.push(`${file}:${where()}: expected a Kubernetes object (a mapping with apiVersion and kind)`);
        return;
      }
      const isList =
        typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items);
      if (!isList) {
        objects.push(sourced(value, file, tree, doc));
        return;
      }
      (value.items as unknown[]).forEach((item, i) => {
        if (isObject(item)) objects.push(sourced(item, file, tree, doc, i));
        else
          errors.push(
            `${file}:${sourced({}, file, tree, doc, i).line}: items[${i}]: expected a Kubernetes object`,
          );
      });
    });
  return { objects, errors };
}
