// Reliability with real processes and a real PostgreSQL server: workers killed with -9 in
// the middle of a phase, the database restarted during a run, and workers racing for the
// same phases. Side effects are counted in the database: each must happen exactly once.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Db, LocalArtifactStore, type PhaseSpec, RunQueue, StoreError, migrate, openPostgres, sleep } from '../../reconciler/index.js';
import { type PostgresServer, startPostgres } from '../harness/postgres-server.js';
import { ROOT } from '../helpers/paths.js';

const SCRIPT = join(ROOT, 'dist/test/reliability/worker-process.js');
let server: PostgresServer;
let n = 0;
const children: ChildProcess[] = [];
const logs = new Map<ChildProcess, string>();

beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
}, 60_000);
afterEach(async (ctx) => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    if (ctx.task.result?.state === 'fail') process.stderr.write(`--- worker log ---\n${logs.get(c) ?? ''}\n`);
  }
});

async function freshDb(): Promise<{ url: string; db: Db; queue: RunQueue; artifacts: string }> {
  const name = `rel_${process.pid}_${++n}`;
  await server.createDatabase(name);
  const url = server.url(name);
  const db = openPostgres(url);
  await migrate(db);
  const artifacts = mkdtempSync(join(tmpdir(), 'lakespec-rel-'));
  await db.query('CREATE TABLE IF NOT EXISTS side_effects (phase_id uuid NOT NULL, worker text NOT NULL, attempt integer NOT NULL, at timestamptz NOT NULL DEFAULT now())');
  return { url, db, queue: new RunQueue(db, new LocalArtifactStore(artifacts), { leaseSeconds: 2 }), artifacts };
}

async function startWorker(url: string, artifacts: string, id: string, leaseSeconds = 2, concurrency = 1, prefetch = 0, env: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, [SCRIPT, url, artifacts, id, String(leaseSeconds), String(concurrency), String(prefetch)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  children.push(child);
  logs.set(child, '');
  child.stderr!.on('data', (d: Buffer) => logs.set(child, logs.get(child) + d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`worker ${id} exited (${code}) before it was ready:\n${logs.get(child)}`)));
  });
  return child;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Waits until the run has succeeded or failed, and returns it. */
function runFinished(queue: RunQueue, runId: string, what = 'the run to finish', timeoutMs?: number) {
  return waitFor(what, async () => {
    const r = await queue.getRun(runId);
    return r && ['succeeded', 'failed'].includes(r.status) ? r : undefined;
  }, timeoutMs);
}

const effectPhases = (count: number, ms: number, extra: Partial<PhaseSpec> = {}): PhaseSpec[] =>
  Array.from({ length: count }, (_, i) => ({ name: `p${String(i).padStart(3, '0')}`, executor: 'effect', input: { ms }, maxAttempts: 3, timeoutSeconds: 60, ...extra }));

const runInput = (phases: PhaseSpec[]) => ({ workspace: 'finance', environment: 'dev', specSlug: 'finance/test', gitSha: 'b'.repeat(40), trigger: 'test', requester: 'tests', phases });

async function sideEffects(db: Db): Promise<Map<string, number>> {
  const rows = (await db.query<{ phase_id: string; n: number }>('SELECT phase_id, count(*)::integer AS n FROM side_effects GROUP BY phase_id')).rows;
  return new Map(rows.map((r) => [r.phase_id, r.n]));
}

