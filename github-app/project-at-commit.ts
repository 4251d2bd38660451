// A checkout read as lakespec reads a spec folder: the repository configuration, the spec
// files, their diagnostics (paths relative to the repository root, as annotations need
// them) and, without errors, the compiled project for the environment asked for.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { type Artifact, CompileCache, type CompileResult, type IRProject, compile } from '../compiler/index.js';
import { sourceFileDiagnostics, transformOutputDiagnostics } from '../reconciler/index.js';
import { DEFAULT_REPO_CONFIG, type Diagnostic, REPO_CONFIG_FILE, type RepoConfig, analyze, diagnostic, hasErrors, parseRepoConfig, readSpecFiles, sortDiagnostics } from '../spec/index.js';

export interface ProjectAtCommit {
  config: RepoConfig;
  specsRoot: string;
  fileCount: number;
  /** Every problem, with file paths relative to the repository root. */
  diagnostics: Diagnostic[];
  compiled?: CompileResult & { ir: IRProject; manifest: NonNullable<CompileResult['manifest']> };
  artifacts: Artifact[];
}

export async function projectAtCommit(dir: string, sha: string, purpose: 'pullRequests' | 'merges'): Promise<ProjectAtCommit> {
  const cfgPath = join(dir, REPO_CONFIG_FILE);
  const { config, diagnostics: cfgDiagnostics } = existsSync(cfgPath) ? parseRepoConfig(readFileSync(cfgPath, 'utf8')) : { config: DEFAULT_REPO_CONFIG, diagnostics: [] };
  const specsRoot = join(dir, config.specs);
  if (!existsSync(specsRoot) || !statSync(specsRoot).isDirectory()) {
    const d = diagnostic('LS1502', `the spec folder "${config.specs}" named in ${REPO_CONFIG_FILE} does not exist at this commit`, existsSync(cfgPath) ? { location: { file: REPO_CONFIG_FILE, range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } } } } : {});
    return { config, specsRoot, fileCount: 0, diagnostics: [...cfgDiagnostics, d], artifacts: [] };
  }
  const prefix = config.specs === '.' ? '' : config.specs;
  const rel = (f: string | undefined) => (f === undefined ? undefined : prefix ? posix.join(prefix, f) : f);
  const { files, diagnostics: readDiagnostics } = readSpecFiles(specsRoot);
  const environment = config[purpose].environment;
  const cache = new CompileCache();
  const compiled = compile(files, { ...(environment ? { environment } : {}), gitSha: sha, cache });
  // What each transform produces against its dataset (DuckDB's parser), as validate reports it.
  // And that the files its ingest steps read from the repository are there.
  const analysis = compiled.ir ? analyze(files, { environment: compiled.ir.environment, cache: cache.parse, resolveCache: cache.resolve }) : undefined;
  const outputs = analysis ? [...(await transformOutputDiagnostics(analysis)), ...sourceFileDiagnostics(analysis, specsRoot)] : [];
  const diagnostics = sortDiagnostics([
    ...cfgDiagnostics,
    ...[...readDiagnostics, ...compiled.diagnostics, ...outputs].map((d) => {
      const file = rel(d.file);
      return {
        ...d,
        ...(file !== undefined ? { file } : {}),
        ...(d.related ? { related: d.related.map((r) => ({ ...r, location: { ...r.location, file: rel(r.location.file)! } })) } : {}),
      };
    }),
  ]);
  const ok = !hasErrors(diagnostics) && compiled.ir && compiled.manifest;
  return {
    config,
    specsRoot,
    fileCount: files.length,
    diagnostics,
    ...(ok ? { compiled: compiled as ProjectAtCommit['compiled'] & object } : {}),
    artifacts: compiled.artifacts,
  };
}
