// Build: type-check + emit with tsc, then compile the JSON Schemas into standalone
// validator code (ajv "standalone" mode) so that `lakespec validate` pays no schema
// compilation at start-up.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const tsc = require.resolve('typescript/bin/tsc');
// From empty: tsc never deletes the output of a source file that was removed or renamed
// (an import of it would still work here and fail on a clean clone), and each bundle
// writes chunks under new content-hashed names (570 stale ones had piled up locally).
rmSync(join(root, 'dist'), { recursive: true, force: true });
try {
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { stdio: 'inherit', cwd: root });
} catch {
  process.stderr.write('build: TypeScript compilation failed\n');
  process.exit(1);
}

const Ajv2020 = require('ajv/dist/2020').default;
const standaloneCode = require('ajv/dist/standalone').default;

const schemaDir = join(root, 'schemas');
const schemas = readdirSync(schemaDir)
  .filter((f) => f.endsWith('.schema.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(schemaDir, f), 'utf8')));

const ajv = new Ajv2020({
  allErrors: true,
  strict: true,
  strictRequired: false,
  strictTypes: false,
  allowUnionTypes: true,
  code: { source: true, esm: true, lines: false },
});
ajv.addSchema(schemas);
const base = 'https://lakespec.dev/schemas/v1/';
const code = standaloneCode(ajv, {
  Workspace: base + 'workspace.schema.json',
  Connection: base + 'connection.schema.json',
  Dataset: base + 'dataset.schema.json',
  Pipeline: base + 'pipeline.schema.json',
  DatasetOverride: base + 'dataset.schema.json#/$defs/override',
  PipelineOverride: base + 'pipeline.schema.json#/$defs/override',
  RepoConfig: base + 'repo-config.schema.json',
});
const outDir = join(root, 'dist', 'spec', 'generated');
mkdirSync(outDir, { recursive: true });
// ajv's standalone ESM output still calls require() for its runtime helpers.
const prelude = "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n";
writeFileSync(join(outDir, 'validators.js'), prelude + code);

// The CLI as one ES module graph (esbuild, with each command a chunk loaded on use):
// resolving and linking the ~150 files of dist/, yaml's 74 CommonJS modules and ajv's
// runtime took about 60 ms of every `lakespec validate`, a third of it end to end.
// Packages with native parts or files of their own (DuckDB, PGlite, pg, Octokit, …) stay
// external and load from node_modules when a command needs them.
const { build } = await import('esbuild');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const inlined = new Set(['yaml', 'js-yaml', 'ajv']);
const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })
  .filter((n) => !inlined.has(n))
  .flatMap((n) => [n, `${n}/*`]);
try {
  await build({
    entryPoints: [join(root, 'dist', 'cli', 'main.js')],
    outdir: join(root, 'dist', 'cli-bundle'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    logLevel: 'warning',
    // Bundled CommonJS (yaml) calls require() for Node's built-ins; ES modules have none.
    banner: { js: "import { createRequire as __lakespecRequire } from 'node:module';\nconst require = __lakespecRequire(import.meta.url);" },
  });
} catch {
  process.stderr.write('build: bundling the CLI failed\n');
  process.exit(1);
}
