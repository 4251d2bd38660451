// The ops HTTP API (Hono): the run contract for remote workers, reads of runs, phases,
// events, artifacts, deployments, datasets, workspaces and connections, connection tests,
// and token/user administration. Every route declares the least role it needs; anything
// not declared is denied. Every write goes to the audit log. The OpenAPI document is built
// from the same route table, so the two cannot drift apart.
import { Hono, type Context } from 'hono';
import type { Logger } from 'pino';
import { isUuid } from '../runs/run-queue.js';
import { isLifecycleEvent } from '../runs/run-types.js';
import type { ScopedState, State } from '../open-state.js';
import { StoreError } from '../state/db.js';
import { opsReads } from '../state/ops-reads.js';
import { type Auth, type Principal, type Role, ROLES, roleAtLeast } from './auth.js';
import { readBoundedBody } from './bounded-body.js';
import { DenialAudit } from './denial-audit.js';
import { testConnection } from './connection-test.js';
import { renderMetrics } from './metrics.js';
import { buildOpenApi, type RouteDoc } from './openapi.js';

type Env = { Variables: { principal: Principal } };
/** `s`: the stores as the principal's workspace sees them (row-level security holds on every statement). */
type Handler = (c: Context<Env>, p: Principal, s: ScopedState) => Promise<Response>;

export interface OpsApiOptions {
  state: State;
  auth: Auth;
  log: Logger;
  version: string;
  env?: NodeJS.ProcessEnv;
}

class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 408 | 409 | 413 | 503,
    message: string,
  ) {
    super(message);
  }
}

