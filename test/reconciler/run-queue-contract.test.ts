// The run contract, against both state stores (PGlite and a real PostgreSQL): create →
// claim with a lease → heartbeat → events (deduplicated) → artifacts (digest verified,
// stored once) → complete; expiry, retries with backoff, terminal errors, cancellation,
// reruns, append-only events, and row-level security between workspaces.
import { afterAll, describe, expect, it } from 'vitest';
import { type CreateRunInput, type Executor, type RunQueue, StoreError, Worker, digest, sleep } from '../../reconciler/index.js';
import { BACKENDS, stopServer } from './state-backends.js';

afterAll(stopServer, 60_000);

const input = (over: Partial<CreateRunInput> = {}): CreateRunInput => ({
  workspace: 'finance',
  environment: 'dev',
  specSlug: 'finance/erp_ingest',
  gitSha: 'a'.repeat(40),
  trigger: 'manual',
  requester: 'tester',
  phases: [
    { name: 'extract', executor: 'test', input: { n: 1 } },
    { name: 'load', executor: 'test', dependsOn: ['extract'], input: { n: 2 } },
  ],
  ...over,
});

/** A worker's stop condition: every one of `runs` succeeded. */
function allSucceeded(queue: RunQueue, runs: readonly { id: string }[]): () => Promise<boolean> {
  return async () => (await queue.listRuns({ limit: 100 })).filter((r) => runs.some((x) => x.id === r.id)).every((r) => r.status === 'succeeded');
}

async function conflict(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(StoreError);
    expect((e as StoreError).code).toBe('conflict');
    return (e as Error).message;
  }
  throw new Error('expected a conflict');
}

