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
  /** Relative path with forward slashes, e.g. "trino/pipelines/orders.sql". */
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

/**
 * What the manifest needs of each artifact, kept per artifact object: a recompile reuses
 * unchanged artifacts (the same objects), so their hash, entry, JSON text and set-hash line
 * are not computed again. At 60 000 artifacts these passes were a fifth of a one-file
 * recompile.
 */
export class ManifestMemo {
  private readonly byArtifact = new WeakMap<Artifact, { entry: ManifestEntry; line: string }>();
  private readonly json = new WeakMap<ManifestEntry, string>();

  piece(a: Artifact): { entry: ManifestEntry; line: string } {
    let p = this.byArtifact.get(a);
    if (p === undefined) {
      const entry: ManifestEntry = { path: a.path, kind: a.kind, sha256: sha256(a.content), bytes: Buffer.byteLength(a.content, 'utf8') };
      p = { entry, line: `${entry.path}\t${entry.sha256}\n` };
      this.byArtifact.set(a, p);
    }
    return p;
  }

  /** The entry as JSON.stringify(manifest, null, 2) prints it inside the artifacts array. */
  entryJson(e: ManifestEntry): string {
    let j = this.json.get(e);
    if (j === undefined) {
      j = `    {\n      "path": ${JSON.stringify(e.path)},\n      "kind": ${JSON.stringify(e.kind)},\n      "sha256": ${JSON.stringify(e.sha256)},\n      "bytes": ${JSON.stringify(e.bytes)}\n    }`;
      this.json.set(e, j);
    }
    return j;
  }
}

export function buildManifest(
  artifacts: readonly Artifact[],
  memo: ManifestMemo,
  meta: { workspace: string; environment: string; gitSha: string; specHash: string; backends: string[] },
): Manifest {
  let pieces = artifacts.map((a) => memo.piece(a));
  // compile() passes artifacts sorted by path already; sort only when they are not.
  if (pieces.some((x, i) => i > 0 && byString(pieces[i - 1]!.entry.path, x.entry.path) > 0)) pieces = [...pieces].sort((a, b) => byString(a.entry.path, b.entry.path));
  const setHash = sha256(pieces.map((x) => x.line).join(''));
  return { lakespec: MANIFEST_FORMAT, ...meta, backends: [...meta.backends].sort(byString), artifacts: pieces.map((x) => x.entry), setHash };
}

/** The manifest file: exactly JSON.stringify(m, null, 2) and a newline; entries' text comes from `memo` when given. */
export function manifestJson(m: Manifest, memo?: ManifestMemo): string {
  if (!memo) return JSON.stringify(m, null, 2) + '\n';
  const head = JSON.stringify({ lakespec: m.lakespec, workspace: m.workspace, environment: m.environment, gitSha: m.gitSha, specHash: m.specHash, backends: m.backends }, null, 2);
  const list = m.artifacts.length === 0 ? '[]' : `[\n${m.artifacts.map((e) => memo.entryJson(e)).join(',\n')}\n  ]`;
  return `${head.slice(0, -2)},\n  "artifacts": ${list},\n  "setHash": ${JSON.stringify(m.setHash)}\n}\n`;
}
