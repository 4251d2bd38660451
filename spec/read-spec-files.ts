// The loader's IO edge: finds and reads the spec files under a folder.
import { closeSync, lstatSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { type Diagnostic, diagnostic } from './diagnostic.js';
import type { SourceFile } from './source-file.js';
import { defaultLimits } from './yaml-loader.js';

const SKIP_DIRS = new Set(['node_modules', 'dist', 'target', 'out']);

/** A folder `lakespec compile --out` wrote: its manifest.json names the lakespec manifest format. */
function isCompileOutput(dir: string): boolean {
  const st = lstatSync(join(dir, 'manifest.json'), { throwIfNoEntry: false });
  if (!st?.isFile() || st.size > 64 * 1024 * 1024) return false;
  try {
    const fd = openSync(join(dir, 'manifest.json'), 'r');
    try {
      const head = Buffer.alloc(256);
      const n = readSync(fd, head, 0, head.length, 0);
      return /^\s*\{\s*"lakespec"\s*:\s*"lakespec\.dev\/manifest\//.test(head.subarray(0, n).toString('utf8'));
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

export interface ReadResult {
  files: SourceFile[];
  diagnostics: Diagnostic[];
}

/**
 * Every *.yaml / *.yml below `root`, sorted by path. Hidden folders, build outputs and
 * folders holding a lakespec compile output (its manifest.json) are skipped: an --out folder
 * inside the spec folder holds dbt YAML that is not a spec.
 */
export function readSpecFiles(root: string, maxFileBytes = defaultLimits.maxFileBytes): ReadResult {
  const files: SourceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 32) return;
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      diagnostics.push(diagnostic('LS1009', `cannot read folder ${dir}`));
      return;
    }
    for (const name of entries) {
      if (name.startsWith('.')) continue;
      const full = join(dir, name);
      const st = lstatSync(full, { throwIfNoEntry: false });
      if (!st || st.isSymbolicLink()) continue; // never follow links out of the repository
      if (st.isDirectory()) {
        if (!SKIP_DIRS.has(name) && !isCompileOutput(full)) walk(full, depth + 1);
        continue;
      }
      if (!/\.ya?ml$/i.test(name)) continue;
      const path = relative(root, full).split(sep).join('/');
      if (st.size > maxFileBytes) {
        diagnostics.push(diagnostic('LS1006', `file is ${st.size} bytes; the limit is ${maxFileBytes} bytes. Split it into several files.`, { location: { file: path, range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } } } }));
        continue;
      }
      const buf = readFileSync(full);
      const text = buf.toString('utf8');
      if (text.includes('\uFFFD') && !buf.includes(Buffer.from('\uFFFD', 'utf8'))) {
        diagnostics.push(diagnostic('LS1009', 'file is not valid UTF-8 text', { location: { file: path, range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } } } }));
        continue;
      }
      files.push({ path, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text });
    }
  };
  const st = lstatSync(root, { throwIfNoEntry: false });
  if (!st) diagnostics.push(diagnostic('LS1009', `no such folder: ${root}`));
  else if (!st.isDirectory()) diagnostics.push(diagnostic('LS1009', `${root} is not a folder; pass the folder that holds the specs`));
  else walk(root, 0);
  if (st && files.length === 0 && diagnostics.length === 0) diagnostics.push(diagnostic('LS1011', `no .yaml or .yml files under ${root}`));
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, diagnostics };
}
