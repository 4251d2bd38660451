// The ops HTTP API (Hono): the run contract for remote workers, reads of runs, phases,
// events, artifacts, deployments, datasets, workspaces and connections, connection tests,
// and token/user administration. Every route declares the least role it needs; anything
// not declared is denied. Every write goes to the audit log. The OpenAPI document is built
// from the same route table, so the two cannot drift apart. This file assembles the app
// (errors, logging, authentication, the shared checks); the routes are in run-routes.ts,
// catalog-routes.ts and admin-routes.ts.
import { Hono, type Context } from 'hono';
import { isUuid } from '../state/run-reads.js';
import type { ScopedState } from '../open-state.js';
import { StoreError } from '../state/db.js';
import { opsReads } from '../state/ops-reads.js';
import { adminRoutes } from './admin-routes.js';
import { type Principal, type Role, roleAtLeast } from './auth.js';
import { readBoundedBody } from './bounded-body.js';
import { catalogRoutes } from './catalog-routes.js';
import { DenialAudit } from './denial-audit.js';
import { renderMetrics } from './metrics.js';
import { type Env, type Handler, HttpError, type OpsApiOptions, type OpsKit } from './ops-kit.js';

export type { OpsApiOptions } from './ops-kit.js';
import { buildOpenApi, type RouteDoc } from './openapi.js';
import { runRoutes } from './run-routes.js';



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

  // The route groups, in the order the OpenAPI document lists them.
  const kit: OpsKit = { o, route, body, audit, visibleRun, visiblePhase, scopeWorkspace, assertProtectedRun, leaseOf, param, str };
  runRoutes(kit);
  catalogRoutes(kit);
  adminRoutes(kit);

  // Deny by default: any other path or method.
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));
  return { app, routes };
}

/** The peer address of the request, when the Node server gives it (@hono/node-server sets env.incoming). */
function remoteAddress(c: Context<Env>): string | undefined {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress;
}
