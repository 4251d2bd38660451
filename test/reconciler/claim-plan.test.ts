// The claim must stay O(1) in the backlog whatever plan PostgreSQL would otherwise pick: a
// prepared claim planned while the queue was small once scanned and sorted every queued
// phase on every claim (bench:queue, four workers: 376 claims/s). Here the session's planner
// is steered to that plan (no index scans) and the claim must not follow. Counted in tuples
// read (pg_stat_xact_user_tables), not in time.
import { afterAll, describe, expect, it } from 'vitest';
import { BACKENDS, stopServer } from './state-backends.js';

const postgres = BACKENDS.find((b) => b.name === 'postgres')!;
const QUEUED = 600;

afterAll(stopServer);

describe('claim plan (postgres)', () => {
  it(`reads a bounded number of phases per claim with ${QUEUED} queued and the planner steered to scan and sort`, async () => {
    const s = await postgres.open();
    try {
      for (let i = 0; i < QUEUED; i++) {
        await s.queue.createRun({ workspace: 'w', environment: 'dev', specSlug: `r/${i}`, gitSha: 'a'.repeat(40), trigger: 'test', requester: 'test', phases: [{ name: 'p', executor: 'test', input: {} }] });
      }
      const read = await s.db.transaction(async (tx) => {
        // The plan a connection caches after a few executions, and a planner that would
        // rather scan everything and sort than walk the index.
        await tx.query('SET LOCAL plan_cache_mode = force_generic_plan');
        await tx.query('SET LOCAL enable_indexscan = off');
        const claims = [];
        for (let i = 0; i < 10; i++) claims.push(...(await tx.query('SELECT * FROM lakespec_claim($1, NULL, NULL, NULL, 1, 30, true)', ['w1'])).rows);
        expect(claims).toHaveLength(10);
        const stats = await tx.query<{ seq: string; idx: string }>(
          `SELECT coalesce(seq_tup_read, 0)::text AS seq, coalesce(idx_tup_fetch, 0)::text AS idx FROM pg_stat_xact_user_tables WHERE relname = 'phases'`,
        );
        return Number(stats.rows[0]!.seq) + Number(stats.rows[0]!.idx);
      });
      // Ten claims: the picked phases, their updates and the skipped rows of earlier claims
      // in this transaction; a scan of the backlog would read ≥ 10 × 600.
      expect(read).toBeLessThan(200);
    } finally {
      await s.close();
    }
  });
});
