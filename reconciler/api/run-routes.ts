// The run contract over HTTP: runs, their phases, claims, heartbeats, events and artifacts.
// Writes go under the phase's lease (or an admin's audited reason); reads see the caller's workspace.
import { isLifecycleEvent } from '../state/run-types.js';
import { HttpError, type OpsKit } from './ops-kit.js';

export function runRoutes(k: OpsKit): void {
  const { route, body, audit, visibleRun, visiblePhase, scopeWorkspace, assertProtectedRun, leaseOf, param, str } = k;
  route('get', '/api/v1/runs', 'viewer', 'list runs (newest first)', async (c, p, s) => {
    const limit = Math.min(1000, Math.max(1, Number(c.req.query('limit') ?? 50) || 50));
    const ws = scopeWorkspace(p, c.req.query('workspace'));
    return c.json({ runs: await s.queue.listRuns({ ...(ws ? { workspace: ws } : {}), ...(c.req.query('status') ? { status: c.req.query('status')! } : {}), limit }) });
  });
  route('post', '/api/v1/runs', 'operator', 'create a run with its phases', async (c, p, s) => {
    const b = await body<{ workspace?: string; environment?: string; spec_slug?: string; git_sha?: string; trigger?: string; phases?: unknown; input_manifest?: unknown; break_glass?: unknown }>(c);
    const ws = str(scopeWorkspace(p, b.workspace), 'workspace');
    if (!Array.isArray(b.phases)) throw new HttpError(400, 'phases must be an array of { name, executor, depends_on?, input, max_attempts?, timeout_seconds? }');
    const phases = b.phases.map((x: Record<string, unknown>, i: number) => ({
      name: str(x.name, `phases[${i}].name`),
      executor: str(x.executor, `phases[${i}].executor`),
      dependsOn: Array.isArray(x.depends_on) ? x.depends_on.map((d) => String(d)) : [],
      input: x.input ?? {},
      ...(typeof x.max_attempts === 'number' ? { maxAttempts: x.max_attempts } : {}),
      ...(typeof x.timeout_seconds === 'number' ? { timeoutSeconds: x.timeout_seconds } : {}),
    }));
    const gitSha = str(b.git_sha, 'git_sha', 64);
    if (!/^[0-9a-f]{7,64}$/.test(gitSha)) throw new HttpError(400, 'git_sha must be a hexadecimal commit id');
    const environment = str(b.environment, 'environment');
    await assertProtectedRun(s, p, ws, environment, gitSha, b.break_glass);
    const run = await s.queue.createRun({ workspace: ws, environment, specSlug: str(b.spec_slug, 'spec_slug'), gitSha, trigger: b.trigger ?? 'api', requester: p.name, phases, inputManifest: b.input_manifest ?? {} });
    await audit(p, ws, 'run.create', run.id, { spec_slug: run.spec_slug, git_sha: run.git_sha });
    return c.json({ run }, 201);
  });
  route('get', '/api/v1/runs/:id', 'viewer', 'a run with its phases', async (c, p, s) => {
    const run = await visibleRun(s, p, param(c, 'id'));
    return c.json({ run, phases: await s.queue.phases(run.id) });
  });
  route('get', '/api/v1/runs/:id/events', 'viewer', 'a run\'s events in order (after=seq for more)', async (c, p, s) => {
    const run = await visibleRun(s, p, param(c, 'id'));
    return c.json({ events: await s.queue.events(run.id, Number(c.req.query('after') ?? 0) || 0) });
  });
  route('get', '/api/v1/runs/:id/artifacts', 'viewer', 'a run\'s artifacts', async (c, p, s) => {
    const run = await visibleRun(s, p, param(c, 'id'));
    return c.json({ artifacts: await s.queue.runArtifacts(run.id) });
  });
  route('post', '/api/v1/runs/:id/cancel', 'operator', 'cancel a run', async (c, p, s) => {
    const run = await visibleRun(s, p, param(c, 'id'));
    const b = await body<{ reason?: string }>(c).catch(() => ({}) as { reason?: string });
    const out = await s.queue.cancelRun(run.id, p.name, b.reason ?? 'cancelled');
    await audit(p, run.workspace_id, 'run.cancel', run.id);
    return c.json({ run: out });
  });
  route('post', '/api/v1/runs/:id/rerun', 'operator', 'run the same phases again as a new run', async (c, p, s) => {
    const run = await visibleRun(s, p, param(c, 'id'));
    const b = await body<{ break_glass?: unknown }>(c).catch(() => ({}) as { break_glass?: unknown });
    await assertProtectedRun(s, p, run.workspace_id, run.environment, run.git_sha, b.break_glass);
    const out = await s.queue.rerun(run.id, p.name);
    await audit(p, run.workspace_id, 'run.rerun', out.id, { rerun_of: run.id });
    return c.json({ run: out }, 201);
  });
  route('post', '/api/v1/runs/:id/events', 'operator', "append an event under the phase's lease (a repeated event_id in the run is ignored)", async (c, p, s) => {
    const run = await visibleRun(s, p, param(c, 'id'));
    const b = await body<{ event_id?: string; phase?: string; level?: 'debug' | 'info' | 'warn' | 'error'; type?: string; message?: string; payload?: Record<string, unknown>; phase_id?: string; token?: string; admin_reason?: string }>(c);
    if (b.level !== undefined && !['debug', 'info', 'warn', 'error'].includes(b.level)) throw new HttpError(400, 'level must be debug, info, warn or error');
    const type = str(b.type, 'type', 64);
    if (isLifecycleEvent(type)) throw new HttpError(400, `${type} is written by the queue itself; report progress as PHASE_PROGRESS, or use a type of your own`);
    const lease = leaseOf(p, b, 'events');
    // What a retry decides from is the holder's word alone, never an admin's note.
    if (type === 'PHASE_WRITE' && !lease) throw new HttpError(400, "PHASE_WRITE records a write the phase's holder sends: it needs phase_id and token");
    const created = await s.queue.appendEvent(
      run.id,
      { eventId: str(b.event_id, 'event_id'), type, message: str(b.message, 'message', 10_000), ...(b.phase ? { phase: b.phase } : {}), ...(b.level ? { level: b.level } : {}), ...(b.payload ? { payload: b.payload } : {}) },
      lease,
    );
    if (created) await audit(p, run.workspace_id, lease ? 'run.event' : 'run.event.admin', run.id, { event_id: b.event_id, type, ...(lease ? { phase_id: lease.phaseId } : { reason: b.admin_reason }) });
    return c.json({ created }, created ? 201 : 200);
  });
  route('post', '/api/v1/runs/:id/artifacts', 'operator', 'register an artifact (digest verified, stored once)', async (c, p, s) => {
    const run = await visibleRun(s, p, param(c, 'id'));
    // Artifacts are at most 64 MB, sent as base64 (4/3 of that) inside JSON.
    const b = await body<{ phase?: string; name?: string; kind?: string; media_type?: string; sha256?: string; content_base64?: string; phase_id?: string; token?: string }>(c, 90 * 1024 * 1024);
    const bytes = Buffer.from(str(b.content_base64, 'content_base64', 64 * 1024 * 1024), 'base64');
    const lease = b.phase_id && b.token ? { phaseId: str(b.phase_id, 'phase_id'), token: str(b.token, 'token') } : undefined;
    if (!lease) throw new HttpError(400, "phase_id and token (the phase's lease) are required: artifacts are registered by the worker that holds the phase");
    const r = await s.queue.registerArtifact(
      run.id,
      { name: str(b.name, 'name'), kind: str(b.kind, 'kind', 64), bytes, ...(b.phase ? { phase: b.phase } : {}), ...(b.media_type ? { mediaType: b.media_type } : {}), ...(b.sha256 ? { sha256: b.sha256 } : {}) },
      lease,
    );
    await audit(p, run.workspace_id, 'run.artifact', run.id, { name: b.name, sha256: r.sha256, phase_id: lease.phaseId });
    return c.json(r, r.created ? 201 : 200);
  });

  // Claims and leases ---------------------------------------------------------------------------
  route('post', '/api/v1/claims', 'operator', 'claim the next runnable phase (204 when none)', async (c, p, s) => {
    const b = await body<{ worker?: string; executors?: string[] }>(c);
    // A workspace-limited credential only ever claims its own workspace's phases.
    const claim = await s.queue.claim(str(b.worker, 'worker'), Array.isArray(b.executors) ? b.executors.map(String) : undefined, p.workspace);
    if (!claim) return c.body(null, 204);
    await audit(p, claim.run.workspace_id, 'phase.claim', claim.phaseId, { run: claim.runId, phase: claim.phase, worker: b.worker, attempt: claim.attempt });
    return c.json({ claim });
  });
  route('post', '/api/v1/phases/:id/heartbeat', 'operator', 'extend the lease (409 when the token no longer holds it)', async (c, p, s) => {
    const id = param(c, 'id');
    await visiblePhase(s, p, id);
    const b = await body<{ token?: string; message?: string; payload?: Record<string, unknown> }>(c);
    const until = await s.queue.heartbeat(id, str(b.token, 'token'), b.message ? { message: b.message, ...(b.payload ? { payload: b.payload } : {}) } : undefined);
    return c.json({ lease_expires_at: until });
  });
  route('post', '/api/v1/phases/:id/complete', 'operator', 'complete a phase with its output', async (c, p, s) => {
    const id = param(c, 'id');
    const ph = await visiblePhase(s, p, id);
    const b = await body<{ token?: string; output?: unknown }>(c);
    const out = await s.queue.completePhase(id, str(b.token, 'token'), b.output ?? {});
    await audit(p, ph.workspace_id, 'phase.complete', id);
    return c.json({ phase: out });
  });
  route('post', '/api/v1/phases/:id/fail', 'operator', 'fail a phase (retried unless terminal)', async (c, p, s) => {
    const id = param(c, 'id');
    const ph = await visiblePhase(s, p, id);
    const b = await body<{ token?: string; error?: string; terminal?: boolean }>(c);
    const out = await s.queue.failPhase(id, str(b.token, 'token'), str(b.error, 'error', 10_000), { terminal: b.terminal === true });
    await audit(p, ph.workspace_id, 'phase.fail', id, { terminal: b.terminal === true });
    return c.json({ phase: out });
  });
}
