// Parse + resolve in one call: what `lakespec validate` runs. Pure.
import { type Diagnostic, dedupeDiagnostics, sortDiagnostics } from './diagnostic.js';
import type { ResolvedProject } from './model.js';
import { type ParseCache, type ParsedSpecs, parseSpecs } from './parse-specs.js';
import { ResolveCache, environmentsOf, resolveProject } from './resolve-project.js';
import type { SourceFile } from './source-file.js';

export interface AnalyzeOptions {
  /** One environment; when absent every declared environment is checked (or, with `defaultOnly`, the workspace's default). */
  environment?: string;
  defaultOnly?: boolean;
  cache?: ParseCache;
  resolveCache?: ResolveCache;
}

export interface AnalyzeResult {
  parsed: ParsedSpecs;
  /** Resolved projects by environment (only those that resolved). */
  projects: Map<string, ResolvedProject>;
  diagnostics: Diagnostic[];
}

export function analyze(files: readonly SourceFile[], options: AnalyzeOptions = {}): AnalyzeResult {
  const parsed = parseSpecs(files, options.cache ? { cache: options.cache } : {});
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const projects = new Map<string, ResolvedProject>();
  // `undefined` asks resolveProject for the workspace's default environment.
  const envs: (string | undefined)[] = options.environment !== undefined ? [options.environment] : options.defaultOnly ? [undefined] : environmentsOf(parsed);
  if (envs.length === 0) envs.push(undefined);
  const resolveCache = options.resolveCache ?? new ResolveCache();
  for (const env of envs) {
    const r = resolveProject(parsed, env, resolveCache);
    diagnostics.push(...r.diagnostics);
    if (r.project) projects.set(r.project.environment, r.project);
  }
  return { parsed, projects, diagnostics: sortDiagnostics(dedupeDiagnostics(diagnostics)) };
}
