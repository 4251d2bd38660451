// The run contract on top of the state store: create a run, claim phases with leases
// (FOR UPDATE SKIP LOCKED), heartbeat, append events, register artifacts, complete or fail.
// Every state change and the event that records it commit in one transaction, with event ids
// derived from (phase, type, attempt), so a retried request neither loses nor doubles events.
import { byString } from '../../spec/index.js';
import { type ArtifactStore, digest } from '../artifacts/artifact-store.js';
import { type Db, type Queryable, StoreError } from './db.js';
import { ScopedDb } from './scoped-db.js';
import { PHASE_COLUMNS, RUN_COLUMNS, type RunArtifact, type RunFilter, isUuid, runReads } from './run-reads.js';
import { type Claim, type CreateRunInput, type NewEvent, type Phase, type PhaseWrite, type Run, type RunEvent, isTerminalRun } from './run-types.js';

export interface QueueOptions {
  /** Lease length; a worker heartbeats well within it. */
  leaseSeconds?: number;
  /** Retry backoff: base · 2^(attempt-1), capped, with equal jitter. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Injected for tests of the jitter; defaults to Math.random. */
  random?: () => number;
}

export interface FailOptions {
  /** Terminal errors (bad SQL, a failed quality check) are never retried. */
  terminal?: boolean;
  output?: unknown;
}

/** NOTIFY channel that tells workers new work may be runnable. */
export const WAKE_CHANNEL = 'lakespec_phases';

/** Lost workers a phase is requeued for without spending a retry; past that an expiry is a failed attempt. */
export const MAX_LEASE_LOSSES = 3;

export class RunQueue {
  readonly leaseSeconds: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly random: () => number;
  private lastReap = 0;

  constructor(
    readonly db: Db,
    readonly artifacts: ArtifactStore,
    options: QueueOptions = {},
  ) {
    this.leaseSeconds = options.leaseSeconds ?? 30;
    this.retryBaseMs = options.retryBaseMs ?? 2_000;
    this.retryMaxMs = options.retryMaxMs ?? 300_000;
    this.random = options.random ?? Math.random;
  }

  /**
   * The same queue seen by one workspace: a worker records a claimed phase's events,
   * artifacts and outcome through it, so row-level security holds them to the phase's
   * workspace (a queue over an unscoped store is returned as it is).
   */
  within(workspace: string): RunQueue {
    if (!(this.db instanceof ScopedDb)) return this;
    return new RunQueue(this.db.within(workspace), this.artifacts, { leaseSeconds: this.leaseSeconds, retryBaseMs: this.retryBaseMs, retryMaxMs: this.retryMaxMs, random: this.random });
  }

