// Prometheus metrics, computed from the state store at scrape time so that every API and
// worker process reports the same figures: runs and phases by status, queue depth, lease
// expiries, and phase durations as a histogram.
import type { Db } from '../state/db.js';
import { DURATION_BUCKETS, opsReads } from '../state/ops-reads.js';

export async function renderMetrics(db: Db): Promise<string> {
  const m = await opsReads.metrics(db);
  const out: string[] = [];
  out.push('# HELP lakespec_runs Runs by status.', '# TYPE lakespec_runs gauge', ...m.runs.map((r) => `lakespec_runs{status="${r.status}"} ${r.n}`));
  out.push('# HELP lakespec_phases Phases by status and executor.', '# TYPE lakespec_phases gauge', ...m.phases.map((r) => `lakespec_phases{status="${r.status}",executor="${r.executor}"} ${r.n}`));
  out.push('# HELP lakespec_queue_depth Phases queued and due.', '# TYPE lakespec_queue_depth gauge', `lakespec_queue_depth ${m.depth}`);
  out.push('# HELP lakespec_lease_expiries_total Leases that expired (worker died or hung).', '# TYPE lakespec_lease_expiries_total counter', `lakespec_lease_expiries_total ${m.expiries}`);
  out.push('# HELP lakespec_phase_duration_seconds Duration of succeeded phases (last attempt).', '# TYPE lakespec_phase_duration_seconds histogram');
  DURATION_BUCKETS.forEach((b, i) => out.push(`lakespec_phase_duration_seconds_bucket{le="${b}"} ${m.durations.buckets[i]}`));
  const d = m.durations;
  out.push(`lakespec_phase_duration_seconds_bucket{le="+Inf"} ${d.count}`, `lakespec_phase_duration_seconds_sum ${d.sum}`, `lakespec_phase_duration_seconds_count ${d.count}`);
  return out.join('\n') + '\n';
}
