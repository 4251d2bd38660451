// Parse + resolve in one call: what `lakespec validate` runs. Pure.
import { type Diagnostic, type Position, dedupeDiagnostics, sortDiagnostics } from './diagnostic.js';
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
    const name = r.project?.environment ?? env;
    diagnostics.push(...(name === undefined ? r.diagnostics : r.diagnostics.map((d) => inEnvironment(d, parsed, name))));
    if (r.project) projects.set(r.project.environment, r.project);
  }
  return { parsed, projects, diagnostics: sortDiagnostics(dedupeDiagnostics(diagnostics)) };
}

/**
 * A problem written in an environment's own part of a file (a resource's `overrides.<env>`,
 * the workspace's `environments.<env>`) says which environment it belongs to: the same
 * line read for another environment would not show it.
 */
function inEnvironment(d: Diagnostic, parsed: ParsedSpecs, env: string): Diagnostic {
  if (!d.file || !d.range || d.message.includes(`environment ${env}`)) return d;
  const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.column <= b.column);
  for (const r of parsed.resources) {
    if (r.doc.file !== d.file) continue;
    for (const pointer of [`/spec/overrides/${env}`, `/spec/environments/${env}`]) {
      const span = r.doc.spans.get(pointer);
      if (!span) continue;
      const range = r.doc.lines.range(span.keyStart ?? span.start, span.end);
      if (before(range.start, d.range.start) && before(d.range.start, range.end)) return { ...d, message: `${d.message} (environment ${env})` };
    }
  }
  return d;
}
