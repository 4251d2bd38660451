// Prometheus metrics, computed from the state store at scrape time so that every API and
// worker process reports the same figures: runs and phases by status, queue depth, lease
// expiries, and phase durations as a histogram.
import type { Db } from '../state/db.js';

const BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600];

export async function renderMetrics(db: Db): Promise<string> {
  const out: string[] = [];
  const runs = (await db.query<{ status: string; n: number }>('SELECT status, count(*)::integer AS n FROM runs GROUP BY status ORDER BY status')).rows;
  out.push('# HELP lakespec_runs Runs by status.', '# TYPE lakespec_runs gauge', ...runs.map((r) => `lakespec_runs{status="${r.status}"} ${r.n}`));
  const phases = (await db.query<{ status: string; executor: string; n: number }>('SELECT status, executor, count(*)::integer AS n FROM phases GROUP BY status, executor ORDER BY status, executor')).rows;
  out.push('# HELP lakespec_phases Phases by status and executor.', '# TYPE lakespec_phases gauge', ...phases.map((r) => `lakespec_phases{status="${r.status}",executor="${r.executor}"} ${r.n}`));
  const depth = (await db.query<{ n: number }>(`SELECT count(*)::integer AS n FROM phases WHERE status = 'queued' AND available_at <= now()`)).rows[0]!.n;
  out.push('# HELP lakespec_queue_depth Phases queued and due.', '# TYPE lakespec_queue_depth gauge', `lakespec_queue_depth ${depth}`);
  const expiries = (await db.query<{ n: number }>(`SELECT count(*)::integer AS n FROM run_events WHERE type = 'PHASE_LEASE_EXPIRED'`)).rows[0]!.n;
  out.push('# HELP lakespec_lease_expiries_total Leases that expired (worker died or hung).', '# TYPE lakespec_lease_expiries_total counter', `lakespec_lease_expiries_total ${expiries}`);
  const d = (
    await db.query<Record<string, number>>(
      `SELECT count(*)::integer AS count, coalesce(sum(extract(epoch FROM finished_at - started_at)), 0)::float AS sum,
        ${BUCKETS.map((b, i) => `count(*) FILTER (WHERE extract(epoch FROM finished_at - started_at) <= ${b})::integer AS b${i}`).join(', ')}
       FROM phases WHERE status = 'succeeded' AND started_at IS NOT NULL AND finished_at IS NOT NULL`,
    )
  ).rows[0]!;
  out.push('# HELP lakespec_phase_duration_seconds Duration of succeeded phases (last attempt).', '# TYPE lakespec_phase_duration_seconds histogram');
  BUCKETS.forEach((b, i) => out.push(`lakespec_phase_duration_seconds_bucket{le="${b}"} ${d[`b${i}`]}`));
  out.push(`lakespec_phase_duration_seconds_bucket{le="+Inf"} ${d.count}`, `lakespec_phase_duration_seconds_sum ${d.sum}`, `lakespec_phase_duration_seconds_count ${d.count}`);
  return out.join('\n') + '\n';
}
