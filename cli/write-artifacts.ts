// Writes compiled artifacts to a folder all at once: everything goes to a sibling
// temporary folder first, which then replaces the old output. A failure part-way leaves
// the previous output untouched. Only a folder that is empty or holds an earlier lakespec
// output is ever replaced.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Artifact } from '../compiler/index.js';
import { MANIFEST_FORMAT } from '../compiler/index.js';
import { UsageError } from './cli-context.js';

export function writeArtifacts(outDir: string, artifacts: readonly Artifact[]): void {
  if (existsSync(outDir)) {
    const entries = readdirSync(outDir);
    const ours = entries.includes('manifest.json') && isOurManifest(join(outDir, 'manifest.json'));
    if (entries.length > 0 && !ours) throw new UsageError(`${outDir} is not empty and holds no lakespec output; choose an empty or new folder for --out`);
  }
  const parent = dirname(outDir);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(outDir)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    const made = new Set<string>();
    for (const a of artifacts) {
      if (a.path.split('/').some((p) => p === '..' || p === '') || a.path.startsWith('/')) throw new Error(`refusing artifact path ${a.path}`);
      const file = join(tmp, ...a.path.split('/'));
      const dir = dirname(file);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      writeFileSync(file, a.content);
    }
    const old = join(parent, `.${basename(outDir)}.old-${process.pid}`);
    if (existsSync(outDir)) renameSync(outDir, old);
    renameSync(tmp, outDir);
    rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

function isOurManifest(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { lakespec?: string }).lakespec === MANIFEST_FORMAT;
  } catch {
    return false;
  }
}
