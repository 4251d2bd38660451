// Where artifact bytes live. Content-addressed by sha256: a digest names its bytes forever,
// so a blob is written once and never changed. The state store keeps the index.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ArtifactStore {
  put(sha256: string, bytes: Uint8Array): Promise<void>;
  get(sha256: string): Promise<Uint8Array | undefined>;
}

export function digest(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Blobs in a local folder, fanned out by the first two hex digits. */
export class LocalArtifactStore implements ArtifactStore {
  constructor(readonly dir: string) {}

  private path(sha: string): string {
    if (!HEX64.test(sha)) throw new Error(`not a sha256 digest: ${sha}`);
    return join(this.dir, sha.slice(0, 2), sha.slice(2));
  }

  async put(sha: string, bytes: Uint8Array): Promise<void> {
    const p = this.path(sha);
    if (existsSync(p)) return;
    mkdirSync(join(this.dir, sha.slice(0, 2)), { recursive: true });
    // Write beside, then rename: a reader never sees half a blob, and racing writers of the
    // same digest write the same bytes.
    const tmp = `${p}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, p);
  }

  async get(sha: string): Promise<Uint8Array | undefined> {
    const p = this.path(sha);
    return existsSync(p) ? readFileSync(p) : undefined;
  }
}
