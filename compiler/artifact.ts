// Artifacts are the compiler's output: files with deterministic bytes, listed in a
// manifest with their sha256 and a hash of the whole set.
import { byString, sha256 } from '../spec/index.js';

export type ArtifactKind =
  | 'trino.ddl'
  | 'trino.pipeline'
  | 'trino.pipeline-sql'
  | 'trino.checks'
  | 'duckdb.ddl'
  | 'duckdb.pipeline'
  | 'duckdb.pipeline-sql'
  | 'duckdb.checks'
  | 'spark.application'
  | 'spark.configmap'
  | 'spark.job'
  | 'dbt.project'
  | 'dbt.model'
  | 'dbt.properties'
  | 'dbt.sources'
  | 'dbt.macro'
  | 'graph'
  | 'ir';

export interface Artifact {
  /** Relative path with forward slashes, e.g. "trino/tables/orders.sql". */
  path: string;
  kind: ArtifactKind;
  content: string;
}

export interface ManifestEntry {
  path: string;
  kind: ArtifactKind;
  sha256: string;
  bytes: number;
}

export interface Manifest {
  lakespec: string;
  workspace: string;
  environment: string;
  gitSha: string;
  specHash: string;
  backends: string[];
  artifacts: ManifestEntry[];
  /** sha256 over "path\tsha256\n" of every artifact, sorted by path. */
  setHash: string;
}

export const MANIFEST_FORMAT = 'lakespec.dev/manifest/v1';

export function buildManifest(
  artifacts: readonly Artifact[],
  /** Hashes of artifact objects seen before (a recompile reuses unchanged artifacts). */
  hashes: WeakMap<Artifact, { sha256: string; bytes: number }>,
  meta: { workspace: string; environment: string; gitSha: string; specHash: string; backends: string[] },
): Manifest {
  const entryOf = (a: Artifact) => {
    let h = hashes.get(a);
    if (h === undefined) {
      h = { sha256: sha256(a.content), bytes: Buffer.byteLength(a.content, 'utf8') };
      hashes.set(a, h);
    }
    return { path: a.path, kind: a.kind, sha256: h.sha256, bytes: h.bytes };
  };
  const entries = artifacts
    .map(entryOf)
    .sort((a, b) => byString(a.path, b.path));
  const setHash = sha256(entries.map((e) => `${e.path}\t${e.sha256}\n`).join(''));
  return { lakespec: MANIFEST_FORMAT, ...meta, backends: [...meta.backends].sort(byString), artifacts: entries, setHash };
}

export function manifestJson(m: Manifest): string {
  return JSON.stringify(m, null, 2) + '\n';
}
