// Artifacts are the compiler's output: files with deterministic bytes (listed with their
// sha256 in the manifest, manifest.ts). Large ones do not hold their text: it is joined from
// pieces, or rendered again, when read.
import { sha256 } from '../spec/index.js';


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
