// Reads a spec folder for a command; shared by every command that reads specs.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Diagnostic, REPO_CONFIG_FILE, type SourceFile, parseRepoConfig, readSpecFiles } from '../spec/index.js';
import { UsageError } from './cli-context.js';

export interface LoadedProject {
  root: string;
  files: SourceFile[];
  readDiagnostics: Diagnostic[];
  sourceOf: (file: string) => string | undefined;
}

/**
 * The folder a command reads when none is named: the one .lakespec.yml names, else the
 * working directory if it holds spec files itself. Anything else is a usage error, so that
 * a folder of unrelated YAML (a repository's test fixtures) never becomes the project.
 */
export function defaultSpecDir(cwd: string): string {
  const cfg = join(cwd, REPO_CONFIG_FILE);
  if (existsSync(cfg)) {
    const { config, diagnostics } = parseRepoConfig(readFileSync(cfg, 'utf8'));
    if (diagnostics.length === 0) return resolve(cwd, config.specs);
  }
  let names: string[] = [];
  try {
    names = readdirSync(cwd);
  } catch {
    // reported below as a usage error
  }
  if (names.some((n) => /\.ya?ml$/i.test(n) && !n.startsWith('.'))) return cwd;
  throw new UsageError(`name the folder that holds the specs (e.g. "lakespec validate examples/finance"): ${cwd} has no spec files of its own and no ${REPO_CONFIG_FILE}`);
}

export function loadProject(cwd: string, dir: string | undefined): LoadedProject {
  const root = dir === undefined ? defaultSpecDir(cwd) : resolve(cwd, dir);
  const { files, diagnostics } = readSpecFiles(root);
  const byPath = new Map(files.map((f) => [f.path, f.text]));
  return { root, files, readDiagnostics: diagnostics, sourceOf: (f) => byPath.get(f) };
}
