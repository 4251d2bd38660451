// The manifest: every artifact's path, kind, sha256 and size, and a hash of the whole set.
import { byString, flat, sha256 } from '../spec/index.js';
import { type Artifact, type ArtifactKind, pushSeparated } from './artifact.js';
import { hashParts } from './artifact-hash.js';

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
      let entry: ManifestEntry;
      if (a.digest) entry = { path: a.path, kind: a.kind, sha256: a.digest.sha256, bytes: a.digest.bytes };
      else if (a.parts) {
        const { sha256, bytes } = hashParts(a.parts);
        entry = { path: a.path, kind: a.kind, sha256, bytes };
      }
      else {
        const content = a.content; // read once: it may be rendered on each read
        entry = { path: a.path, kind: a.kind, sha256: sha256(content), bytes: Buffer.byteLength(content, 'utf8') };
      }
      p = { entry, line: flat(`${entry.path}\t${entry.sha256}\n`) };
      this.byArtifact.set(a, p);
    }
    return p;
  }

  /** The entry as JSON.stringify(manifest, null, 2) prints it inside the artifacts array. */
  entryJson(e: ManifestEntry): string {
    let j = this.json.get(e);
    if (j === undefined) {
      j = flat(`    {\n      "path": ${JSON.stringify(e.path)},\n      "kind": ${JSON.stringify(e.kind)},\n      "sha256": ${JSON.stringify(e.sha256)},\n      "bytes": ${JSON.stringify(e.bytes)}\n    }`);
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
  return manifestJsonParts(m, memo).join('');
}

/** manifestJson's text as pieces (see joinedArtifact). */
export function manifestJsonParts(m: Manifest, memo: ManifestMemo): string[] {
  const head = JSON.stringify({ lakespec: m.lakespec, workspace: m.workspace, environment: m.environment, gitSha: m.gitSha, specHash: m.specHash, backends: m.backends }, null, 2);
  const out = [`${head.slice(0, -2)},\n  "artifacts": `];
  if (m.artifacts.length === 0) out.push('[]');
  else {
    out.push('[\n');
    pushSeparated(out, m.artifacts.map((e) => memo.entryJson(e)), ',\n');
    out.push('\n  ]');
  }
  out.push(`,\n  "setHash": ${JSON.stringify(m.setHash)}\n}\n`);
  return out;
}
