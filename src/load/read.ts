// Reading `-f` arguments from disk or stdin: files, directories (recursively: .yaml, .yml,
// .json, in name order, as kubectl does) and `-` for standard input.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface ManifestText {
  file: string;
  text: string;
}

const MANIFEST = /\.(ya?ml|json)$/;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return walk(path);
      return MANIFEST.test(e.name) ? [path] : [];
    });
}

/** Reads every input; a path that does not exist is an error naming it. */
export function readManifestTexts(
  paths: string[],
  readStdin: () => string,
): { texts: ManifestText[]; errors: string[] } {
  const texts: ManifestText[] = [];
  const errors: string[] = [];
  for (const p of paths) {
    if (p === '-') {
      texts.push({ file: '<stdin>', text: readStdin() });
      continue;
    }
    try {
      const files = statSync(p).isDirectory() ? walk(p) : [p];
      for (const f of files) texts.push({ file: f, text: readFileSync(f, 'utf8') });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      errors.push(code === 'ENOENT' ? `${p}: no such file or directory` : `${p}: ${(e as Error).message}`);
    }
  }
  return { texts, errors };
}

export function readStdinSync(): string {
  return readFileSync(0, 'utf8');
}
