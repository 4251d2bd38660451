// Writes compiled artifacts to a folder all at once: everything goes to a sibling
// temporary folder first, which then replaces the old output. A failure part-way leaves
// the previous output untouched. Only a folder that is empty or holds an earlier lakespec
// output is ever replaced.
//
// Recompiling into an earlier output reuses its unchanged files: a file whose bytes still
// match the new manifest's sha256 is hard-linked into the new folder instead of written
// again. Creating and writing back thousands of files is most of `compile --out` at scale
// (20 000 files at 10k datasets); reading and hashing them is cheaper. A file edited by hand
// no longer matches its hash and is written afresh.
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Artifact, Manifest } from '../compiler/index.js';
import { MANIFEST_FORMAT } from '../compiler/index.js';
import { sha256 } from '../spec/index.js';
import { UsageError } from './cli-context.js';

/** What was written: files written afresh and files reused from the previous output. */
export interface WriteSummary {
  written: number;
  reused: number;
}

export function writeArtifacts(outDir: string, artifacts: readonly Artifact[], manifest?: Manifest): WriteSummary {
  let previous: Map<string, string> | undefined;
  if (existsSync(outDir)) {
    const entries = readdirSync(outDir);
    const old = entries.includes('manifest.json') ? readOurManifest(join(outDir, 'manifest.json')) : undefined;
    if (entries.length > 0 && !old) throw new UsageError(`${outDir} is not empty and holds no lakespec output; choose an empty or new folder for --out`);
    if (old && manifest) previous = new Map(old.artifacts.map((e) => [e.path, e.sha256]));
  }
  const wanted = new Map(manifest?.artifacts.map((e) => [e.path, e]) ?? []);
  const summary: WriteSummary = { written: 0, reused: 0 };
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
      const entry = wanted.get(a.path);
      if (entry && previous?.get(a.path) === entry.sha256 && reuse(join(outDir, ...a.path.split('/')), file, entry)) summary.reused++;
      else {
        writeFileSync(file, a.content);
        summary.written++;
      }
    }
    const old = join(parent, `.${basename(outDir)}.old-${process.pid}`);
    if (existsSync(outDir)) renameSync(outDir, old);
    renameSync(tmp, outDir);
    rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return summary;
}

/** Links `from` (the previous output's file) to `to` when its bytes are the ones wanted; false when they are not, or linking is not possible here. */
function reuse(from: string, to: string, entry: { sha256: string; bytes: number }): boolean {
  try {
    const bytes = readFileSync(from);
    if (bytes.length !== entry.bytes || sha256(bytes) !== entry.sha256) return false;
    linkSync(from, to);
    return true;
  } catch {
    return false; // missing, unreadable, or a file system without hard links: write it
  }
}

function readOurManifest(path: string): Manifest | undefined {
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    return m.lakespec === MANIFEST_FORMAT && Array.isArray(m.artifacts) ? m : undefined;
  } catch {
    return undefined;
  }
}
