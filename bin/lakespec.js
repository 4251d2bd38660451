#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The bundled CLI (scripts/build.mjs): one module graph starts faster than dist/'s files.
const entry = join(root, 'dist', 'cli-bundle', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('lakespec: the CLI is not built yet. Run `npm install` (or `npm run build`) in ' + root + '\n');
  process.exit(2);
}
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
