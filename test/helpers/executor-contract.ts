// The contract every executor keeps, run through the real run queue (PGlite) and Worker:
// success records its artifacts; a terminal error is not retried; a transient one is; a
// 2 s timeout on work that would run a minute ends the phase within 5 s and leaves the
// engine nothing running; a cancelled run stops its work the same way; and a worker that
// loses its lease mid-phase throws its result away; an attempt that committed a plain append
// and died is retried without appending again. Each executor's test file calls
// executorContract() with its own inputs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, ExecutionError, type Executor, LocalArtifactStore, RunQueue, Worker, migrate, openPglite } from '../../reconciler/index.js';

export interface ContractSubject {
  executor: Executor;
  /** Phase inputs: one that succeeds (registering artifacts), one the engine refuses for good, one that runs a minute unless stopped. */
  success: unknown;
  terminal: unknown;
  slow: unknown;
  /** A transient failure (a lost connection, say), with the executor that meets it. */
  transient?: { executor: Executor; input: unknown };
  /** A plain append (one row per run), and how many rows its target holds. */
  append?: { input: unknown; rows: () => Promise<number> };
  /** How much of the engine's work is still running (0 once a stopped phase has stopped it). */
  leftRunning: () => Promise<number>;
  close(): Promise<void>;
}

/** `transient`: the subject supplies a transient failure (engines that have one to provoke for real). */
/** `append`: the subject supplies a plain append, to show a retried phase does not write it twice. */
export function executorContract(name: string, open: () => Promise<ContractSubject>, o: { slowStartMs?: number; transient?: boolean; append?: boolean } = {}): void {
  describe(`executor contract: ${name}`, () => {
    let s: ContractSubject;
    let db: Db;
    let queue: RunQueue;
    beforeAll(async () => {
      s = await open();
      db = await openPglite(undefined);
      await migrate(db);
      queue = new RunQueue(db, new LocalArtifactStore(mkdtempSync(join(tmpdir(), 'lakespec-contract-'))), { leaseSeconds: 2, retryBaseMs: 1, retryMaxMs: 1 });
    }, 120_000);
    afterAll(async () => {
      await s?.close();
      await db?.close();
    });

    const runOf = async (input: unknown, executor: Executor, extra: { maxAttempts?: number; timeoutSeconds?: number } = {}) =>
      queue.createRun({ workspace: 'contract', environment: 'dev', specSlug: `contract/${name}`, gitSha: 'c'.repeat(40), trigger: 'test', requester: 'tests', phases: [{ name: 'phase', executor: executor.id, input, ...extra }] });
    const drain = async (executor: Executor, runId: string) => {
      const worker = new Worker(queue, [executor], { idleMs: 10 });
      for (let i = 0; i < 200 && !['succeeded', 'failed', 'cancelled'].includes((await queue.getRun(runId))!.status); i++) if (!(await worker.runOnce())) await new Promise((r) => setTimeout(r, 20));
      return { run: (await queue.getRun(runId))!, phase: (await queue.phases(runId))[0]! };
    };
    /** The slow phase, claimed by a worker and under way in the engine. */
    const startSlow = async () => {
      const run = await runOf(s.slow, s.executor);
      const worker = new Worker(queue, [s.executor], { idleMs: 10 });
      const working = worker.runOnce();
      for (let i = 0; i < 200 && (await queue.phases(run.id))[0]!.status !== 'running'; i++) await new Promise((r) => setTimeout(r, 25));
      // Give the engine a moment to have the work in hand.
      await new Promise((r) => setTimeout(r, o.slowStartMs ?? 500));
      return { run, working };
    };

    it('succeeds and records its artifacts', async () => {
      const run = await runOf(s.success, s.executor);
      const { phase } = await drain(s.executor, run.id);
      expect(phase.status, phase.error ?? '').toBe('succeeded');
      expect(phase.output).toBeTypeOf('object');
      expect((await queue.runArtifacts(run.id)).length).toBeGreaterThan(0);
    });

    it('does not retry a terminal error, even with attempts left', async () => {
      const run = await runOf(s.terminal, s.executor, { maxAttempts: 3 });
      const { phase } = await drain(s.executor, run.id);
      expect(phase.status).toBe('failed');
      expect(phase.attempts).toBe(1);
      expect(phase.error).toBeTruthy();
    });

    if (o.transient)
      it('retries a transient error while attempts are left', async () => {
      expect(s.transient, 'the subject has no transient failure').toBeDefined();
      const run = await runOf(s.transient!.input, s.transient!.executor, { maxAttempts: 2 });
      const { phase } = await drain(s.transient!.executor, run.id);
      expect(phase.status).toBe('failed');
      expect(phase.attempts).toBe(2);
    });

    it('a 2 s timeout ends the phase within 5 s and leaves the engine nothing running', async () => {
      const run = await runOf(s.slow, s.executor, { timeoutSeconds: 2 });
      const t0 = Date.now();
      const { phase } = await drain(s.executor, run.id);
      expect(phase.status).toBe('failed');
      expect(phase.error).toContain('timed out after 2 s');
      expect(new Date(phase.finished_at!).getTime() - new Date(phase.started_at!).getTime()).toBeLessThan(5_000);
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(await s.leftRunning()).toBe(0);
    }, 60_000);

    it('a cancelled run stops its work', async () => {
      const { run, working } = await startSlow();
      const at = Date.now();
      await queue.cancelRun(run.id, 'tests', 'stop');
      await working;
      expect(Date.now() - at).toBeLessThan(10_000);
      expect((await queue.getRun(run.id))!.status).toBe('cancelled');
      expect(await s.leftRunning()).toBe(0);
    }, 60_000);

    if (o.append)
      it('an attempt that committed its append and then died is retried without appending again', async () => {
        expect(s.append, 'the subject has no append').toBeDefined();
        const before = await s.append!.rows();
        // The first attempt does all its work, then dies before the queue hears of it.
        let attempts = 0;
        const dies: Executor = {
          id: s.executor.id,
          execute: async (input, ctx) => {
            const out = await s.executor.execute(input, ctx);
            if (++attempts === 1) throw new ExecutionError('the worker died after its write committed', false);
            return out;
          },
        };
        const run = await runOf(s.append!.input, dies, { maxAttempts: 2 });
        const { phase } = await drain(dies, run.id);
        expect(phase.status, phase.error ?? '').toBe('succeeded');
        expect(phase.attempts).toBe(2);
        expect(await s.append!.rows()).toBe(before + 1);
        expect((await queue.events(run.id)).map((e) => e.message)).toContainEqual(expect.stringContaining("an earlier attempt's write committed; it is not written again"));
        // A new run appends again: once per run, not once ever.
        const again = await runOf(s.append!.input, s.executor);
        expect((await drain(s.executor, again.id)).phase.status).toBe('succeeded');
        expect(await s.append!.rows()).toBe(before + 2);
      }, 60_000);

    it('a worker that loses its lease mid-phase stops and throws its result away', async () => {
      const { run, working } = await startSlow();
      // Another worker took the phase over (its lease was given away).
      await db.query('UPDATE phases SET lease_token = gen_random_uuid() WHERE run_id = $1', [run.id]);
      await working;
      const phase = (await queue.phases(run.id))[0]!;
      expect(phase.status).toBe('running'); // still the other holder's: nothing recorded by the one that lost it
      expect(await s.leftRunning()).toBe(0);
      await queue.cancelRun(run.id, 'tests', 'clean up');
    }, 60_000);
  });
}
