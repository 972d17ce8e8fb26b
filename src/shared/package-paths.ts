// Where the package's own files are. The demo's flows, intent corpus, pages and shop seed ship
// beside src/ (and beside dist/ in a build), so a module finds them from its own URL: two levels
// up from src/<dir>/ and from dist/<dir>/ alike. What the server writes (store, shop state,
// models) stays relative to the working directory.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (the directory holding package.json), with a trailing separator. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A path inside the package, e.g. packagePath('public') */
export function packagePath(...parts: string[]): string {
  return path.join(PACKAGE_ROOT, ...parts);
}

/**
 * A directory the package ships a default of (`flows`, `intents`): `name` itself when the working
 * directory has one (a checkout, or a shop's own copy), otherwise the package's copy, so an
 * installed package started in an empty directory runs the demo.
 */
export function bundledDir(name: string, cwd: string = process.cwd()): string {
  const local = path.resolve(cwd, name);
  if (existsSync(local)) return cwd === process.cwd() ? name : local;
  return packagePath(name);
}
