// A worker: claims phases, runs them on the matching executor, heartbeats while they run,
// enforces the phase timeout, and reports the outcome. Losing the lease (409 on heartbeat)
// aborts the executor and drops its result: another worker owns the phase now.
import { hostname } from 'node:os';
import { type LineageRun, type LineageSink, runEvent } from '../lineage/openlineage.js';
import { ExecutionError, type Executor, LeaseLostError, type PhaseLineage } from './executor.js';
import { phaseContext } from './phase-context.js';
import { retryDb, sleep } from './retry-db.js';

export { retryDb, sleep } from './retry-db.js';
import { StoreError, isTransientDbError } from '../state/db.js';
import { type RunQueue, WAKE_CHANNEL } from '../state/run-queue.js';
import type { Claim } from '../state/run-types.js';

export interface WorkerOptions {
  id?: string;
  /** Poll interval when the queue is empty. */
  idleMs?: number;
  /** Where OpenLineage events go (none by default). */
  lineage?: LineageSink;
  /** Claim only this run's phases (a caller that drives one run to its end). */
  runId?: string;
  /**
   * Phases this worker runs at once (default 1). With more, it claims as many as it has free
   * slots in one statement, and completes the phases that finished meanwhile together with
   * claiming the next ones, in one transaction.
   */
  concurrency?: number;
  /**
   * Phases a lane may claim beyond its free slots (default 0), while its phases finish in
   * under `prefetchBelowMs` on average. They wait in the worker, leased, and start as slots
   * free, so a drain of many short phases records more of them per statement (one commit,
   * one WAL flush). A prefetched phase is recorded as started when it is claimed; one that
   * waited more than a third of its lease is confirmed with a heartbeat before it runs, and
   * dropped if the lease was lost meanwhile.
   */
  prefetch?: number;
  /** Average phase duration under which a lane prefetches (default 100 ms). */
  prefetchBelowMs?: number;
  /** Called for every notable thing (structured logging lives at the edge). */
  log?: (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

export class Worker {
  readonly id: string;
  private readonly executors = new Map<string, Executor>();
  private stopping = false;
  private readonly idleMs: number;
  private readonly log: NonNullable<WorkerOptions['log']>;
  private readonly lineage: LineageSink | undefined;
  private readonly runId: string | undefined;
  private readonly concurrency: number;
  private readonly prefetch: number;
  private readonly prefetchBelowMs: number;

  constructor(
    private readonly queue: RunQueue,
    executors: readonly Executor[],
    options: WorkerOptions = {},
  ) {
    for (const e of executors) this.executors.set(e.id, e);
    this.id = options.id ?? `${hostname()}:${process.pid}`;
    this.idleMs = options.idleMs ?? 500;
    this.log = options.log ?? (() => {});
    this.lineage = options.lineage;
    this.runId = options.runId;
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
    this.prefetch = Math.max(0, Math.floor(options.prefetch ?? 0));
    this.prefetchBelowMs = options.prefetchBelowMs ?? 100;
  }

  /** Claims and runs one phase; false when nothing was runnable. */
  async runOnce(): Promise<boolean> {
    const claim = await this.queue.claim(this.id, [...this.executors.keys()], null, this.claimOptions());
    if (!claim) return false;
    await this.execute(claim, 'complete');
    return true;
  }

  private claimOptions() {
    return { start: true, ...(this.runId ? { runId: this.runId } : {}) };
  }

  /** Runs until `until()` says stop (or stop() is called); database hiccups are waited out. */
  async loop(until: () => boolean | Promise<boolean> = () => false): Promise<void> {
    // NOTIFY wakes idle lanes at once; polling stays as the fallback.
    const sleepers = new Set<() => void>();
    const unlisten = await this.queue.db.listen(WAKE_CHANNEL, () => [...sleepers].forEach((wake) => wake())).catch(() => undefined);
    const idle = () =>
      new Promise<void>((resolve) => {
        const t = setTimeout(done, this.idleMs);
        function done() {
          clearTimeout(t);
          sleepers.delete(done);
          resolve();
        }
        sleepers.add(done);
      });
    // The slots are split into (at most) two lanes, each completing and claiming in its own
    // statement: while one lane's statement runs in the database, the other lane's results
    // are handled here, so the worker and the database overlap instead of taking turns.
    // More lanes make each statement's batch smaller, which costs more than it overlaps
    // (one worker with 4 slots draining 4 000 runs: one lane ≈1 950/s, two ≈2 600/s, four
    // lanes of one slot ≈1 800/s).
    const lanes = this.concurrency === 1 ? [1] : [Math.ceil(this.concurrency / 2), Math.floor(this.concurrency / 2)];
    const prefetch = lanes.map((_, i) => Math.floor(this.prefetch / lanes.length) + (i < this.prefetch % lanes.length ? 1 : 0));
    // Expired leases are put back on a timer too: claims reap them, but a worker whose slots
    // are all busy claims nothing, and a dead worker's phase would wait for someone to.
    const reaper = setInterval(() => {
      this.queue.reapExpiredLeases().catch((e: Error) => this.log('warn', 'reaping expired leases failed', { error: e.message }));
    }, Math.max(1000, (this.queue.leaseSeconds * 1000) / 2));
    reaper.unref();
    try {
      await Promise.all(lanes.map((slots, i) => this.pool(until, idle, slots, prefetch[i]!)));
    } finally {
      clearInterval(reaper);
      await unlisten?.();
    }
  }

  /**
   * A lane: up to `slots` phases at once. Whatever finished while the last batch was being
   * recorded is completed in one statement that also claims phases for the free slots
   * (with one slot: a phase is completed together with claiming the next, one commit
   * instead of two); no waiting is added to form batches.
   */
  private async pool(until: () => boolean | Promise<boolean>, idle: () => Promise<void>, slots: number, prefetch: number): Promise<void> {
    const executors = [...this.executors.keys()];
    const running = new Map<string, Promise<void>>();
    const finished: { claim: Claim; output: Record<string, unknown> }[] = [];
    // Claimed ahead (prefetch), waiting for a slot, with when they were claimed.
    const waiting: { claim: Claim; at: number }[] = [];
    // Moving average of how long this lane's phases run; prefetching only pays (and only
    // holds phases back from other workers for a moment) while phases are short.
    let averageMs = Number.POSITIVE_INFINITY;
    let wake = () => {};
    const start = (claim: Claim) => {
      const t0 = performance.now();
      const task = this.execute(claim, 'defer')
        .then((r) => void (r.output && finished.push({ claim, output: r.output })))
        .catch((e: Error) => this.log('error', 'recording a phase failed', { phase: claim.phase, error: e.message }))
        .finally(() => {
          const ms = performance.now() - t0;
          averageMs = Number.isFinite(averageMs) ? 0.8 * averageMs + 0.2 * ms : ms;
          running.delete(claim.phaseId);
          wake();
        });
      running.set(claim.phaseId, task);
    };
    const fill = async () => {
      while (running.size < slots && waiting.length > 0) {
        const { claim, at } = waiting.shift()!;
        if (Date.now() - at > (this.queue.leaseSeconds * 1000) / 3) {
          // It waited long enough for its lease to matter: confirm it is still ours.
          try {
            await retryDb(() => this.queue.heartbeat(claim.phaseId, claim.token));
          } catch (e) {
            this.log('warn', 'prefetched phase no longer ours; not run', { phase: claim.phase, run: claim.runId, error: (e as Error).message });
            continue;
          }
        }
        start(claim);
      }
    };
    const take = (claims: readonly Claim[]) => {
      for (const c of claims) {
        if (running.size < slots) start(c);
        else waiting.push({ claim: c, at: Date.now() });
      }
      return claims.length;
    };
    const fast = () => prefetch > 0 && averageMs < this.prefetchBelowMs;
    const ahead = () => (fast() ? Math.max(0, prefetch - waiting.length) : 0);
    const record = async (limit: number) => {
      const batch = finished.splice(0);
      try {
        const r = await retryDb(() => this.queue.completeManyAndClaim(batch.map((d) => ({ runId: d.claim.runId, phaseId: d.claim.phaseId, token: d.claim.token, output: d.output })), { worker: this.id, executors, limit, ...this.claimOptions() }));
        for (const d of batch) if (!r.completed.has(d.claim.phaseId)) this.log('warn', 'phase no longer ours at completion', { phase: d.claim.phase, run: d.claim.runId });
        take(r.next);
      } catch (e) {
        // Not recorded: their leases run out and the phases are claimed again.
        this.log('error', 'completing phases failed', { phases: batch.map((d) => d.claim.phase), error: (e as Error).message });
        throw e;
      }
    };
    let backoff = this.idleMs;
    // Since when finished phases have been held back to be recorded with others.
    let heldSince: number | undefined;
    while (!this.stopping && !(await until())) {
      const changed = new Promise<void>((r) => (wake = r));
      try {
        await fill();
        const free = slots - running.size;
        if (finished.length === 0) heldSince = undefined;
        else heldSince ??= performance.now();
        const holdFor = heldSince === undefined ? 0 : this.prefetchBelowMs - (performance.now() - heldSince);
        if (finished.length > 0 && (waiting.length > 0 || (running.size > 0 && fast())) && holdFor > 0) {
          // Short phases claimed ahead or still running go first, so that what finished is
          // recorded in one statement with them; but not for longer than a short phase
          // takes: a finished phase is no longer heartbeated, and one slow phase among
          // short ones must not hold the others' completions back until their leases end.
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([changed, new Promise<void>((r) => (timer = setTimeout(r, holdFor)))]);
          clearTimeout(timer);
        } else if (finished.length > 0) {
          heldSince = undefined;
          await record(free + ahead());
        } else if (free > 0 && take(await this.queue.claimMany(this.id, executors, free + ahead(), this.claimOptions())) > 0) {
          // claimed: go round again
        } else if (running.size === 0) {
          await idle();
        } else {
          await changed;
        }
        backoff = this.idleMs;
      } catch (e) {
        // A worker outlives any single failure: a phase it held is reclaimed when its lease
        // runs out. Database outages are expected; anything else is logged loudly.
        if (isTransientDbError(e)) this.log('warn', 'state store unavailable; retrying', { error: (e as Error).message, retry_in_ms: backoff });
        else this.log('error', 'worker iteration failed', { error: (e as Error).message, stack: (e as Error).stack, retry_in_ms: backoff });
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
    // Stopping: let what runs (and what was claimed ahead, already recorded as started)
    // finish, and record it without claiming more.
    while (running.size > 0 || waiting.length > 0) {
      await fill();
      if (running.size > 0) await Promise.race(running.values());
    }
    if (finished.length > 0) await record(0).catch(() => undefined);
  }

  /**
   * Stops claiming. What runs may finish; with `graceMs`, what still runs after that long is
   * stopped (its executor aborted, its engine work cancelled) and its phase released back to
   * the queue, not counted as an attempt, so that the process can exit.
   */
  stop(graceMs?: number): void {
    this.stopping = true;
    if (graceMs === undefined || this.graceTimer) return;
    this.graceTimer = setTimeout(() => {
      for (const { abort } of this.inflight.values()) abort.abort(new ShutdownError(`worker ${this.id} is shutting down`));
    }, graceMs);
    this.graceTimer.unref();
  }

  private graceTimer: NodeJS.Timeout | undefined;
  private readonly inflight = new Map<string, { claim: Claim; abort: AbortController }>();

  /**
   * Runs one claimed phase and records its outcome; with 'defer', a success is left to the
   * caller to record (its output is returned). Failures are always recorded here.
   */
  private async execute(claim: Claim, mode: 'complete' | 'defer'): Promise<{ output?: Record<string, unknown> }> {
    const executor = this.executors.get(claim.executor)!;
    const abort = new AbortController();
    this.inflight.set(claim.phaseId, { claim, abort });
    let lost = false;
    const lose = (why: string) => {
      if (!lost) {
        lost = true;
        abort.abort(new LeaseLostError(why));
      }
    };
    // Everything this phase records goes through its own workspace's view of the store.
    const q = this.queue.within(claim.run.workspace_id);
    const ctx = phaseContext(claim, q, abort.signal, { isLost: () => lost, leaseError: (e) => this.leaseError(e, lose) });
    // PHASE_STARTED was recorded by the claim itself (claim(..., { start: true })).
    const lineageRun = this.lineage ? lineageOf(claim) : undefined;
    if (lineageRun) await this.sendLineage(runEvent('START', lineageRun, new Date()));
    const beat = setInterval(() => {
      retryDb(() => q.heartbeat(claim.phaseId, claim.token)).catch((e) => this.leaseError(e, lose));
    }, Math.max(200, (q.leaseSeconds * 1000) / 3));
    const timeout = setTimeout(() => abort.abort(new ExecutionError(`timed out after ${claim.timeoutSeconds} s`, false)), claim.timeoutSeconds * 1000);
    let outcome: { ok: true; output: Record<string, unknown> } | { ok: false; error: ExecutionError };
    const running = executor.execute(claim.input, ctx);
    try {
      const output = await Promise.race([running, new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(abort.signal.reason), { once: true }))]);
      outcome = { ok: true, output };
    } catch (e) {
      outcome = { ok: false, error: e instanceof ExecutionError ? e : e instanceof LeaseLostError ? new ExecutionError(e.message, false) : new ExecutionError((e as Error).message ?? String(e), false) };
      // Aborted (timeout, cancel, lost lease): the executor has been told to stop its engine's
      // work; give it a moment to do so and clean up (a rollback) before the next claim.
      if (abort.signal.aborted) {
        let grace: NodeJS.Timeout | undefined;
        await Promise.race([running.catch(() => {}), new Promise<void>((r) => (grace = setTimeout(r, STOP_GRACE_MS)))]);
        clearTimeout(grace);
      }
    } finally {
      clearInterval(beat);
      clearTimeout(timeout);
      this.inflight.delete(claim.phaseId);
    }
    if (abort.signal.reason instanceof ShutdownError && !lost) {
      // Stopped by the shutdown, not by the step: another worker runs it again.
      await retryDb(() => q.releasePhase(claim.phaseId, claim.token, abort.signal.reason.message)).catch((e: Error) => this.log('warn', 'releasing a phase failed; its lease will run out', { phase: claim.phase, error: e.message }));
      this.log('warn', 'phase released at shutdown', { phase: claim.phase, run: claim.runId });
      return {};
    }
    if (lost) {
      this.log('warn', 'lease lost; result discarded', { phase: claim.phase, run: claim.runId });
      return {};
    }
    if (lineageRun) await this.sendLineage(runEvent(outcome.ok ? 'COMPLETE' : 'FAIL', lineageRun, new Date(), outcome.ok ? undefined : outcome.error.message));
    try {
      if (outcome.ok && mode === 'defer') return { output: outcome.output };
      if (outcome.ok) await retryDb(() => q.completePhase(claim.phaseId, claim.token, outcome.output));
      else await retryDb(() => q.failPhase(claim.phaseId, claim.token, outcome.error.message, { terminal: outcome.error.terminal, ...(outcome.error.output ? { output: outcome.error.output } : {}) }));
    } catch (e) {
      if (e instanceof StoreError && e.code === 'conflict') this.log('warn', 'phase no longer ours at completion', { phase: claim.phase, error: e.message });
      else throw e;
    }
    return {};
  }

  private async sendLineage(event: Record<string, unknown>): Promise<void> {
    try {
      await this.lineage!.emit(event);
    } catch (e) {
      this.log('warn', 'OpenLineage event not delivered', { error: (e as Error).message });
    }
  }

  private leaseError(e: unknown, lose: (why: string) => void): void {
    if (e instanceof StoreError && e.code === 'conflict') lose(e.message);
    else this.log('warn', 'heartbeat failed', { error: (e as Error).message });
  }
}

/** A worker stopping with phases still running after its grace period. */
export class ShutdownError extends Error {}

/** How long an aborted executor gets to stop its engine's work and clean up. */
const STOP_GRACE_MS = 10_000;

/** The lineage of a phase: its input declares what it reads and writes (sql steps do). */
function lineageOf(claim: Claim): LineageRun {
  const input = (claim.input ?? {}) as { lineage?: Partial<PhaseLineage> };
  return {
    runId: claim.phaseId,
    parentRunId: claim.runId,
    workspace: claim.run.workspace_id,
    environment: claim.run.environment,
    job: claim.phase,
    gitSha: claim.run.git_sha,
    inputs: input.lineage?.inputs ?? [],
    outputs: input.lineage?.outputs ?? [],
  };
}