describe('worker reliability on a real PostgreSQL', () => {
  it('kill -9 mid-phase: the lease expires, the phase is claimed again exactly once, the old token is refused', async () => {
    const { url, db, queue, artifacts } = await freshDb();
    try {
      const run = await queue.createRun(runInput(effectPhases(1, 4000)));
      const a = await startWorker(url, artifacts, 'worker-a');
      const held = await waitFor('worker-a to start the phase', async () => (await db.query<{ id: string; token: string }>(`SELECT id, lease_token::text AS token FROM phases WHERE run_id = $1 AND status = 'running'`, [run.id])).rows[0]);
      await waitFor('PHASE_STARTED', async () => (await queue.events(run.id)).some((e) => e.type === 'PHASE_STARTED'));
      a.kill('SIGKILL');
      await new Promise((r) => a.once('exit', r));
      await startWorker(url, artifacts, 'worker-b');
      const done = await runFinished(queue, run.id, 'the run to finish');
      expect(done.status).toBe('succeeded');
      // The side effect happened once, by the second worker.
      const effects = (await db.query<{ worker: string; attempt: number }>('SELECT worker, attempt FROM side_effects')).rows;
      expect(effects).toEqual([{ worker: 'worker-b', attempt: 2 }]);
      // The dead worker's token is refused.
      await expect(queue.heartbeat(held.id, held.token)).rejects.toBeInstanceOf(StoreError);
      await expect(queue.completePhase(held.id, held.token, {})).rejects.toThrow(/not held by this token/);
      const events = await queue.events(run.id);
      const count = (t: string) => events.filter((e) => e.type === t).length;
      expect([count('PHASE_CLAIMED'), count('PHASE_STARTED'), count('PHASE_LEASE_EXPIRED'), count('PHASE_SUCCEEDED'), count('RUN_SUCCEEDED')]).toEqual([2, 2, 1, 1, 1]);
      // Nothing lost or doubled: event ids are unique and the sequence has no holes for this run's writes.
      expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
    } finally {
      await db.close();
    }
  });

  it('kill -9 with retries: 0: a lost worker does not spend the only attempt, the phase runs again and the run succeeds', async () => {
    const { url, db, queue, artifacts } = await freshDb();
    try {
      const run = await queue.createRun(runInput(effectPhases(1, 4000, { maxAttempts: 1 })));
      const a = await startWorker(url, artifacts, 'worker-a');
      await waitFor('PHASE_STARTED', async () => (await queue.events(run.id)).some((e) => e.type === 'PHASE_STARTED'));
      a.kill('SIGKILL');
      await new Promise((r) => a.once('exit', r));
      await startWorker(url, artifacts, 'worker-b');
      const done = await runFinished(queue, run.id, 'the run to finish');
      expect(done.status).toBe('succeeded');
      expect((await db.query<{ worker: string; attempt: number }>('SELECT worker, attempt FROM side_effects')).rows).toEqual([{ worker: 'worker-b', attempt: 2 }]);
      const types = (await queue.events(run.id)).map((e) => e.type);
      expect(types.filter((t) => t === 'PHASE_LEASE_EXPIRED' || t === 'PHASE_RETRY_SCHEDULED' || t === 'PHASE_FAILED')).toEqual(['PHASE_LEASE_EXPIRED', 'PHASE_RETRY_SCHEDULED']);
    } finally {
      await db.close();
    }
  });

  it('a phase that kills its worker every time fails after 3 requeues instead of looping forever', async () => {
    const { url, db, queue, artifacts } = await freshDb();
    try {
      const run = await queue.createRun(runInput(effectPhases(1, 0, { maxAttempts: 1, input: { crash: true } })));
      let deaths = 0;
      const done = await waitFor(
        'the run to finish',
        async () => {
          const r = await queue.getRun(run.id);
          if (r && ['succeeded', 'failed'].includes(r.status)) return r;
          // A supervisor: one worker at a time, restarted when it dies.
          if (!children.some((c) => c.exitCode === null && c.signalCode === null)) {
            if (deaths > 8) throw new Error('still not failed after 8 lost workers');
            if (children.length > 0) deaths++;
            await startWorker(url, artifacts, `worker-${deaths}`);
          }
          return undefined;
        },
        120_000,
      );
      expect(done.status).toBe('failed');
      const phase = (await queue.phases(run.id))[0]!;
      expect(phase.error).toContain('it lost its worker 4 times');
      const types = (await queue.events(run.id)).map((e) => e.type);
      expect(types.filter((t) => t === 'PHASE_LEASE_EXPIRED')).toHaveLength(4);
      expect(types.filter((t) => t === 'PHASE_RETRY_SCHEDULED')).toHaveLength(3);
    } finally {
      await db.close();
    }
  }, 150_000);

  it('SIGTERM: the worker stops claiming, releases a phase still running after its grace period, and exits; another worker finishes it', async () => {
    const { url, db, queue, artifacts } = await freshDb();
    try {
      const run = await queue.createRun(runInput(effectPhases(1, 8_000, { maxAttempts: 1 })));
      const a = await startWorker(url, artifacts, 'worker-a', 5, 1, 0, { STOP_GRACE_MS: '2000' });
      await waitFor('PHASE_STARTED', async () => (await queue.events(run.id)).some((e) => e.type === 'PHASE_STARTED'));
      const t0 = Date.now();
      a.kill('SIGTERM');
      const code = await new Promise<number | null>((r) => a.once('exit', (c) => r(c)));
      expect(code).toBe(0);
      expect(Date.now() - t0).toBeLessThan(8_000);
      const phase = (await queue.phases(run.id))[0]!;
      expect(phase.status).toBe('queued');
      const released = (await queue.events(run.id)).filter((e) => e.type === 'PHASE_RETRY_SCHEDULED');
      expect(released.map((e) => e.message)).toEqual([expect.stringContaining('released and queued again: worker worker-a is shutting down (not counted as a retry)')]);
      await startWorker(url, artifacts, 'worker-b');
      const done = await runFinished(queue, run.id, 'the run to finish', 60_000);
      expect(done.status).toBe('succeeded');
      expect((await db.query<{ worker: string }>('SELECT worker FROM side_effects')).rows).toEqual([{ worker: 'worker-b' }]);
    } finally {
      await db.close();
    }
  }, 90_000);

  it('SIGSTOP past the lease, then SIGCONT: the result is dropped, and SIGTERM still ends the worker', async () => {
    const { url, db, queue, artifacts } = await freshDb();
    try {
      const run = await queue.createRun(runInput(effectPhases(1, 3000, { maxAttempts: 1 })));
      const a = await startWorker(url, artifacts, 'worker-a', 2, 1, 0, { STOP_GRACE_MS: '2000' });
      await waitFor('PHASE_STARTED', async () => (await queue.events(run.id)).some((e) => e.type === 'PHASE_STARTED'));
      a.kill('SIGSTOP');
      await waitFor('the lease to be reaped', async () => {
        await queue.reapExpiredLeases();
        return (await queue.phases(run.id))[0]!.status === 'queued';
      });
      a.kill('SIGCONT');
      await sleep(4000); // it finds the lease gone and drops attempt 1 (it may claim the phase again as attempt 2)
      expect((await db.query('SELECT 1 FROM side_effects WHERE attempt = 1')).rowCount).toBe(0);
      const t0 = Date.now();
      a.kill('SIGTERM');
      const code = await new Promise<number | null>((r) => (a.exitCode !== null ? r(a.exitCode) : a.once('exit', (c) => r(c))));
      expect(code).toBe(0);
      expect(Date.now() - t0).toBeLessThan(8_000);
      expect((await db.query('SELECT 1 FROM side_effects WHERE attempt = 1')).rowCount).toBe(0);
    } finally {
      await db.close();
    }
  }, 90_000);

  it('PostgreSQL restarted during a run: the run completes when it returns, nothing lost', async () => {
    const { url, db, queue, artifacts } = await freshDb();
    try {
      const run = await queue.createRun(runInput(effectPhases(8, 300)));
      await startWorker(url, artifacts, 'steady', 10);
      await waitFor('two phases to succeed', async () => (await db.query<{ n: number }>(`SELECT count(*)::integer AS n FROM phases WHERE run_id = $1 AND status = 'succeeded'`, [run.id])).rows[0]!.n >= 2);
      await server.restart(1500);
      const done = await runFinished(queue, run.id, 'the run to finish after the restart', 90_000);
      expect(done.status).toBe('succeeded');
      const effects = await sideEffects(db);
      expect(effects.size).toBe(8);
      expect([...effects.values()].every((c) => c === 1)).toBe(true);
      const events = await queue.events(run.id);
      expect(events.filter((e) => e.type === 'PHASE_SUCCEEDED')).toHaveLength(8);
      expect(events.filter((e) => e.type === 'RUN_SUCCEEDED')).toHaveLength(1);
      expect((await queue.runArtifacts(run.id)).length).toBe(8);
    } finally {
      await db.close();
    }
  });

  it('N workers racing for the same phases: every phase executed exactly once', async () => {
    const { url, db, queue, artifacts } = await freshDb();
    try {
      const runs: { id: string }[] = [];
      for (let i = 0; i < 4; i++) runs.push(await queue.createRun(runInput(effectPhases(20, 5))));
      // Two run one phase at a time, two run three at once (batched completions and claims);
      // the last two also claim ahead (prefetch), as `lakespec worker` does by default.
      await Promise.all(['r1', 'r2', 'r3', 'r4'].map((id, i) => startWorker(url, artifacts, id, 10, i % 2 === 0 ? 1 : 3, i < 2 ? 0 : 4 * (i % 2 === 0 ? 1 : 3))));
      const finished = await waitFor('all runs to finish', async () => {
        const rs = await Promise.all(runs.map((r) => queue.getRun(r.id)));
        return rs.every((r) => ['succeeded', 'failed'].includes(r!.status)) ? rs : undefined;
      }, 150_000);
      expect(finished.map((r) => r!.error ?? r!.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
      const effects = await sideEffects(db);
      expect(effects.size).toBe(80);
      expect([...effects.values()].every((c) => c === 1)).toBe(true);
      const claimed = (await db.query<{ n: number }>(`SELECT count(*)::integer AS n FROM run_events WHERE type = 'PHASE_CLAIMED'`)).rows[0]!.n;
      expect(claimed).toBe(80);
      // The work was shared.
      const byWorker = (await db.query<{ worker: string }>('SELECT DISTINCT worker FROM side_effects')).rows;
      expect(byWorker.length).toBeGreaterThan(1);
    } finally {
      await db.close();
    }
  }, 180_000);
});
