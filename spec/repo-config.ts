// The repository configuration file of the GitHub App (.lakespec.yml at the repository
// root): where the specs live, which environment pull requests plan against and merges
// apply to. Loaded like a spec file (same hardened YAML loader, same precise diagnostics),
// validated against schemas/repo-config.schema.json.
import { type Diagnostic, diagnostic } from './diagnostic.js';
import * as validators from './generated/validators.js';
import { schemaDiagnostics } from './schema-validator.js';
import { loadYamlFile } from './yaml-loader.js';

export const REPO_CONFIG_FILE = '.lakespec.yml';

export interface RepoConfig {
  /** Spec folder relative to the repository root ('.' by default). */
  specs: string;
  /** The default branch when the repository says so; otherwise the remote's HEAD is asked. */
  defaultBranch?: string;
  pullRequests: { environment?: string };
  /**
   * requireChecks: apply a merge only when it is the merge of a pull request whose lakespec
   * checks passed. Unset: required for protected environments only.
   */
  merges: { environment?: string; apply: boolean; run: 'affected' | 'all' | 'none'; requireChecks?: boolean };
}

export const DEFAULT_REPO_CONFIG: RepoConfig = { specs: '.', pullRequests: {}, merges: { apply: true, run: 'affected' } };

/** Parses the file's text; with errors, the defaults come back with the diagnostics. */
export function parseRepoConfig(text: string, file = REPO_CONFIG_FILE): { config: RepoConfig; diagnostics: Diagnostic[] } {
  const loaded = loadYamlFile({ path: file, text });
  const problems = loaded.diagnostics.map((d) => ({ ...d }));
  if (problems.length > 0) return { config: DEFAULT_REPO_CONFIG, diagnostics: problems };
  if (loaded.documents.length > 1) {
    return { config: DEFAULT_REPO_CONFIG, diagnostics: [diagnostic('LS1501', `${file} must hold one YAML document`, { location: { file, range: loaded.lines.range(0, 0) } })] };
  }
  const doc = loaded.documents[0];
  if (!doc || doc.value === null || doc.value === undefined) return { config: DEFAULT_REPO_CONFIG, diagnostics: [] };
  const schema = schemaDiagnostics('RepoConfig', doc, validators.RepoConfig, [], undefined).map((d) => ({ ...d, code: 'LS1501' as const, message: `${file}: ${d.message}` }));
  if (schema.length > 0) return { config: DEFAULT_REPO_CONFIG, diagnostics: schema };
  const v = doc.value as { specs?: string; defaultBranch?: string; pullRequests?: { environment?: string }; merges?: { environment?: string; apply?: boolean; run?: RepoConfig['merges']['run']; requireChecks?: boolean } };
  return {
    config: {
      specs: (v.specs ?? '.').replace(/\/+$/, '') || '.',
      ...(v.defaultBranch ? { defaultBranch: v.defaultBranch } : {}),
      pullRequests: { ...(v.pullRequests?.environment ? { environment: v.pullRequests.environment } : {}) },
      merges: { ...(v.merges?.environment ? { environment: v.merges.environment } : {}), apply: v.merges?.apply ?? true, run: v.merges?.run ?? 'affected', ...(v.merges?.requireChecks !== undefined ? { requireChecks: v.merges.requireChecks } : {}) },
    },
    diagnostics: [],
  };
}
