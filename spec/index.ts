// Public surface of the spec layer: loading, validating and resolving specs.
export * from './diagnostic.js';
export { catalog, type DiagnosticCode } from './diagnostic-catalog.js';
export * from './model.js';
export { type SourceFile, LineIndex } from './source-file.js';
export { type LoaderLimits, defaultLimits, loadYamlFile } from './yaml-loader.js';
export { ParseCache, type ParsedSpecs, parseSpecs } from './parse-specs.js';
export { resolveProject, environmentsOf, specHash, ResolveCache } from './resolve-project.js';
export { Memo, flat, sameItems } from './memo.js';
export { sortedKeys, withProps } from './plain-copy.js';
export { analyze, type AnalyzeOptions, type AnalyzeResult } from './analyze.js';
export { readSpecFiles } from './read-spec-files.js';
export { canonicalJson, sha256, byString } from './canonical-json.js';
export { type SqlType, formatSqlType, parseSqlType, isWidening, sameType } from './sql-type.js';
export { type SqlPart, parseSqlTemplate, blankLiterals, endOfNonCode } from './sql-template.js';
export { parseDurationSeconds } from './duration.js';
export { closest, didYouMean } from './did-you-mean.js';
export { type RepoConfig, REPO_CONFIG_FILE, DEFAULT_REPO_CONFIG, parseRepoConfig } from './repo-config.js';
export { Locator } from './locator.js';
