#!/usr/bin/env node
// The `daehwa` command. It runs the compiled CLI (dist/, made by `npm run build`) when this is an
// installed package (no src/ beside it) or NODE_ENV=production; otherwise, in a checkout, it runs
// the TypeScript in src/ through tsx so that edits take effect without a build.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'cli', 'main.js');
const source = join(root, 'src', 'cli', 'main.ts');
const production = process.env.NODE_ENV === 'production';

if (existsSync(compiled) && (production || !existsSync(source))) {
  await import(pathToFileURL(compiled).href);
} else if (existsSync(source)) {
  if (production) {
    process.stderr.write('daehwa: NODE_ENV=production but dist/ has no build; running the TypeScript through tsx (run `npm run build`)\n');
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(source).href);
} else {
  process.stderr.write(`daehwa: neither ${compiled} nor ${source} exists; run \`npm run build\`\n`);
  process.exitCode = 1;
}
