// Every object of the shared conformance examples must validate cleanly.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../types.js';
import { formatFieldError, validateObject } from './index.js';

const root = '/work/shared/conformance';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? yamlFiles(p) : p.endsWith('.yaml') ? [p] : [];
  });
}

function exists(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

const objects = exists(root)
  ? yamlFiles(root).flatMap((file) =>
      parseAllDocuments(readFileSync(file, 'utf8'))
        .map((d) => d.toJS() as KubeObject | null)
        .filter((o): o is KubeObject => o !== null && typeof o === 'object')
        .map((o) => ({ name: `${file.slice(root.length + 1)} ${o.kind}/${o.metadata?.name}`, o })),
    )
  : [];

describe.skipIf(objects.length === 0)('conformance fixtures validate cleanly', () => {
  it.each(objects)('$name', ({ o }) => expect(validateObject(o).map(formatFieldError)).toEqual([]));
});
