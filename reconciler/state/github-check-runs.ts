// The check runs lakespec created on GitHub, by repository, commit, name and the queue run
// that created them. Only these ids are lakespec's: a check of the same name by another app
// is not (see github-app/merge-checks.ts).
import type { Queryable } from './db.js';

export interface CheckRunKey {
  repository: string;
  headSha: string;
  name: string;
  /** The queue run (a delivery's) that works on the check. */
  runId: string;
}

export const githubCheckRuns = {
  /** The check run this queue run created for the key, if it did (a retried delivery reuses it). */
  async find(q: Queryable, k: CheckRunKey): Promise<number | undefined> {
    const r = await q.query<{ check_run_id: string }>('SELECT check_run_id FROM github_check_runs WHERE repository = $1 AND head_sha = $2 AND name = $3 AND run_id = $4', [k.repository, k.headSha, k.name, k.runId]);
    return r.rows[0] ? Number(r.rows[0].check_run_id) : undefined;
  },

  async record(q: Queryable, k: CheckRunKey, checkRunId: number): Promise<void> {
    await q.query('INSERT INTO github_check_runs (repository, head_sha, name, run_id, check_run_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [k.repository, k.headSha, k.name, k.runId, checkRunId]);
  },

  /** The check runs a queue run created in a repository. */
  async ofRun(q: Queryable, repository: string, runId: string): Promise<number[]> {
    return (await q.query<{ check_run_id: string }>('SELECT check_run_id FROM github_check_runs WHERE repository = $1 AND run_id = $2', [repository, runId])).rows.map((r) => Number(r.check_run_id));
  },

  /** The ids of every check run lakespec created on a commit (as text, GitHub's ids exceed 2^31). */
  async onCommit(q: Queryable, repository: string, headSha: string): Promise<Set<string>> {
    return new Set((await q.query<{ check_run_id: string }>('SELECT check_run_id::text AS check_run_id FROM github_check_runs WHERE repository = $1 AND head_sha = $2', [repository, headSha])).rows.map((r) => r.check_run_id));
  },

  /** Whether another queue run already created a check of this name on the commit. */
  async createdByAnother(q: Queryable, k: CheckRunKey): Promise<boolean> {
    return (await q.query('SELECT 1 FROM github_check_runs WHERE repository = $1 AND head_sha = $2 AND name = $3 AND run_id <> $4 LIMIT 1', [k.repository, k.headSha, k.name, k.runId])).rows.length > 0;
  },
};
