// The layering rule, read from the import statements of every .ts file under src/ (issue 10):
// the conversation core, the hand-off domain and the dialog runtime never import the server
// (transport), and the store imports neither the dialog nor the NLU (what it keeps outlives both).
// A folder that does not exist yet (src/conversation/ before it is written) has nothing to check;
// the rule applies to it as soon as it has files.
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');

interface Rule {
  /** Folder under src/ whose files the rule constrains, e.g. 'dialog'. */
  from: string;
  /** Folders under src/ those files must not import. */
  forbidden: string[];
}

const RULES: Rule[] = [
  { from: 'conversation', forbidden: ['server'] },
  { from: 'handoff', forbidden: ['server'] },
  { from: 'dialog', forbidden: ['server'] },
  // The proactive rules are pure: the server feeds them (issue 11).
  { from: 'proactive', forbidden: ['server', 'store'] },
  // The surveys decide; the server feeds them and stores what they return (issue 11).
  { from: 'surveys', forbidden: ['server'] },
  { from: 'store', forbidden: ['dialog', 'nlu'] },
  // Durable timers are a port the server and the PostgreSQL coordination use (issue 13).
  { from: 'timers', forbidden: ['server', 'store'] },
  // Privacy and the audit log are logic the server and the CLI adapt (issue 18).
  { from: 'privacy', forbidden: ['server', 'cli'] },
  { from: 'audit', forbidden: ['server', 'cli'] },
];

interface Import {
  /** Repository-relative path of the importing file, with forward slashes. */
  file: string;
  line: number;
  specifier: string;
  /** Repository-relative path the specifier points at; null for a package or node: import. */
  target: string | null;
}

/** Every import, export-from, dynamic import() and require() of one file, as TypeScript's own pre-processor finds them. */
function importsOf(file: string, source: string): Import[] {
  const info = ts.preProcessFile(source, true, true);
  return info.importedFiles.map(({ fileName: specifier, pos }) => ({
    file,
    line: source.slice(0, pos).split('\n').length,
    specifier,
    target: specifier.startsWith('.') ? posix.normalize(posix.join(posix.dirname(file), specifier)) : null,
  }));
}

/** One sentence per import that breaks a rule, naming the file, the line and the import. */
function violations(imports: Import[], rules: Rule[] = RULES): string[] {
  const found: string[] = [];
  for (const imp of imports) {
    for (const rule of rules) {
      if (!imp.file.startsWith(`src/${rule.from}/`)) continue;
      for (const layer of rule.forbidden) {
        if (imp.target !== null && (imp.target === `src/${layer}` || imp.target.startsWith(`src/${layer}/`))) {
          found.push(`${imp.file}:${imp.line} imports '${imp.specifier}' (${imp.target}): src/${rule.from}/ must not import src/${layer}/`);
        }
      }
    }
  }
  return found;
}

function tsFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFilesUnder(path);
    return entry.isFile() && entry.name.endsWith('.ts') ? [path] : [];
  });
}

const repoPath = (path: string): string => relative(ROOT, path).split(sep).join('/');

function allImports(): Import[] {
  return tsFilesUnder(SRC).flatMap((path) => importsOf(repoPath(path), readFileSync(path, 'utf8')));
}

describe('architecture: who may import whom', () => {
  const imports = allImports();

  it('reads the imports of the source tree', () => {
    const files = new Set(imports.map((imp) => imp.file));
    // Not vacuous: the layers the rules name are there and their imports were read.
    for (const layer of ['handoff', 'dialog', 'store']) expect([...files].some((file) => file.startsWith(`src/${layer}/`))).toBe(true);
    expect(imports.some((imp) => imp.file === 'src/server/assemble.ts' && imp.target === 'src/store/lowdb.ts')).toBe(true);
  });

  for (const rule of RULES) {
    it(`src/${rule.from}/ imports none of ${rule.forbidden.map((layer) => `src/${layer}/`).join(', ')}`, () => {
      expect(violations(imports, [rule]), 'imports that break the layering rule').toEqual([]);
    });
  }

  it('names the file, the line and the import of a broken rule', () => {
    const source = [
      "import type { Store } from '../store/types.ts';",
      "import { HttpError } from '../server/errors.ts';",
      "export { shopperFrame } from '../server/frames.ts';",
      "const lazy = () => import('../server/app.ts');",
      "import { z } from 'zod';",
    ].join('\n');
    expect(violations(importsOf('src/conversation/turn.ts', source))).toEqual([
      "src/conversation/turn.ts:2 imports '../server/errors.ts' (src/server/errors.ts): src/conversation/ must not import src/server/",
      "src/conversation/turn.ts:3 imports '../server/frames.ts' (src/server/frames.ts): src/conversation/ must not import src/server/",
      "src/conversation/turn.ts:4 imports '../server/app.ts' (src/server/app.ts): src/conversation/ must not import src/server/",
    ]);
    expect(violations(importsOf('src/store/nested/schemas.ts', "import { INTENTS } from '../../nlu/types.ts';"))).toEqual([
      "src/store/nested/schemas.ts:1 imports '../../nlu/types.ts' (src/nlu/types.ts): src/store/ must not import src/nlu/",
    ]);
    // Another layer, or a folder whose name only begins like a forbidden one, is fine.
    expect(violations(importsOf('src/dialog/x.ts', "import '../serverless/y.ts';\nimport '../commerce/types.ts';"))).toEqual([]);
    expect(violations(importsOf('src/server/x.ts', "import '../dialog/index.ts';"))).toEqual([]);
  });
});
