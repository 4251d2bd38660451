// Which commit of a repository is applied to an environment, and who is applying one now.
// Merges of one repository and environment are applied one after the other: the holder of
// a row's lease (renewed while it works) is the only one applying, and a crashed holder's
// lease runs out after LEASE_SECONDS.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from './db.js';

export const APPLY_HEAD_LEASE_SECONDS = 60;

export interface ApplyHeadKey {
  repository: string;
  environment: string;
  /** This merge (process and queue run): re-entry by the same merge after a retry is allowed. */
  holder: string;
}

export class ApplyHeads {
  constructor(
    private readonly db: Db,
    private readonly leaseSeconds = APPLY_HEAD_LEASE_SECONDS,
  ) {}

  /** Waits for the lease and returns the commit applied last (null: none yet). */
  async acquire(key: ApplyHeadKey, signal: AbortSignal): Promise<string | null> {
    for (;;) {
      const r = await this.db.query<{ applied_sha: string | null }>(
        `INSERT INTO github_apply_heads (repository, environment, holder, lease_expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))
         ON CONFLICT (repository, environment) DO UPDATE SET holder = EXCLUDED.holder, lease_expires_at = EXCLUDED.lease_expires_at
           WHERE github_apply_heads.holder IS NULL OR github_apply_heads.lease_expires_at < now() OR github_apply_heads.holder = EXCLUDED.holder
         RETURNING applied_sha`,
        [key.repository, key.environment, key.holder, this.leaseSeconds],
      );
      if (r.rows[0]) return r.rows[0].applied_sha;
      if (signal.aborted) throw new Error(`gave up waiting for the apply lock on ${key.repository} (${key.environment})`);
      await sleep(250);
    }
  }

  /** Keeps the lease while working: every third of it until the returned stop() is called. */
  keep(key: ApplyHeadKey): () => void {
    const timer = setInterval(
      () => void this.db.query('UPDATE github_apply_heads SET lease_expires_at = now() + make_interval(secs => $3) WHERE repository = $1 AND environment = $2 AND holder = $4', [key.repository, key.environment, this.leaseSeconds, key.holder]).catch(() => {}),
      (this.leaseSeconds * 1000) / 3,
    );
    return () => clearInterval(timer);
  }

  async setApplied(key: ApplyHeadKey, sha: string): Promise<void> {
    await this.db.query('UPDATE github_apply_heads SET applied_sha = $3, applied_at = now() WHERE repository = $1 AND environment = $2', [key.repository, key.environment, sha]);
  }

  async release(key: ApplyHeadKey): Promise<void> {
    await this.db.query('UPDATE github_apply_heads SET holder = NULL, lease_expires_at = NULL WHERE repository = $1 AND environment = $2 AND holder = $3', [key.repository, key.environment, key.holder]);
  }
}
