// The reads behind the ops API — and behind a web UI or an agent's tools, which show the same
// things: catalog and deployment views, the audit log, the figures /metrics reports. Every
// function takes the Queryable it runs on: a workspace-scoped session sees only its rows.
import type { Queryable } from './db.js';

/** Histogram buckets (seconds) for phase durations. */
export const DURATION_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600] as const;

export const opsReads = {
  /** The database answers (health checks). */
  async ping(q: Queryable): Promise<void> {
    await q.query('SELECT 1');
  },

  async phaseOwner(q: Queryable, phaseId: string): Promise<{ run_id: string; workspace_id: string } | undefined> {
    return (await q.query<{ run_id: string; workspace_id: string }>('SELECT run_id, workspace_id FROM phases WHERE id = $1', [phaseId])).rows[0];
  },

  /** An artifact's media type, when a run of `workspace` (any, for null) links it. */
  async artifactMediaType(q: Queryable, sha256: string, workspace: string | null): Promise<string | undefined> {
    return (await q.query<{ media_type: string }>(`SELECT a.media_type FROM artifacts a JOIN run_artifacts ra USING (sha256) WHERE a.sha256 = $1 AND ($2::text IS NULL OR ra.workspace_id = $2) LIMIT 1`, [sha256, workspace])).rows[0]?.media_type;
  },

  async deployment(q: Queryable, id: string): Promise<{ workspace_id: string; stages: unknown; status: string; git_sha: string; environment: string } | undefined> {
    return (await q.query<{ workspace_id: string; stages: unknown; status: string; git_sha: string; environment: string }>('SELECT workspace_id, stages, status, git_sha, environment FROM deployments WHERE id = $1', [id])).rows[0];
  },

  async workspaces(q: Queryable, only: string | null): Promise<{ id: string; created_at: Date }[]> {
    return (await q.query<{ id: string; created_at: Date }>('SELECT id, created_at FROM workspaces WHERE ($1::text IS NULL OR id = $1) ORDER BY id', [only])).rows;
  },

  async datasets(q: Queryable, workspace: string | null, environment: string | null): Promise<Record<string, unknown>[]> {
    return (
      await q.query(
        `SELECT workspace_id, environment, name, physical_name, owner, layer, format, location, tags, schema, fingerprint, updated_at FROM datasets WHERE ($1::text IS NULL OR workspace_id = $1) AND ($2::text IS NULL OR environment = $2) ORDER BY workspace_id, environment, name`,
        [workspace, environment],
      )
    ).rows;
  },

  /** Connections with their secret references (never the secrets). */
  async connections(q: Queryable, workspace: string | null): Promise<Record<string, unknown>[]> {
    return (await q.query(`SELECT workspace_id, environment, name, type, config, secret_refs, updated_at FROM connections WHERE ($1::text IS NULL OR workspace_id = $1) ORDER BY workspace_id, environment, name`, [workspace])).rows;
  },

  async connection(q: Queryable, workspace: string, environment: string, name: string): Promise<{ type: string; config: Record<string, unknown> } | undefined> {
    return (await q.query<{ type: string; config: Record<string, unknown> }>('SELECT type, config FROM connections WHERE workspace_id = $1 AND environment = $2 AND name = $3', [workspace, environment, name])).rows[0];
  },

  /** The audit log, newest first (what the session may see of it). */
  async audit(q: Queryable, limit: number): Promise<Record<string, unknown>[]> {
    return (await q.query(`SELECT seq::text AS seq, at, actor, workspace_id, action, target, details FROM audit_log ORDER BY audit_log.seq DESC LIMIT $1`, [limit])).rows;
  },

  /** What /metrics reports: runs and phases by status, the queue's depth, lease expiries, and succeeded phases' durations by bucket. */
  async metrics(q: Queryable): Promise<{
    runs: { status: string; n: number }[];
    phases: { status: string; executor: string; n: number }[];
    depth: number;
    expiries: number;
    durations: { count: number; sum: number; buckets: number[] };
  }> {
    const runs = (await q.query<{ status: string; n: number }>('SELECT status, count(*)::integer AS n FROM runs GROUP BY status ORDER BY status')).rows;
    const phases = (await q.query<{ status: string; executor: string; n: number }>('SELECT status, executor, count(*)::integer AS n FROM phases GROUP BY status, executor ORDER BY status, executor')).rows;
    const depth = (await q.query<{ n: number }>(`SELECT count(*)::integer AS n FROM phases WHERE status = 'queued' AND available_at <= now()`)).rows[0]!.n;
    const expiries = (await q.query<{ n: number }>(`SELECT count(*)::integer AS n FROM run_events WHERE type = 'PHASE_LEASE_EXPIRED'`)).rows[0]!.n;
    const d = (
      await q.query<Record<string, number>>(
        `SELECT count(*)::integer AS count, coalesce(sum(extract(epoch FROM finished_at - started_at)), 0)::float AS sum,
          ${DURATION_BUCKETS.map((b, i) => `count(*) FILTER (WHERE extract(epoch FROM finished_at - started_at) <= ${b})::integer AS b${i}`).join(', ')}
         FROM phases WHERE status = 'succeeded' AND started_at IS NOT NULL AND finished_at IS NOT NULL`,
      )
    ).rows[0]!;
    return { runs, phases, depth, expiries, durations: { count: d.count!, sum: d.sum!, buckets: DURATION_BUCKETS.map((_, i) => d[`b${i}`]!) } };
  },
};