describe.each(BACKENDS)('run queue on $name', (backend) => {
  it('runs phases in dependency order and records every step of the contract', async () => {
    const s = await backend.open();
    try {
      const run = await s.queue.createRun(input());
      expect(run.status).toBe('queued');
      const c1 = (await s.queue.claim('w1'))!;
      expect(c1.phase).toBe('extract');
      // `load` waits for `extract`.
      expect(await s.queue.claim('w2')).toBeNull();
      const later = await s.queue.heartbeat(c1.phaseId, c1.token, { message: 'half way', payload: { pct: 50 }, eventId: 'progress-1' });
      expect(later.getTime()).toBeGreaterThan(Date.now());
      // The same event twice is stored once.
      expect(await s.queue.appendEvent(run.id, { eventId: 'custom-1', type: 'PHASE_PROGRESS', message: 'x', phase: 'extract' })).toBe(true);
      expect(await s.queue.appendEvent(run.id, { eventId: 'custom-1', type: 'PHASE_PROGRESS', message: 'x', phase: 'extract' })).toBe(false);
      // The same id in another run is that run's own event.
      const second = await s.queue.createRun(input());
      expect(await s.queue.appendEvent(second.id, { eventId: 'custom-1', type: 'PHASE_PROGRESS', message: 'y' })).toBe(true);
      expect((await s.queue.events(second.id)).filter((e) => e.event_id === 'custom-1').map((e) => e.message)).toEqual(['y']);
      await s.queue.cancelRun(second.id, 'tester');
      // Artifacts: the same bytes twice are one blob; bytes that do not match the digest are refused.
      const a1 = await s.queue.registerArtifact(run.id, { phase: 'extract', name: 'q.sql', kind: 'query', bytes: 'SELECT 1', sha256: digest('SELECT 1') }, { phaseId: c1.phaseId, token: c1.token });
      expect(a1.created).toBe(true);
      const a2 = await s.queue.registerArtifact(run.id, { phase: 'extract', name: 'q.sql', kind: 'query', bytes: 'SELECT 1' });
      expect(a2).toEqual({ ...a1, created: false });
      await expect(s.queue.registerArtifact(run.id, { phase: 'extract', name: 'bad', kind: 'query', bytes: 'SELECT 2', sha256: digest('SELECT 1') })).rejects.toThrow(/hash to .* not the declared/);
      // Other bytes under the same name: refused without the lease; the holder's newer bytes
      // (a retried attempt) replace the link, and the run's events say so.
      await conflict(s.queue.registerArtifact(run.id, { phase: 'extract', name: 'q.sql', kind: 'query', bytes: 'SELECT 2' }));
      await s.queue.registerArtifact(run.id, { phase: 'extract', name: 'q.sql', kind: 'query', bytes: 'SELECT 2' }, { phaseId: c1.phaseId, token: c1.token });
      expect((await s.queue.runArtifacts(run.id)).find((x) => x.name === 'q.sql')!.sha256).toBe(digest('SELECT 2'));
      expect((await s.queue.events(run.id)).filter((e) => e.type === 'ARTIFACT_REPLACED').map((e) => e.payload)).toEqual([{ name: 'q.sql', previous: digest('SELECT 1'), sha256: digest('SELECT 2') }]);
      await s.queue.registerArtifact(run.id, { phase: 'extract', name: 'q.sql', kind: 'query', bytes: 'SELECT 1' }, { phaseId: c1.phaseId, token: c1.token });
      // A second run sharing the artifact does not store it again.
      const other = await s.queue.createRun(input({ phases: [{ name: 'only', executor: 'test', input: {} }] }));
      expect((await s.queue.registerArtifact(other.id, { name: 'q.sql', kind: 'query', bytes: 'SELECT 1' })).created).toBe(false);
      await s.queue.completePhase(c1.phaseId, c1.token, { rows: 3 });
      // Completed: the token is spent.
      await conflict(s.queue.completePhase(c1.phaseId, c1.token, {}));
      const c2 = (await s.queue.claim('w2', ['test']))!;
      expect(c2.phase).toBe('load');
      await s.queue.completePhase(c2.phaseId, c2.token, { rows: 3 });
      const done = (await s.queue.getRun(run.id))!;
      expect(done.status).toBe('succeeded');
      expect(done.output_manifest).toMatchObject({ phases: { extract: { status: 'succeeded', output: { rows: 3 } }, load: { status: 'succeeded' } } });
      const types = (await s.queue.events(run.id)).map((e) => `${e.type}${e.phase ? ':' + e.phase : ''}`);
      expect(types).toEqual([
        'RUN_CREATED',
        'PHASE_CLAIMED:extract',
        'PHASE_PROGRESS:extract',
        'PHASE_PROGRESS:extract',
        'ARTIFACT_REPLACED:extract',
        'ARTIFACT_REPLACED:extract',
        'PHASE_SUCCEEDED:extract',
        'PHASE_CLAIMED:load',
        'PHASE_SUCCEEDED:load',
        'RUN_SUCCEEDED',
      ]);
      expect((await s.queue.runArtifacts(run.id)).map((a) => a.name)).toEqual(['q.sql']);
      // Events are append-only, whoever asks.
      await expect(s.db.query('UPDATE run_events SET message = $1', ['changed'])).rejects.toThrow(/append-only/);
      await expect(s.db.query('DELETE FROM run_events')).rejects.toThrow(/append-only/);
      // TRUNCATE too (row triggers never see it), and the audit log likewise.
      await expect(s.db.query('TRUNCATE run_events')).rejects.toThrow(/append-only/);
      await s.db.query("INSERT INTO audit_log (actor, action, target) VALUES ('tester', 'test.write', 'x')");
      await expect(s.db.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
      await expect(s.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
      expect((await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM run_events')).rows[0]!.n).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  });

  it('puts a phase with an expired lease back in the queue and refuses the old token', async () => {
    const s = await backend.open({ leaseSeconds: 1, retryBaseMs: 1 });
    try {
      const run = await s.queue.createRun(input({ phases: [{ name: 'slow', executor: 'test', input: {}, maxAttempts: 3 }] }));
      const first = (await s.queue.claim('dead-worker'))!;
      // While the lease is live nobody else gets it.
      expect(await s.queue.claim('w2')).toBeNull();
      await sleep(1300);
      const second = (await s.queue.claim('w2'))!;
      expect(second.phaseId).toBe(first.phaseId);
      expect(second.attempt).toBe(2);
      expect(second.token).not.toBe(first.token);
      // The old holder is refused everywhere from now on.
      await conflict(s.queue.heartbeat(first.phaseId, first.token));
      await conflict(s.queue.completePhase(first.phaseId, first.token, {}));
      await conflict(s.queue.appendEvent(run.id, { eventId: 'late', type: 'PHASE_PROGRESS', message: 'late' }, { phaseId: first.phaseId, token: first.token }));
      await s.queue.completePhase(second.phaseId, second.token, {});
      expect((await s.queue.getRun(run.id))!.status).toBe('succeeded');
      const events = (await s.queue.events(run.id)).map((e) => e.type);
      expect(events.filter((t) => t === 'PHASE_LEASE_EXPIRED')).toHaveLength(1);
      expect(events.filter((t) => t === 'PHASE_CLAIMED')).toHaveLength(2);
      expect(events).not.toContain('late');
    } finally {
      await s.close();
    }
  });

  it('completes a phase and claims the next in one transaction; a stale token does neither', async () => {
    const s = await backend.open({ leaseSeconds: 1, retryBaseMs: 1 });
    try {
      const run = await s.queue.createRun(input());
      const extract = (await s.queue.claim('w1'))!;
      // The dependent phase becomes claimable by the completion it is claimed with.
      const { phase, next } = await s.queue.completeAndClaim(extract.phaseId, extract.token, { rows: 1 }, { worker: 'w1', start: true });
      expect(phase.status).toBe('succeeded');
      expect(next).toMatchObject({ runId: run.id, phase: 'load', attempt: 1 });
      // A token whose lease ran out: no completion, and nothing claimed with it.
      await sleep(1300);
      const other = await s.queue.createRun(input({ phases: [{ name: 'only', executor: 'test', input: {} }] }));
      await conflict(s.queue.completeAndClaim(next!.phaseId, next!.token, {}, { worker: 'w1' }));
      const phases = await s.queue.phases(other.id);
      expect(phases.map((p) => p.status)).toEqual(['queued']);
      const types = (await s.queue.events(run.id)).map((e) => e.type);
      expect(types.filter((t) => t === 'PHASE_SUCCEEDED')).toHaveLength(1);
      expect(types.filter((t) => t === 'PHASE_STARTED')).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  it('completes several phases and claims several in one transaction; a stale token is left out', async () => {
    const s = await backend.open({ leaseSeconds: 1, retryBaseMs: 1 });
    try {
      const one = await s.queue.createRun(input({ phases: [{ name: 'a', executor: 'test', input: {} }] }));
      await s.queue.createRun(input());
      const claims = await s.queue.claimMany('w', ['test'], 5);
      expect(claims.map((c) => c.phase).sort()).toEqual(['a', 'extract']); // `load` waits for `extract`
      const a = claims.find((c) => c.phase === 'a')!;
      const extract = claims.find((c) => c.phase === 'extract')!;
      const r = await s.queue.completeManyAndClaim(
        [
          { runId: a.runId, phaseId: a.phaseId, token: '00000000-0000-0000-0000-000000000000', output: {} },
          { runId: extract.runId, phaseId: extract.phaseId, token: extract.token, output: { ok: true } },
        ],
        { worker: 'w', executors: ['test'], limit: 5, start: true },
      );
      expect([...r.completed]).toEqual([extract.phaseId]);
      // What the completion made runnable is claimed in the same transaction.
      expect(r.next.map((c) => c.phase)).toEqual(['load']);
      expect((await s.queue.phases(one.id))[0]!.status).toBe('running');
    } finally {
      await s.close();
    }
  });

  it('a worker running several phases at once executes every phase exactly once, in dependency order', async () => {
    const s = await backend.open();
    try {
      const runs: { id: string }[] = [];
      for (let i = 0; i < 12; i++) runs.push(await s.queue.createRun(input({ specSlug: `x/${i}` })));
      const executed: string[] = [];
      const seen = new Set<string>();
      const test: Executor = {
        id: 'test',
        execute: async (_input, ctx) => {
          // A dependent phase never starts before what it depends on finished.
          if (ctx.claim.phase === 'load') expect(seen.has(`${ctx.claim.runId}:extract`)).toBe(true);
          await sleep(Math.random() * 5);
          executed.push(`${ctx.claim.runId}:${ctx.claim.phase}`);
          seen.add(`${ctx.claim.runId}:${ctx.claim.phase}`);
          return {};
        },
      };
      const worker = new Worker(s.queue, [test], { id: 'pool', idleMs: 10, concurrency: 4 });
      await worker.loop(allSucceeded(s.queue, runs));
      expect(executed).toHaveLength(24);
      expect(new Set(executed).size).toBe(24);
      for (const run of runs) {
        const types = (await s.queue.events(run.id)).map((e) => e.type);
        expect(types.filter((t) => t === 'PHASE_SUCCEEDED')).toHaveLength(2);
        expect(types.filter((t) => t === 'PHASE_STARTED')).toHaveLength(2);
        expect(types.at(-1)).toBe('RUN_SUCCEEDED');
      }
    } finally {
      await s.close();
    }
  });

  it('a worker that claims ahead keeps to its concurrency, records each phase once in order, and batches more per statement', async () => {
    const s = await backend.open();
    try {
      const runs: { id: string }[] = [];
      for (let i = 0; i < 30; i++) runs.push(await s.queue.createRun(input({ specSlug: `ahead/${i}`, phases: [{ name: 'only', executor: 'test', input: {} }] })));
      let active = 0;
      let most = 0;
      const executed: string[] = [];
      const test: Executor = {
        id: 'test',
        execute: async (_input, ctx) => {
          most = Math.max(most, ++active);
          await sleep(1);
          executed.push(ctx.claim.runId);
          active--;
          return {};
        },
      };
      const batches: number[] = [];
      const limits: number[] = [];
      const complete = s.queue.completeManyAndClaim.bind(s.queue);
      s.queue.completeManyAndClaim = async (done, next) => {
        batches.push(done.length);
        limits.push(next.limit);
        return complete(done, next);
      };
      const worker = new Worker(s.queue, [test], { id: 'ahead', idleMs: 10, concurrency: 2, prefetch: 6 });
      await worker.loop(allSucceeded(s.queue, runs));
      expect(new Set(executed).size).toBe(30);
      expect(executed).toHaveLength(30);
      expect(most).toBeLessThanOrEqual(2);
      // Short phases: lanes of one slot claim up to three ahead, and complete them together.
      expect(Math.max(...limits)).toBe(4);
      expect(Math.max(...batches)).toBeGreaterThan(1);
      for (const run of runs) {
        expect((await s.queue.events(run.id)).map((e) => e.type)).toEqual(['RUN_CREATED', 'PHASE_CLAIMED', 'PHASE_STARTED', 'PHASE_SUCCEEDED', 'RUN_SUCCEEDED']);
      }
    } finally {
      await s.close();
    }
  });

  it('a phase claimed ahead whose lease ran out while it waited is not run by the worker that claimed it', async () => {
    const s = await backend.open({ leaseSeconds: 0.6, retryBaseMs: 10, retryMaxMs: 10 });
    try {
      const runs: { id: string }[] = [];
      for (let i = 0; i < 3; i++) runs.push(await s.queue.createRun(input({ specSlug: `stale/${i}`, phases: [{ name: 'only', executor: 'test', input: {}, maxAttempts: 2 }] })));
      const executed: string[] = [];
      const stolen: string[] = [];
      const warnings: string[] = [];
      let calls = 0;
      const test: Executor = {
        id: 'test',
        execute: async (_input, ctx) => {
          executed.push(ctx.claim.runId);
          if (++calls === 2) {
            // The phase claimed ahead behind this one is not heartbeated: its lease runs out,
            // it goes back to the queue, and another worker takes and completes it.
            await sleep(900);
            await s.queue.reapExpiredLeases();
            await sleep(30);
            for (const c of await s.queue.claimMany('thief', ['test'], 5)) {
              stolen.push(c.runId);
              await s.queue.completePhase(c.phaseId, c.token, {});
            }
          }
          return {};
        },
      };
      const worker = new Worker(s.queue, [test], { id: 'ahead', idleMs: 10, concurrency: 1, prefetch: 2, prefetchBelowMs: 5000, log: (_level, msg) => void warnings.push(msg) });
      await worker.loop(allSucceeded(s.queue, runs));
      // Two ran here, the third only on the other worker.
      expect(stolen).toHaveLength(1);
      expect(executed).toHaveLength(2);
      expect(new Set([...executed, ...stolen])).toEqual(new Set(runs.map((r) => r.id)));
      expect(warnings).toContain('prefetched phase no longer ours; not run');
      const claims = (await s.queue.events(stolen[0]!)).filter((e) => e.type === 'PHASE_CLAIMED').map((e) => e.message);
      expect(claims).toEqual(['only claimed by ahead (attempt 1 of 2)', 'only claimed by thief (attempt 2 of 3)']); // the lost lease gave it one more attempt
    } finally {
      await s.close();
    }
  });

  it('one slow phase among short ones does not hold back the completions of the others', async () => {
    const s = await backend.open();
    try {
      const runs: { id: string }[] = [];
      for (let i = 0; i < 9; i++) runs.push(await s.queue.createRun(input({ specSlug: `mixed/${i}`, phases: [{ name: 'only', executor: 'test', input: {} }] })));
      const done: string[] = [];
      const unrecorded: string[][] = [];
      let calls = 0;
      const test: Executor = {
        id: 'test',
        execute: async (_input, ctx) => {
          if (++calls % 3 === 0) {
            // Whatever finished before this slow phase is recorded while it runs.
            await sleep(800);
            unrecorded.push((await Promise.all(done.map((id) => s.queue.getRun(id)))).filter((r) => r!.status !== 'succeeded').map((r) => r!.id));
          }
          done.push(ctx.claim.runId);
          return {};
        },
      };
      const worker = new Worker(s.queue, [test], { id: 'mixed', idleMs: 10, concurrency: 1, prefetch: 2, prefetchBelowMs: 100 });
      await worker.loop(allSucceeded(s.queue, runs));
      expect(unrecorded.length).toBeGreaterThan(0);
      expect(unrecorded).toEqual(unrecorded.map(() => []));
    } finally {
      await s.close();
    }
  });

  it('a worker does not claim ahead while its phases are long', async () => {
    const s = await backend.open();
    try {
      const runs: { id: string }[] = [];
      for (let i = 0; i < 6; i++) runs.push(await s.queue.createRun(input({ specSlug: `slow/${i}`, phases: [{ name: 'only', executor: 'test', input: {} }] })));
      const limits: number[] = [];
      const claimMany = s.queue.claimMany.bind(s.queue);
      s.queue.claimMany = async (w, e, limit, o) => (limits.push(limit), claimMany(w, e, limit, o));
      const complete = s.queue.completeManyAndClaim.bind(s.queue);
      s.queue.completeManyAndClaim = async (done, next) => (limits.push(next.limit), complete(done, next));
      const test: Executor = { id: 'test', execute: async () => (await sleep(30), {}) };
      const worker = new Worker(s.queue, [test], { id: 'slow', idleMs: 10, concurrency: 1, prefetch: 8, prefetchBelowMs: 10 });
      await worker.loop(allSucceeded(s.queue, runs));
      expect(Math.max(...limits)).toBe(1);
    } finally {
      await s.close();
    }
  });

  it('retries transient failures with backoff, never terminal ones', async () => {
    const s = await backend.open({ retryBaseMs: 400, retryMaxMs: 400, random: () => 1 });
    try {
      const run = await s.queue.createRun(input({ phases: [{ name: 'flaky', executor: 'test', input: {}, maxAttempts: 2 }] }));
      const c1 = (await s.queue.claim('w'))!;
      const failed = await s.queue.failPhase(c1.phaseId, c1.token, 'connection reset');
      expect(failed.status).toBe('queued');
      // Not before the backoff has passed.
      expect(await s.queue.claim('w')).toBeNull();
      await sleep(500);
      const c2 = (await s.queue.claim('w'))!;
      expect(c2.attempt).toBe(2);
      await s.queue.failPhase(c2.phaseId, c2.token, 'connection reset again');
      const r = (await s.queue.getRun(run.id))!;
      expect(r.status).toBe('failed');
      expect(r.error).toBe('flaky: connection reset again');

      const run2 = await s.queue.createRun(input());
      const t1 = (await s.queue.claim('w'))!;
      expect(t1.runId).toBe(run2.id);
      await s.queue.failPhase(t1.phaseId, t1.token, 'syntax error at line 1', { terminal: true });
      const phases = await s.queue.phases(run2.id);
      expect(phases.map((p) => [p.name, p.status, p.attempts])).toEqual([
        ['extract', 'failed', 1],
        ['load', 'skipped', 0],
      ]);
      expect((await s.queue.getRun(run2.id))!.status).toBe('failed');
      expect((await s.queue.events(run2.id)).map((e) => e.type)).toEqual(['RUN_CREATED', 'PHASE_CLAIMED', 'PHASE_FAILED', 'RUN_FAILED']);
    } finally {
      await s.close();
    }
  });

  it('backs off exponentially with jitter, capped', async () => {
    const s = await backend.open({ retryBaseMs: 1000, retryMaxMs: 8000, random: () => 0 });
    try {
      expect([1, 2, 3, 4, 5].map((n) => s.queue.backoffMs(n))).toEqual([500, 1000, 2000, 4000, 4000]);
      const hi = await backend.open({ retryBaseMs: 1000, retryMaxMs: 8000, random: () => 0.999999 });
      expect([1, 2, 3, 4, 5].map((n) => hi.queue.backoffMs(n))).toEqual([1000, 2000, 4000, 8000, 8000]);
      await hi.close();
    } finally {
      await s.close();
    }
  });

  it('cancels a run (the running phase loses its lease) and reruns it', async () => {
    const s = await backend.open();
    try {
      const run = await s.queue.createRun(input());
      const c = (await s.queue.claim('w'))!;
      const cancelled = await s.queue.cancelRun(run.id, 'alice', 'wrong commit');
      expect(cancelled.status).toBe('cancelled');
      await conflict(s.queue.heartbeat(c.phaseId, c.token));
      expect(await s.queue.claim('w')).toBeNull();
      await conflict(s.queue.cancelRun(run.id, 'alice'));
      const again = await s.queue.rerun(run.id, 'bob');
      expect(again.rerun_of).toBe(run.id);
      expect(again.trigger).toBe('rerun');
      const phases = await s.queue.phases(again.id);
      expect(phases.map((p) => [p.name, p.depends_on, p.status])).toEqual([
        ['extract', [], 'queued'],
        ['load', [0], 'queued'],
      ]);
      expect((await s.queue.events(run.id)).at(-1)!.type).toBe('RUN_CANCELLED');
    } finally {
      await s.close();
    }
  });

  it('refuses malformed runs with clear errors', async () => {
    const s = await backend.open();
    try {
      await expect(s.queue.createRun(input({ phases: [] }))).rejects.toThrow(/at least one phase/);
      await expect(s.queue.createRun(input({ phases: [{ name: 'a', executor: 't', input: {}, dependsOn: ['zz'] }] }))).rejects.toThrow(/unknown phase zz/);
      await expect(s.queue.heartbeat('not-a-uuid', 'x')).rejects.toThrow(/no phase/);
      expect(await s.queue.getRun('nope')).toBeUndefined();
    } finally {
      await s.close();
    }
  });

  it('isolates workspaces with row-level security for scoped sessions', async () => {
    const s = await backend.open();
    try {
      await s.queue.createRun(input({ workspace: 'alpha' }));
      await s.queue.createRun(input({ workspace: 'beta' }));
      const seen = await s.db.transaction(async (tx) => {
        await tx.query('SET LOCAL ROLE lakespec_scoped');
        await tx.query(`SELECT set_config('lakespec.workspace', 'alpha', true)`);
        const runs = (await tx.query<{ workspace_id: string }>('SELECT workspace_id FROM runs')).rows.map((r) => r.workspace_id);
        const events = (await tx.query<{ workspace_id: string }>('SELECT DISTINCT workspace_id FROM run_events')).rows.map((r) => r.workspace_id);
        // Writing into another workspace is refused too.
        const write = await tx.query(`UPDATE runs SET error = 'x' WHERE workspace_id = 'beta'`);
        return { runs, events, updated: write.rowCount };
      });
      expect(seen).toEqual({ runs: ['alpha'], events: ['alpha'], updated: 0 });
    } finally {
      await s.close();
    }
  });

  it('migrates once and refuses a changed migration', async () => {
    const s = await backend.open();
    try {
      const { migrate, MIGRATIONS } = await import('../../reconciler/index.js');
      expect(await migrate(s.db)).toEqual([]);
      await expect(migrate(s.db, [{ ...MIGRATIONS[0]!, sql: MIGRATIONS[0]!.sql + '\n-- edited' }])).rejects.toThrow(/changed after it was applied/);
    } finally {
      await s.close();
    }
  });
});
