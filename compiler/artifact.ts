// Artifacts are the compiler's output: files with deterministic bytes, listed in a
// manifest with their sha256 and a hash of the whole set.
import { type Hash, createHash } from 'node:crypto';
import { byString, flat, sameItems, sha256 } from '../spec/index.js';

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
  readonly path: string;
  readonly kind: ArtifactKind;
  /** The file's text. Large files are assembled on each read (see joinedArtifact), so read it once per use. */
  readonly content: string;
  /** When present, `content` is exactly these pieces joined: the manifest hashes them without joining. */
  readonly parts?: readonly string[];
  /** When present, the sha256 and UTF-8 size of `content`, taken when it was first rendered (see regeneratedArtifact). */
  readonly digest?: ArtifactDigest;
}

export interface ArtifactDigest {
  sha256: string;
  bytes: number;
}

/**
 * An artifact assembled from pieces that compile() keeps anyway (memoized per table or
 * pipeline). Its text is joined when read, not held: at 10 000 datasets the joined copies
 * of the layer files, ir.json, graph.json and the pipeline scripts were about 70 MB of heap
 * beside the pieces they were joined from.
 */
export function joinedArtifact(path: string, kind: ArtifactKind, parts: readonly string[], digest?: ArtifactDigest): Artifact {
  return new JoinedArtifact(path, kind, parts, digest);
}

// Classes with `content` as a prototype getter, not object literals with a getter of their
// own: V8 keeps each such literal as a dictionary (448 bytes of properties apiece), which
// for the 13 000 pipeline artifacts of a 10 000-dataset project was 6 MB.
class JoinedArtifact implements Artifact {
  declare readonly digest?: ArtifactDigest;
  constructor(
    readonly path: string,
    readonly kind: ArtifactKind,
    readonly parts: readonly string[],
    digest: ArtifactDigest | undefined,
  ) {
    if (digest) this.digest = digest;
  }

  get content(): string {
    return this.parts.join('');
  }
}

class RegeneratedArtifact implements Artifact {
  readonly digest: ArtifactDigest;
  // A private field: artifacts compare (toEqual, spreads) by path, kind and digest, not by closure.
  readonly #render: () => string;
  constructor(
    readonly path: string,
    readonly kind: ArtifactKind,
    text: string,
    render: () => string,
  ) {
    this.digest = { sha256: sha256(text), bytes: Buffer.byteLength(text, 'utf8') };
    this.#render = render;
  }

  get content(): string {
    return this.#render();
  }
}

/** Appends `items` to `out` with `separator` between them: a joined text's pieces without joining it. */
export function pushSeparated(out: string[], items: readonly string[], separator: string): string[] {
  items.forEach((x, i) => (i === 0 ? out.push(x) : out.push(separator, x)));
  return out;
}

/** Artifacts assembled from pieces, remembered by path across recompiles. */
export class FileMemo {
  private readonly files = new Map<string, { parts: readonly string[]; artifact: Artifact; checkpoints: readonly HashCheckpoint[] }>();

  /** `checkpointBytes`: how often a file's hash state is saved (tests make it small). */
  constructor(private readonly checkpointBytes = CHECKPOINT_BYTES) {}

  /**
   * An artifact assembled from many memoized parts (a property file listing every model):
   * when every part is the same as last time, last time's artifact object is returned, so
   * the manifest reuses its hash. Otherwise it is hashed here, resuming from the last
   * hash state saved before the first part that changed: an edit to one dataset rehashes
   * the rest of ir.json (12.6 MB at 10 000 datasets), not all of it. The text is joined
   * only when read.
   */
  file(path: string, kind: ArtifactKind, parts: readonly string[]): Artifact {
    const last = this.files.get(path);
    if (last && last.artifact.kind === kind && sameItems(last.parts, parts)) return last.artifact;
    const { sha256, bytes, checkpoints } = hashParts(parts, last, this.checkpointBytes);
    const artifact = joinedArtifact(path, kind, parts, { sha256, bytes });
    this.files.set(path, { parts, artifact, checkpoints });
    return artifact;
  }
}

/**
 * An artifact whose text is let go once hashed and rendered again, from objects compile()
 * keeps anyway (a pipeline and the tables it touches), whenever it is read. Rendering is a
 * pure function of the read-only IR, so every read gives the text the digest was taken from. At
 * 10 000 datasets the pipeline plans and scripts held this way were most of the SQL
 * backends' 107 MB of heap; only the files a one-file recompile must re-hash from pieces
 * (the per-layer DDL and checks) keep text.
 */
export function regeneratedArtifact(path: string, kind: ArtifactKind, text: string, render: () => string): Artifact {
  return new RegeneratedArtifact(path, kind, text, render);
}

/** The hash state after the first `index` parts (`bytes` of UTF-8), for resuming when only later parts change. */
interface HashCheckpoint {
  index: number;
  bytes: number;
  hash: Hash;
}

/** A checkpoint about every this many bytes: ~13 for ir.json at 10 000 datasets. */
const CHECKPOINT_BYTES = 1 << 20;

/**
 * sha256 and UTF-8 length of pieces as if joined, feeding the hash about 64 KB at a time.
 * With `last` (the parts this file had before and the hash states saved then), hashing
 * resumes from the last saved state before the first part that differs.
 */
function hashParts(
  parts: readonly string[],
  last?: { parts: readonly string[]; checkpoints: readonly HashCheckpoint[] },
  checkpointBytes = CHECKPOINT_BYTES,
): { sha256: string; bytes: number; checkpoints: HashCheckpoint[] } {
  const checkpoints: HashCheckpoint[] = [];
  let start = 0;
  let h = createHash('sha256');
  let bytes = 0;
  if (last) {
    let same = 0;
    const n = Math.min(parts.length, last.parts.length);
    while (same < n && parts[same] === last.parts[same]) same++;
    for (const c of last.checkpoints) {
      if (c.index > same) break;
      checkpoints.push(c);
    }
    const from = checkpoints[checkpoints.length - 1];
    if (from) {
      // A copy: the saved state stays as it was for the checkpoints list it belongs to.
      h = from.hash.copy();
      start = from.index;
      bytes = from.bytes;
    }
  }
  let sinceCheckpoint = 0;
  let batch: string[] = [];
  let size = 0;
  const flush = (final: boolean, consumed: number) => {
    let s = batch.join('');
    batch = [];
    // A surrogate pair split between two pieces must be encoded whole, as the joined text is.
    const lastUnit = s.charCodeAt(s.length - 1);
    const carry = !final && lastUnit >= 0xd800 && lastUnit <= 0xdbff;
    if (carry) {
      batch.push(s.slice(-1));
      s = s.slice(0, -1);
    }
    size = batch.length;
    h.update(s, 'utf8');
    const b = Buffer.byteLength(s, 'utf8');
    bytes += b;
    sinceCheckpoint += b;
    // Only where every part so far is in the hash, nothing carried over.
    if (!final && !carry && sinceCheckpoint >= checkpointBytes) {
      checkpoints.push({ index: consumed, bytes, hash: h.copy() });
      sinceCheckpoint = 0;
    }
  };
  for (let i = start; i < parts.length; i++) {
    const p = parts[i]!;
    batch.push(p);
    size += p.length;
    if (size >= 65536) flush(false, i + 1);
  }
  flush(true, parts.length);
  return { sha256: h.digest('hex'), bytes, checkpoints };
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