  /**
   * Equal jitter (AWS architecture blog): uniform in [c/2, c] for c = min(cap, base·2^(n-1)).
   * Half the wait is kept, so a retry never comes at once; the other half spreads retries out.
   */
  backoffMs(attempt: number): number {
    const ceiling = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  /** Creates a run; inside `within` (a caller's transaction) it commits with the caller's other writes. */
  async createRun(input: CreateRunInput, within?: Queryable): Promise<Run> {
    const names = new Map(input.phases.map((p, i) => [p.name, i]));
    if (names.size !== input.phases.length) throw new StoreError('invalid', 'phase names must be unique within a run');
    if (input.phases.length === 0) throw new StoreError('invalid', 'a run needs at least one phase');
    for (const p of input.phases) for (const d of p.dependsOn ?? []) if (!names.has(d)) throw new StoreError('invalid', `phase ${p.name} depends on unknown phase ${d}`);
    const body = async (tx: Queryable) => {
      await tx.query('INSERT INTO workspaces (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [input.workspace]);
      const run = (
        await tx.query<Run>(
          `INSERT INTO runs (workspace_id, environment, spec_slug, git_sha, trigger, requester, status, input_manifest, rerun_of)
           VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $8) RETURNING ${RUN_COLUMNS}`,
          [input.workspace, input.environment, input.specSlug, input.gitSha, input.trigger, input.requester, JSON.stringify(input.inputManifest ?? {}), input.rerunOf ?? null],
        )
      ).rows[0]!;
      for (const [i, p] of input.phases.entries()) {
        await tx.query(
          `INSERT INTO phases (run_id, workspace_id, position, name, executor, depends_on, input, status, max_attempts, timeout_seconds)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8, $9)`,
          [run.id, input.workspace, i, p.name, p.executor, (p.dependsOn ?? []).map((d) => names.get(d)!), JSON.stringify(p.input ?? {}), Math.max(1, p.maxAttempts ?? 1), p.timeoutSeconds ?? 3600],
        );
      }
      await this.event(tx, run.id, input.workspace, {
        eventId: `${run.id}:RUN_CREATED`,
        type: 'RUN_CREATED',
        message: `run created for ${input.specSlug} at ${input.gitSha.slice(0, 12)} (${input.trigger} by ${input.requester})`,
        payload: { phases: input.phases.map((p) => p.name), git_sha: input.gitSha, environment: input.environment, rerun_of: input.rerunOf ?? null },
      });
      // Wakes idle workers on commit (they also poll, so a lost notification only costs latency).
      await tx.query(`SELECT pg_notify('${WAKE_CHANNEL}', '')`);
      return run;
    };
    return within ? body(within) : this.db.transaction(body);
  }

  /**
   * Claims the next runnable phase: queued, due, its dependencies succeeded, its run live.
   * Expired leases are first put back in the queue. Returns null when nothing is runnable.
   */
  async claim(worker: string, executors?: readonly string[], workspace?: string | null, options: ClaimOptions = {}): Promise<Claim | null> {
    // Reaping is a scan; once a second per process is plenty (leases are seconds long).
    if (Date.now() - this.lastReap >= 1000) {
      this.lastReap = Date.now();
      await this.reapExpiredLeases();
    }
    return this.claimWith(this.db, worker, executors, workspace, options);
  }

  /**
   * Completes a phase and claims the next runnable one in the same transaction: one commit
   * (one WAL flush) instead of two. The claim sees the completion, so a phase that only
   * waited for this one can be the next. A token that no longer holds the lease is a 409,
   * and nothing is claimed.
   */
  async completeAndClaim(phaseId: string, token: string, output: unknown, next: { worker: string; executors?: readonly string[]; workspace?: string | null } & ClaimOptions): Promise<{ phase: Phase; next: Claim | null }> {
    if (!isUuid(phaseId)) throw new StoreError('not_found', `no phase ${phaseId}`);
    return this.db.transaction(async (tx) => {
      const phase = await this.completeIn(tx, phaseId, token, output);
      if (!phase) await this.holding(tx, phaseId, token); // throws the 409
      const claimed = await this.claimWith(tx, next.worker, next.executors, next.workspace, next);
      return { phase: phase!, next: claimed };
    });
  }

  /** Claims up to `limit` runnable phases at once (a worker with that many free slots): one statement for all. */
  async claimMany(worker: string, executors: readonly string[] | undefined, limit: number, options: ClaimOptions = {}): Promise<Claim[]> {
    if (Date.now() - this.lastReap >= 1000) {
      this.lastReap = Date.now();
      await this.reapExpiredLeases();
    }
    return this.claimManyWith(this.db, worker, executors, null, options, limit);
  }

  /**
   * Completes several phases and claims up to `next.limit` in one statement (one round trip,
   * one transaction): a worker with several slots reports what finished together. A phase
   * whose lease is no longer held is not completed (it is missing from `completed`); the
   * others are.
   */
  async completeManyAndClaim(
    done: readonly { runId: string; phaseId: string; token: string; output: unknown }[],
    next: { worker: string; executors?: readonly string[]; limit: number } & ClaimOptions,
  ): Promise<{ completed: Set<string>; next: Claim[] }> {
    // Completed in one order everywhere (run, then phase, in code-unit order rather than the
    // locale's): two workers completing phases of the same runs then lock those rows in the
    // same order.
    const items = done.filter((d) => isUuid(d.phaseId)).sort((a, b) => (a.runId === b.runId ? byString(a.phaseId, b.phaseId) : byString(a.runId, b.runId)));
    const r = await this.db.query<ClaimRow & { completed: boolean }>(
      'SELECT * FROM lakespec_complete_and_claim($1::uuid[], $2::text[], $3::jsonb[], $4::text, $5::text[], $6::uuid, $7::integer, $8::double precision, $9::boolean)',
      [items.map((d) => d.phaseId), items.map((d) => d.token), items.map((d) => JSON.stringify(d.output ?? {})), next.worker, next.executors ? [...next.executors] : null, next.runId ?? null, next.limit, this.leaseSeconds, next.start === true],
      { prepare: 'lakespec_complete_and_claim' },
    );
    return { completed: new Set(r.rows.filter((x) => x.completed).map((x) => x.id)), next: r.rows.filter((x) => !x.completed).map(toClaim) };
  }

  /** Completes the phase if `token` holds its lease (lakespec_complete_phase, migration 2); returns it, or nothing. */
  private async completeIn(q: Queryable, phaseId: string, token: string, output: unknown): Promise<Phase | undefined> {
    return (await q.query<Phase>(`SELECT ${PHASE_COLUMNS} FROM lakespec_complete_phase($1::uuid, $2, $3::jsonb)`, [phaseId, token, JSON.stringify(output ?? {})], { prepare: 'lakespec_complete_phase' })).rows[0];
  }

  private async claimWith(q: Queryable, worker: string, executors: readonly string[] | undefined, workspace: string | null | undefined, options: ClaimOptions): Promise<Claim | null> {
    return (await this.claimManyWith(q, worker, executors, workspace, options, 1))[0] ?? null;
  }

  private async claimManyWith(q: Queryable, worker: string, executors: readonly string[] | undefined, workspace: string | null | undefined, options: ClaimOptions, limit: number): Promise<Claim[]> {
    // One statement (one round trip, its own transaction): pick, lease, mark the run
    // running, and record PHASE_CLAIMED (lakespec_claim, migration 5). SKIP LOCKED lets
    // concurrent claimers pass each other.
    const r = await q.query<ClaimRow>('SELECT * FROM lakespec_claim($1::text, $2::text[], $3::text, $4::uuid, $5::integer, $6::double precision, $7::boolean)', [worker, executors ? [...executors] : null, workspace ?? null, options.runId ?? null, limit, this.leaseSeconds, options.start === true], { prepare: 'lakespec_claim' });
    return r.rows.map(toClaim);
  }

  /**
   * Phases whose lease ran out (their worker died or hung) go back to the queue with one more
   * attempt: a lost worker does not spend the step's retries. After MAX_LEASE_LOSSES losses
   * the expiry counts as a failed attempt like any other (retried while attempts remain).
   */
  async reapExpiredLeases(): Promise<number> {
    return this.db.transaction(async (tx) => {
      const expired = (
        await tx.query<Phase & { lease_losses: number }>(
          `SELECT ${PHASE_COLUMNS}, lease_losses FROM phases WHERE status = 'running' AND lease_expires_at < now() ORDER BY lease_expires_at LIMIT 100 FOR UPDATE SKIP LOCKED`,
        )
      ).rows;
      for (const p of expired) {
        const payload = { worker: p.worker, attempt: p.attempts, lease_losses: p.lease_losses + 1 };
        await this.event(tx, p.run_id, p.workspace_id, {
          eventId: `${p.id}:PHASE_LEASE_EXPIRED:${p.attempts}`,
          phase: p.name,
          level: 'warn',
          type: 'PHASE_LEASE_EXPIRED',
          message: `${p.name}: the lease of ${p.worker ?? 'its worker'} expired (attempt ${p.attempts})`,
          payload,
        });
        const error = `lease expired (worker ${p.worker ?? 'unknown'} stopped heartbeating)`;
        if (p.lease_losses >= MAX_LEASE_LOSSES) {
          await this.retryOrFail(tx, p, `${error}; it lost its worker ${p.lease_losses + 1} times`, false);
          continue;
        }
        await this.requeueUncounted(tx, p, error, `${p.name} queued again: its worker was lost (${p.lease_losses + 1} of ${MAX_LEASE_LOSSES} times; not counted as a retry)`, { lease_losses: p.lease_losses + 1 });
      }
      return expired.length;
    });
  }

  /**
   * Gives a running phase back to the queue (its worker is shutting down): queued again at
   * once with one more attempt, like a lost worker. A release counts as a loss too, so that
   * a later expiry past the bound is a failed attempt.
   */
  async releasePhase(phaseId: string, token: string, why: string): Promise<void> {
    if (!isUuid(phaseId)) throw new StoreError('not_found', `no phase ${phaseId}`);
    await this.db.transaction(async (tx) => {
      const p = (await this.holding(tx, phaseId, token)) as Phase;
      await this.requeueUncounted(tx, p, why, `${p.name} released and queued again: ${why} (not counted as a retry)`, { released: true });
    });
  }

  /** Queues a phase again at once with one more attempt: the attempt it lost was not the step's fault. */
  private async requeueUncounted(tx: Queryable, p: Phase, error: string, message: string, payload: Record<string, unknown>): Promise<void> {
    await tx.query(
      `UPDATE phases SET status = 'queued', lease_token = NULL, lease_expires_at = NULL, error = $2, max_attempts = max_attempts + 1,
         lease_losses = lease_losses + 1, available_at = now() WHERE id = $1`,
      [p.id, error],
    );
    await this.event(tx, p.run_id, p.workspace_id, {
      eventId: `${p.id}:PHASE_RETRY_SCHEDULED:${p.attempts}`,
      phase: p.name,
      level: 'warn',
      type: 'PHASE_RETRY_SCHEDULED',
      message,
      payload: { attempt: p.attempts, ...payload, counted: false },
    });
  }

  /** Extends the lease. A stale token (expired, reclaimed, cancelled) is a 409 conflict. */
  async heartbeat(phaseId: string, token: string, progress?: { message: string; payload?: Record<string, unknown>; eventId?: string }): Promise<Date> {
    if (!isUuid(phaseId)) throw new StoreError('not_found', `no phase ${phaseId}`);
    const extended = await this.db.query<{ lease_expires_at: Date; run_id: string; workspace_id: string; name: string; attempts: number }>(
      `UPDATE phases SET lease_expires_at = now() + make_interval(secs => $3::double precision), heartbeat_at = now()
       WHERE id = $1 AND lease_token::text = $2 AND status = 'running' AND lease_expires_at > now()
       RETURNING lease_expires_at, run_id, workspace_id, name, attempts`,
      [phaseId, token, this.leaseSeconds],
    );
    const p = extended.rows[0];
    if (!p) return this.db.transaction(async (tx) => (await this.holding(tx, phaseId, token)).lease_expires_at!); // explains the 409
    if (progress) {
      await this.event(this.db, p.run_id, p.workspace_id, {
        eventId: progress.eventId ?? `${phaseId}:PHASE_PROGRESS:${p.attempts}:${Date.now()}:${Math.random().toString(36).slice(2)}`,
        phase: p.name,
        type: 'PHASE_PROGRESS',
        message: progress.message,
        payload: progress.payload ?? {},
      });
    }
    return p.lease_expires_at;
  }

  /** Appends an event; a duplicate `eventId` is ignored (returns false). With a token, the lease is checked first. */
  async appendEvent(runId: string, e: NewEvent, lease?: { phaseId: string; token: string }): Promise<boolean> {
    if (!isUuid(runId)) throw new StoreError('not_found', `no run ${runId}`);
    if (lease) {
      if (!isUuid(lease.phaseId)) throw new StoreError('not_found', `no phase ${lease.phaseId}`);
      // Lease check and insert in one statement; only when nothing is inserted do we look why.
      // The event is the leased phase's, whatever phase the caller names.
      const r = await this.db.query(
        `INSERT INTO run_events (event_id, run_id, workspace_id, phase, level, type, message, payload)
         SELECT $3, p.run_id, p.workspace_id, p.name, $4, $5, $6, $7 FROM phases p
         WHERE p.id = $1 AND p.run_id = $8 AND p.lease_token::text = $2 AND p.status = 'running' AND p.lease_expires_at > now()
         ON CONFLICT (run_id, event_id) DO NOTHING RETURNING seq`,
        [lease.phaseId, lease.token, e.eventId, e.level ?? 'info', e.type, e.message, JSON.stringify(e.payload ?? {}), runId],
      );
      if (r.rowCount > 0) return true;
      await this.db.transaction((tx) => this.holding(tx, lease.phaseId, lease.token)); // 409 when the lease is gone
      return false; // a duplicate
    }
    const run = (await this.db.query<{ workspace_id: string; status: Run['status'] }>('SELECT workspace_id, status FROM runs WHERE id = $1', [runId])).rows[0];
    if (!run) throw new StoreError('not_found', `no run ${runId}`);
    if (isTerminalRun(run.status)) throw new StoreError('conflict', `run ${runId} is ${run.status}: a finished run's record is not written to`);
    return this.event(this.db, runId, run.workspace_id, e);
  }

  /**
   * Stores an artifact's bytes and links it to the run. The digest is recomputed: bytes that
   * do not match the claimed digest are refused. The same digest is stored once.
   */
  async registerArtifact(
    runId: string,
    a: { phase?: string; name: string; kind: string; mediaType?: string; sha256?: string; bytes: Uint8Array | string },
    lease?: { phaseId: string; token: string },
  ): Promise<{ sha256: string; bytes: number; created: boolean }> {
    const bytes = typeof a.bytes === 'string' ? Buffer.from(a.bytes, 'utf8') : a.bytes;
    const sha = digest(bytes);
    if (a.sha256 !== undefined && a.sha256 !== sha) throw new StoreError('invalid', `artifact ${a.name}: the bytes hash to ${sha}, not the declared ${a.sha256}`);
    await this.artifacts.put(sha, bytes);
    return this.db.transaction(async (tx) => {
      if (lease) await this.holding(tx, lease.phaseId, lease.token);
      const run = (await tx.query<{ workspace_id: string; status: Run['status'] }>('SELECT workspace_id, status FROM runs WHERE id = $1', [runId])).rows[0];
      if (!run) throw new StoreError('not_found', `no run ${runId}`);
      if (!lease && isTerminalRun(run.status)) throw new StoreError('conflict', `run ${runId} is ${run.status}: a finished run's record is not written to`);
      const inserted = await tx.query('INSERT INTO artifacts (sha256, bytes, media_type) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING', [sha, bytes.length, a.mediaType ?? 'application/octet-stream']);
      const link = await tx.query(
        `INSERT INTO run_artifacts (run_id, workspace_id, phase, name, kind, sha256) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (run_id, phase, name) DO NOTHING RETURNING sha256`,
        [runId, run.workspace_id, a.phase ?? '', a.name, a.kind, sha],
      );
      if (link.rowCount === 0) {
        const prior = (await tx.query<{ sha256: string }>('SELECT sha256 FROM run_artifacts WHERE run_id = $1 AND phase = $2 AND name = $3', [runId, a.phase ?? '', a.name])).rows[0]!;
        if (prior.sha256 !== sha) {
          if (!lease) throw new StoreError('conflict', `artifact ${a.name} of this run already has different content (${prior.sha256})`);
          // The phase's current holder re-ran it (a retry after a transient failure, say): the
          // name now points at this attempt's bytes; the earlier bytes stay stored, and the
          // change is in the run's events.
          await tx.query('UPDATE run_artifacts SET sha256 = $4, kind = $5 WHERE run_id = $1 AND phase = $2 AND name = $3', [runId, a.phase ?? '', a.name, sha, a.kind]);
          await this.event(tx, runId, run.workspace_id, {
            eventId: `${lease.phaseId}:ARTIFACT_REPLACED:${a.name}:${sha}`,
            ...(a.phase ? { phase: a.phase } : {}),
            level: 'info',
            type: 'ARTIFACT_REPLACED',
            message: `artifact ${a.name} replaced by a later attempt (was ${prior.sha256.slice(0, 12)})`,
            payload: { name: a.name, previous: prior.sha256, sha256: sha },
          });
        }
      }
      return { sha256: sha, bytes: bytes.length, created: inserted.rowCount > 0 };
    });
  }

  async completePhase(phaseId: string, token: string, output: unknown = {}): Promise<Phase> {
    if (!isUuid(phaseId)) throw new StoreError('not_found', `no phase ${phaseId}`);
    // One round trip: the phase, its event, closing the run and waking workers happen in
    // lakespec_complete_phase() (migration 2), atomically.
    const phase = await this.completeIn(this.db, phaseId, token, output);
    if (phase) return phase;
    return this.db.transaction(async (tx) => this.holding(tx, phaseId, token)); // throws the 409
  }

  async failPhase(phaseId: string, token: string, error: string, options: FailOptions = {}): Promise<Phase> {
    return this.db.transaction(async (tx) => {
      const p = await this.holding(tx, phaseId, token);
      if (options.output !== undefined) await tx.query('UPDATE phases SET output = $2 WHERE id = $1', [phaseId, JSON.stringify(options.output)]);
      return this.retryOrFail(tx, p, error, options.terminal ?? false);
    });
  }

  /** Stops a run: queued phases are cancelled, running ones lose their lease (their next heartbeat gets 409). */
  async cancelRun(runId: string, actor: string, reason = 'cancelled'): Promise<Run> {
    return this.db.transaction(async (tx) => {
      const run = (await tx.query<Run>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = $1 FOR NO KEY UPDATE`, [runId])).rows[0];
      if (!run) throw new StoreError('not_found', `no run ${runId}`);
      if (isTerminalRun(run.status)) throw new StoreError('conflict', `run ${runId} already ${run.status}`);
      await tx.query(
        `UPDATE phases SET status = 'cancelled', lease_token = NULL, lease_expires_at = NULL, finished_at = now()
         WHERE run_id = $1 AND status IN ('queued', 'running', 'blocked')`,
        [runId],
      );
      const out = (
        await tx.query<Run>(`UPDATE runs SET status = 'cancelled', finished_at = now(), error = $2 WHERE id = $1 RETURNING ${RUN_COLUMNS}`, [runId, reason])
      ).rows[0]!;
      await this.event(tx, runId, run.workspace_id, { eventId: `${runId}:RUN_CANCELLED`, level: 'warn', type: 'RUN_CANCELLED', message: `run cancelled by ${actor}: ${reason}`, payload: { actor, reason } });
      return out;
    });
  }

  /** A new run with the same phases and inputs as `runId`, linked to it. */
  async rerun(runId: string, requester: string): Promise<Run> {
    const run = await this.getRun(runId);
    if (!run) throw new StoreError('not_found', `no run ${runId}`);
    const phases = await this.phases(runId);
    const byPos = new Map(phases.map((p) => [p.position, p.name]));
    return this.createRun({
      workspace: run.workspace_id,
      environment: run.environment,
      specSlug: run.spec_slug,
      gitSha: run.git_sha,
      trigger: 'rerun',
      requester,
      inputManifest: run.input_manifest,
      rerunOf: run.id,
      phases: phases.map((p) => ({
        name: p.name,
        executor: p.executor,
        dependsOn: p.depends_on.map((d) => byPos.get(d)!),
        input: p.input,
        maxAttempts: p.max_attempts,
        timeoutSeconds: p.timeout_seconds,
      })),
    });
  }

  // Reading (runReads, on this queue's view of the store) -------------------------------------

  getRun(runId: string): Promise<Run | undefined> {
    return runReads.getRun(this.db, runId);
  }

  listRuns(filter: RunFilter = {}): Promise<Run[]> {
    return runReads.listRuns(this.db, filter);
  }

  phases(runId: string): Promise<Phase[]> {
    return runReads.phases(this.db, runId);
  }

  events(runId: string, afterSeq = 0): Promise<RunEvent[]> {
    return runReads.events(this.db, runId, afterSeq);
  }

  /** The writes a phase's attempts before `beforeAttempt` recorded (PHASE_WRITE events), oldest first. */
  phaseWrites(runId: string, phase: string, beforeAttempt: number): Promise<PhaseWrite[]> {
    return runReads.phaseWrites(this.db, runId, phase, beforeAttempt);
  }

  runArtifacts(runId: string): Promise<RunArtifact[]> {
    return runReads.runArtifacts(this.db, runId);
  }

  /** Phases of live runs still queued (due or on backoff) or running, for these executors (all when omitted). */
  pending(executors?: readonly string[]): Promise<number> {
    return runReads.pending(this.db, executors);
  }

  // Internals -----------------------------------------------------------------------------

  /** The phase row, locked, if `token` holds its live lease; otherwise a 409 conflict. */
  private async holding(tx: Queryable, phaseId: string, token: string): Promise<Phase & { lease_token: string | null }> {
    if (!isUuid(phaseId)) throw new StoreError('not_found', `no phase ${phaseId}`);
    const p = (
      await tx.query<Phase & { lease_token: string | null; live: boolean }>(
        `SELECT ${PHASE_COLUMNS}, lease_token::text AS lease_token, (lease_expires_at > now()) AS live FROM phases WHERE id = $1 FOR UPDATE`,
        [phaseId],
      )
    ).rows[0];
    if (!p) throw new StoreError('not_found', `no phase ${phaseId}`);
    if (p.status !== 'running' || p.lease_token !== token || !p.live) {
      throw new StoreError('conflict', `the lease on phase ${p.name} is not held by this token (phase is ${p.status}${p.status === 'running' && p.lease_token === token ? ', lease expired' : ''})`);
    }
    return p;
  }

  private async retryOrFail(tx: Queryable, p: Phase, error: string, terminal: boolean): Promise<Phase> {
    const retry = !terminal && p.attempts < p.max_attempts;
    if (retry) {
      const delay = this.backoffMs(p.attempts);
      const out = (
        await tx.query<Phase>(
          `UPDATE phases SET status = 'queued', lease_token = NULL, lease_expires_at = NULL, error = $2,
             available_at = now() + make_interval(secs => $3) WHERE id = $1 RETURNING ${PHASE_COLUMNS}`,
          [p.id, error, delay / 1000],
        )
      ).rows[0]!;
      await this.event(tx, p.run_id, p.workspace_id, {
        eventId: `${p.id}:PHASE_FAILED:${p.attempts}`,
        phase: p.name,
        level: 'warn',
        type: 'PHASE_FAILED',
        message: `${p.name} failed (attempt ${p.attempts} of ${p.max_attempts}); retrying in ${(delay / 1000).toFixed(1)} s: ${error}`,
        payload: { attempt: p.attempts, error, retry_in_ms: delay, terminal: false },
      });
      return out;
    }
    const out = (
      await tx.query<Phase>(
        `UPDATE phases SET status = 'failed', lease_token = NULL, lease_expires_at = NULL, error = $2, finished_at = now() WHERE id = $1 RETURNING ${PHASE_COLUMNS}`,
        [p.id, error],
      )
    ).rows[0]!;
    await this.event(tx, p.run_id, p.workspace_id, {
      eventId: `${p.id}:PHASE_FAILED:${p.attempts}`,
      phase: p.name,
      level: 'error',
      type: 'PHASE_FAILED',
      message: `${p.name} failed${terminal ? '' : ` after ${p.attempts} attempt${p.attempts === 1 ? '' : 's'}`}: ${error}`,
      payload: { attempt: p.attempts, error, terminal },
    });
    await this.failRun(tx, p.run_id);
    return out;
  }

  /**
   * A phase failed for good: the run fails and what has not started is skipped (phases
   * already running finish or lose their lease). Success is settled by
   * lakespec_complete_phase() (migration 2).
   */
  private async failRun(tx: Queryable, runId: string): Promise<void> {
    // NO KEY UPDATE: events and artifacts referencing the run hold KEY SHARE locks on it; a
    // plain FOR UPDATE would deadlock with them.
    const run = (await tx.query<Run>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = $1 FOR NO KEY UPDATE`, [runId])).rows[0]!;
    if (run.status !== 'running' && run.status !== 'queued') return;
    await tx.query(`UPDATE phases SET status = 'skipped', finished_at = now() WHERE run_id = $1 AND status IN ('queued', 'blocked')`, [runId]);
    const failed = (await tx.query<{ name: string; error: string }>(`SELECT name, error FROM phases WHERE run_id = $1 AND status = 'failed' ORDER BY position LIMIT 1`, [runId])).rows[0]!;
    const error = `${failed.name}: ${failed.error}`;
    await tx.query(`UPDATE runs SET status = 'failed', finished_at = now(), error = $2, output_manifest = lakespec_output_manifest($1) WHERE id = $1`, [runId, error]);
    await this.event(tx, runId, run.workspace_id, { eventId: `${runId}:RUN_FAILED`, level: 'error', type: 'RUN_FAILED', message: `run failed: ${error}`, payload: { failed_phase: failed.name } });
  }

  private async event(tx: Queryable, runId: string, workspace: string, e: NewEvent): Promise<boolean> {
    const r = await tx.query(
      `INSERT INTO run_events (event_id, run_id, workspace_id, phase, level, type, message, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (run_id, event_id) DO NOTHING`,
      [e.eventId, runId, workspace, e.phase ?? null, e.level ?? 'info', e.type, e.message, JSON.stringify(e.payload ?? {})],
    );
    return r.rowCount > 0;
  }
}

export interface ClaimOptions {
  /** Record PHASE_STARTED with the claim (a worker that starts at once). */
  start?: boolean;
  /** Only this run's phases. */
  runId?: string;
}

/** A row of lakespec_claim (migration 5). */
interface ClaimRow {
  id: string;
  run_id: string;
  name: string;
  executor: string;
  input: unknown;
  attempts: number;
  max_attempts: number;
  timeout_seconds: number;
  lease_expires_at: Date;
  lease_token: string;
  workspace_id: string;
  environment: string;
  spec_slug: string;
  git_sha: string;
}

function toClaim(p: ClaimRow): Claim {
  return {
    runId: p.run_id,
    phaseId: p.id,
    phase: p.name,
    executor: p.executor,
    input: p.input,
    token: p.lease_token,
    attempt: p.attempts,
    maxAttempts: p.max_attempts,
    timeoutSeconds: p.timeout_seconds,
    leaseExpiresAt: p.lease_expires_at,
    run: { workspace_id: p.workspace_id, environment: p.environment, spec_slug: p.spec_slug, git_sha: p.git_sha },
  };
}
