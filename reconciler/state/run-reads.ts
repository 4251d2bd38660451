// Reading runs, phases, events and artifacts: what the ops API, the CLI's `runs`, a web UI
// and an agent's tools show. Every function takes the Queryable it runs on, so a workspace-
// scoped session sees its own runs only; RunQueue (the writer) reads through these too.
import type { Queryable } from './db.js';
import type { Phase, PhaseWrite, Run, RunEvent } from './run-types.js';

export const RUN_COLUMNS = 'id, workspace_id, environment, spec_slug, git_sha, trigger, requester, status, input_manifest, output_manifest, rerun_of, error, created_at, started_at, finished_at';
export const PHASE_COLUMNS =
  'id, run_id, workspace_id, position, name, executor, depends_on, input, status, attempts, max_attempts, timeout_seconds, lease_expires_at, heartbeat_at, available_at, worker, started_at, finished_at, error, output';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(s: string): boolean {
  return UUID.test(s);
}

export interface RunFilter {
  workspace?: string;
  status?: string;
  limit?: number;
}

export interface RunArtifact {
  phase: string;
  name: string;
  kind: string;
  sha256: string;
  bytes: number;
}

export const runReads = {
  async getRun(q: Queryable, runId: string): Promise<Run | undefined> {
    if (!isUuid(runId)) return undefined;
    return (await q.query<Run>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = $1`, [runId])).rows[0];
  },

  /** Newest first. */
  async listRuns(q: Queryable, filter: RunFilter = {}): Promise<Run[]> {
    return (
      await q.query<Run>(
        `SELECT ${RUN_COLUMNS} FROM runs WHERE ($1::text IS NULL OR workspace_id = $1) AND ($2::text IS NULL OR status = $2)
         ORDER BY created_at DESC, id LIMIT $3`,
        [filter.workspace ?? null, filter.status ?? null, filter.limit ?? 50],
      )
    ).rows;
  },

  async phases(q: Queryable, runId: string): Promise<Phase[]> {
    return (await q.query<Phase>(`SELECT ${PHASE_COLUMNS} FROM phases WHERE run_id = $1 ORDER BY position`, [runId])).rows;
  },

  /** In order; `afterSeq` for the ones after those already read. */
  async events(q: Queryable, runId: string, afterSeq = 0): Promise<RunEvent[]> {
    return (
      await q.query<RunEvent>(
        `SELECT seq::text AS seq, event_id, run_id, phase, at, level, type, message, payload FROM run_events WHERE run_id = $1 AND run_events.seq > $2 ORDER BY run_events.seq`,
        [runId, afterSeq],
      )
    ).rows;
  },

  /** The writes a phase's attempts before `beforeAttempt` recorded (PHASE_WRITE events), oldest first. */
  async phaseWrites(q: Queryable, runId: string, phase: string, beforeAttempt: number): Promise<PhaseWrite[]> {
    if (!isUuid(runId)) return [];
    const rows = (
      await q.query<{ payload: { key: string; attempt: number; detail: Record<string, unknown> } }>(
        `SELECT payload FROM run_events WHERE run_id = $1 AND phase = $2 AND type = 'PHASE_WRITE' AND (payload->>'attempt')::int < $3 ORDER BY seq`,
        [runId, phase, beforeAttempt],
      )
    ).rows;
    return rows.map((r) => ({ attempt: r.payload.attempt, key: r.payload.key, detail: r.payload.detail ?? {} }));
  },

  async runArtifacts(q: Queryable, runId: string): Promise<RunArtifact[]> {
    return (
      await q.query<RunArtifact>(
        `SELECT ra.phase, ra.name, ra.kind, ra.sha256, a.bytes::integer AS bytes FROM run_artifacts ra JOIN artifacts a USING (sha256)
         WHERE ra.run_id = $1 ORDER BY ra.phase, ra.name`,
        [runId],
      )
    ).rows;
  },

  /** Phases of live runs still queued (due or on backoff) or running, for these executors (all when omitted). */
  async pending(q: Queryable, executors?: readonly string[]): Promise<number> {
    const r = await q.query<{ n: number }>(
      `SELECT count(*)::integer AS n FROM phases p JOIN runs r ON r.id = p.run_id
       WHERE p.status IN ('queued', 'running') AND r.status IN ('queued', 'running') AND ($1::text[] IS NULL OR p.executor = ANY($1::text[]))`,
      [executors ? [...executors] : null],
    );
    return r.rows[0]!.n;
  },
};