export function createOpsApi(o: OpsApiOptions): { app: Hono<Env>; routes: RouteDoc[] } {
  const app = new Hono<Env>();
  const routes: RouteDoc[] = [];
  // The server's own records (audit, denials) go through the store as a whole; everything a
  // request reads or changes goes through its principal's workspace (route() below).
  const { catalog } = o.state;

  const denials = new DenialAudit((d, suppressed) =>
    catalog.audit(d.actor, d.workspace, 'request.denied', `${d.method} ${d.path}`, { status: d.status, reason: d.reason, ...(suppressed > 0 ? { suppressed_since_last: suppressed } : {}) }),
  );
  const deny = async (c: Context<Env>, status: 401 | 403, reason: string, p?: Principal) => {
    // The peer address, not X-Forwarded-For: a header the sender chooses would let it pick a fresh name for every request.
    const actor = p?.name ?? `anonymous@${remoteAddress(c) ?? 'unknown'}`;
    const forwarded = c.req.header('x-forwarded-for');
    o.log.warn({ method: c.req.method, path: c.req.path, status, caller: actor, ...(forwarded ? { forwarded_for: forwarded } : {}), reason }, 'request refused');
    await denials.record({ actor, workspace: p?.workspace ?? null, method: c.req.method, path: c.req.path, status, reason: forwarded ? `${reason} (forwarded for ${forwarded.slice(0, 200)})` : reason });
  };

  app.onError(async (err, c) => {
    if (err instanceof HttpError) {
      if (err.status === 403) await deny(c, 403, err.message, c.get('principal'));
      return c.json({ error: err.message }, err.status);
    }
    if (err instanceof StoreError) {
      const status = { conflict: 409, not_found: 404, invalid: 400, forbidden: 403 }[err.code] as 409 | 404 | 400 | 403;
      return c.json({ error: err.message }, status);
    }
    // Internals (and anything they might quote) stay in the log.
    o.log.error({ err: { message: err.message, stack: err.stack }, path: c.req.path }, 'request failed');
    return c.json({ error: 'internal error' }, 500);
  });

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    o.log.info({ method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started), principal: c.get('principal')?.name }, 'request');
  });

  const open = (method: 'get', path: string, summary: string, h: (c: Context<Env>) => Promise<Response> | Response) => {
    routes.push({ method, path, summary, role: null });
    app[method](path, h);
  };

  /** Registers a route with its least role. Authentication and authorisation happen before the handler. */
  const route = (method: 'get' | 'post' | 'delete', path: string, role: Role, summary: string, h: Handler, extra: Partial<RouteDoc> = {}) => {
    routes.push({ method, path, summary, role, ...extra });
    app[method](path, async (c) => {
      const p = await o.auth.authenticate(c.req.header('authorization'));
      if (!p) {
        await deny(c, 401, c.req.header('authorization') ? 'credentials not accepted' : 'no credentials');
        return c.json({ error: 'authentication required: send Authorization: Bearer <token> or Basic credentials' }, 401, { 'WWW-Authenticate': 'Bearer, Basic realm="lakespec"' });
      }
      c.set('principal', p);
      if (!roleAtLeast(p.role, role)) {
        await deny(c, 403, `needs the ${role} role; has ${p.role}`, p);
        return c.json({ error: `this needs the ${role} role; you are ${p.role}` }, 403);
      }
      return h(c, p, o.state.scoped(p.workspace));
    });
  };

  const audit = (p: Principal, workspace: string | null, action: string, target: string, details: Record<string, unknown> = {}) => catalog.audit(p.name, workspace, action, target, details);
  /** A JSON body of at most `maxBytes` (1 MB; artifacts more), read only after authentication. */
  const body = async <T>(c: Context<Env>, maxBytes = 1024 * 1024): Promise<T> => {
    const read = await readBoundedBody(c.req.raw, { maxBytes, timeoutMs: 60_000 });
    if (!read.ok) throw new HttpError(read.status, read.error);
    try {
      return JSON.parse(read.bytes.toString('utf8')) as T;
    } catch {
      throw new HttpError(400, 'the body must be JSON');
    }
  };
  /** A run the principal may see; another workspace's run is "not found" (its existence is not revealed). */
  const visibleRun = async (s: ScopedState, p: Principal, id: string) => {
    const run = isUuid(id) ? await s.queue.getRun(id) : undefined;
    if (!run || (p.workspace !== null && run.workspace_id !== p.workspace)) throw new HttpError(404, `no run ${id}`);
    return run;
  };
  const visiblePhase = async (s: ScopedState, p: Principal, id: string) => {
    const r = isUuid(id) ? await opsReads.phaseOwner(s.db, id) : undefined;
    if (!r || (p.workspace !== null && r.workspace_id !== p.workspace)) throw new HttpError(404, `no phase ${id}`);
    return r;
  };
  const scopeWorkspace = (p: Principal, requested: string | undefined): string | undefined => {
    if (p.workspace === null) return requested;
    if (requested !== undefined && requested !== p.workspace) throw new HttpError(403, `this credential is limited to workspace ${p.workspace}`);
    return p.workspace;
  };
  /**
   * A protected environment runs only the commit last applied to it (from its default
   * branch). An admin may break glass with a reason, which is audited.
   */
  const assertProtectedRun = async (s: ScopedState, p: Principal, workspace: string, environment: string, gitSha: string, breakGlass: unknown) => {
    const dep = await s.catalog.latestDeployment(workspace, environment);
    if (!dep?.protected || dep.git_sha === gitSha) return;
    const why = `environment ${environment} is protected: runs there use the commit applied to it from the default branch (${dep.git_sha.slice(0, 12)}), not ${gitSha.slice(0, 12)}`;
    if (breakGlass === undefined) throw new HttpError(403, `${why}. An admin can override this with "break_glass": { "reason": "…" } (audited).`);
    const reason = (breakGlass as { reason?: unknown } | null)?.reason;
    if (typeof reason !== 'string' || reason.trim().length === 0 || reason.length > 2000) throw new HttpError(400, 'break_glass must be { "reason": "why" } with a reason of at most 2000 characters');
    if (!roleAtLeast(p.role, 'admin')) throw new HttpError(403, `${why}; break_glass needs the admin role, you are ${p.role}`);
    await audit(p, workspace, 'protected.break_glass', `${environment}@${gitSha}`, { reason: reason.trim(), applied: dep.git_sha, commit: gitSha });
  };
  /**
   * The lease a run-contract write is made under. Without one, only an admin may write, with
   * a reason (audited), and only to a run that is not finished (the store refuses that).
   */
  const leaseOf = (p: Principal, b: { phase_id?: string; token?: string; admin_reason?: string }, what: string): { phaseId: string; token: string } | undefined => {
    if (b.phase_id && b.token) return { phaseId: str(b.phase_id, 'phase_id'), token: str(b.token, 'token') };
    if (b.admin_reason === undefined) throw new HttpError(400, `phase_id and token (the phase's lease) are required: ${what} are written by the worker that holds the phase (an admin may pass admin_reason instead)`);
    str(b.admin_reason, 'admin_reason', 2000);
    if (!roleAtLeast(p.role, 'admin')) throw new HttpError(403, `writing ${what} without a lease needs the admin role; you are ${p.role}`);
    return undefined;
  };
  const param = (c: Context<Env>, name: string): string => {
    const v = c.req.param(name);
    if (v === undefined) throw new HttpError(400, `missing path parameter ${name}`);
    return v;
  };
  const str = (v: unknown, name: string, max = 200): string => {
    if (typeof v !== 'string' || v.length === 0 || v.length > max) throw new HttpError(400, `${name} must be a non-empty string of at most ${max} characters`);
    return v;
  };

  // Open endpoints ---------------------------------------------------------------------------
  open('get', '/healthz', 'liveness and state store reachability', async (c) => {
    try {
      await opsReads.ping(o.state.db);
      return c.json({ status: 'ok' });
    } catch {
      return c.json({ status: 'unavailable', reason: 'state store unreachable' }, 503);
    }
  });

  open('get', '/openapi.json', 'this document', (c) => c.json(buildOpenApi(routes, o.version)));

  // Metrics count runs of every workspace: any token may scrape them (Prometheus sends it as a bearer token).
  route('get', '/metrics', 'viewer', 'Prometheus metrics (any API token; scrape with authorization credentials)', async (c, _p, s) => c.text(await renderMetrics(s.db), 200, { 'Content-Type': 'text/plain; version=0.0.4' }));

  // Runs ---------------------------------------------------------------------------------------
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

  // Artifacts and catalog reads ------------------------------------------------------------------
  route('get', '/api/v1/artifacts/:sha256', 'viewer', 'an artifact\'s bytes', async (c, p, s) => {
    const sha = param(c, 'sha256');
    if (!/^[0-9a-f]{64}$/.test(sha)) throw new HttpError(400, 'not a sha256 digest');
    const mediaType = await opsReads.artifactMediaType(s.db, sha, p.workspace);
    const bytes = mediaType ? await o.state.artifacts.get(sha) : undefined;
    if (!mediaType || !bytes) throw new HttpError(404, `no artifact ${sha}`);
    return c.body(Buffer.from(bytes), 200, { 'Content-Type': mediaType, ETag: `"${sha}"`, 'Cache-Control': 'public, max-age=31536000, immutable' });
  });
  route('get', '/api/v1/deployments', 'viewer', 'deployments (newest first)', async (c, p, s) => {
    return c.json({ deployments: await s.catalog.deployments(scopeWorkspace(p, c.req.query('workspace')), Math.min(1000, Number(c.req.query('limit') ?? 50) || 50)) });
  });
  route('get', '/api/v1/deployments/:id/plan', 'viewer', 'the plan (stages) a deployment applied', async (c, p, s) => {
    const id = param(c, 'id');
    const d = isUuid(id) ? await opsReads.deployment(s.db, id) : undefined;
    if (!d || (p.workspace !== null && d.workspace_id !== p.workspace)) throw new HttpError(404, `no deployment ${id}`);
    return c.json({ deployment: id, workspace: d.workspace_id, environment: d.environment, git_sha: d.git_sha, status: d.status, stages: d.stages });
  });
  route('get', '/api/v1/workspaces', 'viewer', 'workspaces', async (c, p, s) => {
    return c.json({ workspaces: await opsReads.workspaces(s.db, p.workspace) });
  });
  route('get', '/api/v1/datasets', 'viewer', 'the dataset catalog as applied', async (c, p, s) => {
    const ws = scopeWorkspace(p, c.req.query('workspace'));
    return c.json({ datasets: await opsReads.datasets(s.db, ws ?? null, c.req.query('environment') ?? null) });
  });
  route('get', '/api/v1/connections', 'viewer', 'connections (secret references only)', async (c, p, s) => {
    const ws = scopeWorkspace(p, c.req.query('workspace'));
    return c.json({ connections: await opsReads.connections(s.db, ws ?? null) });
  });
  route('post', '/api/v1/connections/:workspace/:environment/:name/test', 'operator', 'test a connection with its secrets resolved here', async (c, p, s) => {
    const ws = scopeWorkspace(p, param(c, 'workspace'))!;
    const row = await opsReads.connection(s.db, ws, param(c, 'environment'), param(c, 'name'));
    if (!row) throw new HttpError(404, `no connection ${param(c, 'name')} in ${ws}/${param(c, 'environment')}`);
    const result = await testConnection(row.type, row.config, o.env ?? process.env);
    await audit(p, ws, 'connection.test', `${ws}/${param(c, 'environment')}/${param(c, 'name')}`, { ok: result.ok });
    return c.json(result);
  });

  // Administration ------------------------------------------------------------------------------------
  route('get', '/api/v1/audit', 'admin', 'the audit log of the credential\'s workspace (all, for one not limited to a workspace), newest first', async (c, _p, s) => {
    return c.json({ audit: await opsReads.audit(s.db, Math.min(1000, Number(c.req.query('limit') ?? 100) || 100)) });
  });
  route('post', '/api/v1/tokens', 'admin', 'create an API token (returned once)', async (c, p) => {
    const b = await body<{ name?: string; role?: Role; workspace?: string | null; expires_in_seconds?: number }>(c);
    if (!b.role || !ROLES.includes(b.role)) throw new HttpError(400, `role must be one of ${ROLES.join(', ')}`);
    const t = await o.auth.createToken(str(b.name, 'name'), b.role, { workspace: scopeWorkspace(p, b.workspace ?? undefined) ?? null, ...(b.expires_in_seconds ? { expiresInSeconds: b.expires_in_seconds } : {}) });
    await audit(p, b.workspace ?? null, 'token.create', t.id, { name: b.name, role: b.role });
    return c.json(t, 201);
  });
  route('delete', '/api/v1/tokens/:id', 'admin', 'revoke an API token', async (c, p) => {
    const id = param(c, 'id');
    if (!isUuid(id) || !(await o.auth.revokeToken(id))) throw new HttpError(404, `no active token ${id}`);
    await audit(p, null, 'token.revoke', id);
    return c.json({ revoked: id });
  });
  route('post', '/api/v1/users', 'admin', 'create a local user', async (c, p) => {
    const b = await body<{ username?: string; password?: string; role?: Role; workspace?: string | null }>(c);
    if (!b.role || !ROLES.includes(b.role)) throw new HttpError(400, `role must be one of ${ROLES.join(', ')}`);
    let id: string;
    try {
      id = await o.auth.createUser(str(b.username, 'username'), str(b.password, 'password', 1000), b.role, scopeWorkspace(p, b.workspace ?? undefined) ?? null);
    } catch (e) {
      if (/unique/i.test((e as Error).message)) throw new HttpError(409, `user ${b.username} exists`);
      if (/at least 12/.test((e as Error).message)) throw new HttpError(400, (e as Error).message);
      throw e;
    }
    await audit(p, b.workspace ?? null, 'user.create', id, { username: b.username, role: b.role });
    return c.json({ id }, 201);
  });

  // Deny by default: any other path or method.
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));
  return { app, routes };
}

/** The peer address of the request, when the Node server gives it (@hono/node-server sets env.incoming). */
function remoteAddress(c: Context<Env>): string | undefined {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress;
}
