// sha256 of an artifact's pieces as if joined, without joining them, and resumable: a file
// whose first pieces did not change is hashed again from a saved state, not from the start.
import { type Hash, createHash } from 'node:crypto';

/** The hash state after the first `index` parts (`bytes` of UTF-8), for resuming when only later parts change. */
export interface HashCheckpoint {
  index: number;
  bytes: number;
  hash: Hash;
}

/** A checkpoint about every this many bytes: ~13 for ir.json at 10 000 datasets. */
export const CHECKPOINT_BYTES = 1 << 20;

/**
 * sha256 and UTF-8 length of pieces as if joined, feeding the hash about 64 KB at a time.
 * With `last` (the parts this file had before and the hash states saved then), hashing
 * resumes from the last saved state before the first part that differs.
 */
export function hashParts(
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
