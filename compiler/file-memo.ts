// Artifacts assembled from memoized pieces, remembered by path across recompiles.
import { sameItems } from '../spec/index.js';
import { type Artifact, type ArtifactKind, joinedArtifact } from './artifact.js';
import { CHECKPOINT_BYTES, type HashCheckpoint, hashParts } from './artifact-hash.js';

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
