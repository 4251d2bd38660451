// The ops API over real HTTP on the PGlite store: every role against every endpoint (deny
// by default), expired and other-workspace tokens, the run contract for remote workers
// (409 for a stale token), the OpenAPI document covering every route, metrics, health, the
// audit log, and a canary secret that must never come back out.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Auth, type Role } from '../../reconciler/api/auth.js';
import { createOpsApi } from '../../reconciler/api/ops-api.js';
import type { RouteDoc } from '../../reconciler/api/openapi.js';
import { type State, desiredState, openState, plan, sleep } from '../../reconciler/index.js';
import { compile } from '../../compiler/index.js';
import { CONNECTION_WITH_CANARY, project } from '../helpers/specs.js';

const CANARY = 'canary-7f3a9c1e-never-print-me';
let state: State;
let base: string;
let routes: RouteDoc[];
let logs = '';
let close: () => void;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  state = await openState({ dir: mkdtempSync(join(tmpdir(), 'lakespec-api-')), queue: { leaseSeconds: 1, retryBaseMs: 1 } });
  const auth = new Auth(state.db);
  for (const role of ['viewer', 'operator', 'admin'] as Role[]) tokens[role] = (await auth.createToken(role, role)).token;
  tokens.scoped = (await auth.createToken('alpha-operator', 'operator', { workspace: 'alpha' })).token;
  tokens.expired = (await auth.createToken('old', 'admin', { expiresInSeconds: 1 })).token;
  const revoked = await auth.createToken('revoked', 'admin');
  await auth.revokeToken(revoked.id);
  tokens.revoked = revoked.token;
  await auth.createUser('alice', 'correct horse battery', 'operator');
  // A connection whose password reference resolves to the canary on this server.
  const r = compile(project({ 'connections.yaml': CONNECTION_WITH_CANARY }), { environment: 'dev', gitSha: 'f'.repeat(40), backends: ['duckdb'] });
  const desired = desiredState(r.ir!);
  const p = plan(desired, { tables: [], pipelines: [], connections: [] });
  const dep = await state.catalog.beginDeployment({ workspace: 'shop', environment: 'dev', gitSha: 'f'.repeat(40), manifestHash: r.manifest!.setHash, specHash: r.ir!.specHash, engine: 'duckdb', requester: 'test', plan: p, protected: false });
  await state.catalog.finishDeployment(dep, desired, p, new Set(p.stages.map((_, i) => i)));
  const log = pino({ redact: ['req.headers.authorization'] }, new Writable({ write: (chunk, _e, cb) => ((logs += chunk.toString()), cb()) }));
  const api = createOpsApi({ state, auth, log, version: 'test', env: { ...process.env, SHOP_DB_PASSWORD: CANARY } });
  routes = api.routes;
  await new Promise<void>((ready) => {
    const server = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      base = `http://127.0.0.1:${info.port}`;
      ready();
    });
    close = () => server.close();
  });
  await sleep(1100); // let the short-lived token expire
}, 60_000);

afterAll(async () => {
  close?.();
  await state?.close();
});

async function call(method: string, path: string, token?: string, body?: unknown, basic?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (basic) headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
  const res = await fetch(base + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

const runBody = (workspace = 'shop') => ({ workspace, environment: 'dev', spec_slug: 'shop/x', git_sha: 'a'.repeat(40), phases: [{ name: 'one', executor: 'remote', input: { q: 1 }, max_attempts: 2 }] });

describe('ops API', () => {
  it('checks every role against every endpoint: deny by default, least role allowed', async () => {
    const UUID = '00000000-0000-4000-8000-000000000000';
    const SHA = 'e'.repeat(64);
    const fill = (p: string) => p.replace(':id', UUID).replace(':sha256', SHA).replace(':workspace', 'shop').replace(':environment', 'dev').replace(':name', 'warehouse');
    const rank = { viewer: 0, operator: 1, admin: 2 } as const;
    const matrix: string[] = [];
    for (const r of routes.filter((x) => x.role !== null)) {
      const path = fill(r.path);
      const none = await call(r.method.toUpperCase(), path, undefined, r.method === 'get' ? undefined : {});
      expect(none.status, `${r.method} ${r.path} without credentials`).toBe(401);
      for (const bad of ['expired', 'revoked']) expect((await call(r.method.toUpperCase(), path, tokens[bad], r.method === 'get' ? undefined : {})).status, `${bad} token`).toBe(401);
      for (const role of ['viewer', 'operator', 'admin'] as const) {
        const res = await call(r.method.toUpperCase(), path, tokens[role], r.method === 'get' ? undefined : {});
        const allowed = rank[role] >= rank[r.role!];
        if (allowed) expect([200, 201, 204, 400, 404, 409], `${role} ${r.method} ${r.path}: ${res.text}`).toContain(res.status);
        else expect(res.status, `${role} ${r.method} ${r.path}`).toBe(403);
        matrix.push(`${role} ${r.method} ${r.path} ${allowed ? 'allow' : 'deny'}`);
      }
    }
    expect(matrix.length).toBe(routes.filter((x) => x.role !== null).length * 3);
    // Unknown routes are not found, whoever asks.
    expect((await call('GET', '/api/v1/secrets', tokens.admin)).status).toBe(404);
    expect((await call('PUT', '/api/v1/runs', tokens.admin, {})).status).toBe(404);
  });

  it('runs the executor contract over HTTP, refusing a stale token with 409', async () => {
    const created = await call('POST', '/api/v1/runs', tokens.operator, runBody());
    expect(created.status).toBe(201);
    const runId = created.json.run.id;
    const claim = (await call('POST', '/api/v1/claims', tokens.operator, { worker: 'remote-1', executors: ['remote'] })).json.claim;
    expect(claim.input).toEqual({ q: 1 });
    expect((await call('POST', '/api/v1/claims', tokens.operator, { worker: 'remote-2', executors: ['remote'] })).status).toBe(204);
    expect((await call('POST', `/api/v1/phases/${claim.phaseId}/heartbeat`, tokens.operator, { token: claim.token, message: 'working' })).status).toBe(200);
    const ev = { event_id: 'e-1', phase: 'one', type: 'PHASE_PROGRESS', message: 'half', phase_id: claim.phaseId, token: claim.token };
    expect((await call('POST', `/api/v1/runs/${runId}/events`, tokens.operator, ev)).status).toBe(201);
    expect((await call('POST', `/api/v1/runs/${runId}/events`, tokens.operator, ev)).json).toEqual({ created: false });
    const content = Buffer.from('rows: 3\n');
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update(content).digest('hex');
    const art = { phase: 'one', name: 'result.txt', kind: 'result', sha256: sha, content_base64: content.toString('base64'), phase_id: claim.phaseId, token: claim.token };
    // Writes without the lease are refused, and nobody forges the queue's own events.
    const { phase_id: _p, token: _t, ...noLease } = ev;
    expect((await call('POST', `/api/v1/runs/${runId}/events`, tokens.operator, { ...noLease, event_id: 'e-2' })).status).toBe(400);
    expect((await call('POST', `/api/v1/runs/${runId}/events`, tokens.operator, { ...noLease, event_id: 'e-3', admin_reason: 'note' })).status).toBe(403);
    expect((await call('POST', `/api/v1/runs/${runId}/events`, tokens.operator, { ...ev, event_id: 'e-4', type: 'RUN_FAILED' })).json.error).toContain('RUN_FAILED is written by the queue itself');
    expect((await call('POST', `/api/v1/runs/${runId}/events`, tokens.operator, { ...ev, event_id: 'e-5', token: '00000000-0000-4000-8000-000000000000' })).status).toBe(409);
    // Under a phase's lease an event is that phase's, whatever phase it names; a write record
    // (what a retry decides from) needs the lease, even from an admin.
    expect((await call('POST', `/api/v1/runs/${runId}/events`, tokens.operator, { ...ev, event_id: 'e-6', phase: 'another', type: 'PHASE_WRITE', payload: { key: 'k', attempt: 1, detail: {} } })).status).toBe(201);
    const written = (await call('GET', `/api/v1/runs/${runId}/events`, tokens.viewer)).json.events.find((e: { event_id: string }) => e.event_id === 'e-6');
    expect(written.phase).toBe('one');
    const adminWrite = await call('POST', `/api/v1/runs/${runId}/events`, tokens.admin, { ...noLease, event_id: 'e-7', type: 'PHASE_WRITE', admin_reason: 'skip the append' });
    expect(adminWrite.status).toBe(400);
    expect(adminWrite.json.error).toContain('PHASE_WRITE');
    expect((await call('POST', `/api/v1/runs/${runId}/artifacts`, tokens.operator, { ...art, phase_id: undefined, token: undefined })).status).toBe(400);
    expect((await call('POST', `/api/v1/runs/${runId}/artifacts`, tokens.operator, art)).status).toBe(201);
    expect((await call('POST', `/api/v1/runs/${runId}/artifacts`, tokens.operator, art)).status).toBe(200);
    const wrong = await call('POST', `/api/v1/runs/${runId}/artifacts`, tokens.operator, { ...art, name: 'x', content_base64: Buffer.from('other').toString('base64') });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error).toMatch(/not the declared/);
    const bytes = await fetch(`${base}/api/v1/artifacts/${sha}`, { headers: { authorization: `Bearer ${tokens.viewer}` } });
    expect(await bytes.text()).toBe('rows: 3\n');
    // Let the lease expire: the phase is claimed again, the old token gets 409 everywhere.
    await sleep(1200);
    const again = (await call('POST', '/api/v1/claims', tokens.operator, { worker: 'remote-2', executors: ['remote'] })).json.claim;
    expect(again.phaseId).toBe(claim.phaseId);
    for (const [path, body] of [
      [`/api/v1/phases/${claim.phaseId}/heartbeat`, { token: claim.token }],
      [`/api/v1/phases/${claim.phaseId}/complete`, { token: claim.token, output: {} }],
      [`/api/v1/phases/${claim.phaseId}/fail`, { token: claim.token, error: 'x' }],
    ] as const) expect((await call('POST', path, tokens.operator, body)).status, path).toBe(409);
    expect((await call('POST', `/api/v1/phases/${again.phaseId}/complete`, tokens.operator, { token: again.token, output: { rows: 3 } })).status).toBe(200);
    const run = (await call('GET', `/api/v1/runs/${runId}`, tokens.viewer)).json;
    expect(run.run.status).toBe('succeeded');
    // A finished run is immutable: no event (not even an admin's), no artifact with an old lease.
    expect((await call('POST', `/api/v1/runs/${runId}/events`, tokens.admin, { ...noLease, event_id: 'late-1', admin_reason: 'fix the record' })).status).toBe(409);
    expect((await call('POST', `/api/v1/runs/${runId}/events`, tokens.operator, { ...ev, event_id: 'late-2', phase_id: again.phaseId, token: again.token })).status).toBe(409);
    expect((await call('POST', `/api/v1/runs/${runId}/artifacts`, tokens.operator, { ...art, name: 'late.txt', phase_id: again.phaseId, token: again.token })).status).toBe(409);
    const events = (await call('GET', `/api/v1/runs/${runId}/events`, tokens.viewer)).json.events.map((e: { type: string }) => e.type);
    expect(events).toEqual(['RUN_CREATED', 'PHASE_CLAIMED', 'PHASE_PROGRESS', 'PHASE_PROGRESS', 'PHASE_WRITE', 'PHASE_LEASE_EXPIRED', 'PHASE_RETRY_SCHEDULED', 'PHASE_CLAIMED', 'PHASE_SUCCEEDED', 'RUN_SUCCEEDED']); // the lost worker is not a failed attempt: queued again
    // Local users authenticate with their password.
    expect((await call('GET', '/api/v1/runs', undefined, undefined, 'alice:correct horse battery')).status).toBe(200);
    expect((await call('GET', '/api/v1/runs', undefined, undefined, 'alice:wrong password!!')).status).toBe(401);
    // Every write is audited.
    const audit = (await call('GET', '/api/v1/audit', tokens.admin)).json.audit.map((a: { action: string }) => a.action);
    expect(audit).toEqual(expect.arrayContaining(['run.create', 'phase.claim', 'run.event', 'run.artifact', 'phase.complete']));
  });

  it('confines a workspace token to its workspace', async () => {
    const other = (await call('POST', '/api/v1/runs', tokens.operator, runBody('beta'))).json.run;
    expect((await call('GET', `/api/v1/runs/${other.id}`, tokens.scoped)).status).toBe(404);
    expect((await call('POST', `/api/v1/runs/${other.id}/cancel`, tokens.scoped, {})).status).toBe(404);
    expect((await call('POST', '/api/v1/runs', tokens.scoped, runBody('beta'))).status).toBe(403);
    expect((await call('GET', '/api/v1/runs?workspace=beta', tokens.scoped)).status).toBe(403);
    const mine = await call('POST', '/api/v1/runs', tokens.scoped, runBody('alpha'));
    expect(mine.status).toBe(201);
    const list = (await call('GET', '/api/v1/runs', tokens.scoped)).json.runs as { workspace_id: string }[];
    expect(new Set(list.map((r) => r.workspace_id))).toEqual(new Set(['alpha']));
    // Its claims only ever return its own workspace's phases.
    const claim = (await call('POST', '/api/v1/claims', tokens.scoped, { worker: 'w', executors: ['remote'] })).json.claim;
    expect(claim.run.workspace_id).toBe('alpha');
    expect((await call('POST', '/api/v1/claims', tokens.scoped, { worker: 'w', executors: ['remote'] })).status).toBe(204);
  });

  it('serves its OpenAPI document (covering every route), metrics and health', async () => {
    const doc = (await call('GET', '/openapi.json')).json;
    expect(doc.openapi).toBe('3.1.0');
    for (const r of routes) expect(doc.paths[r.path.replace(/:([a-z0-9_]+)/gi, '{$1}')]?.[r.method], `${r.method} ${r.path}`).toBeDefined();
    expect((await call('GET', '/metrics')).status).toBe(401);
    const metrics = (await call('GET', '/metrics', tokens.viewer)).text;
    expect(metrics).toMatch(/lakespec_runs\{status="succeeded"\} \d+/);
    expect(metrics).toContain('lakespec_queue_depth');
    expect(metrics).toMatch(/lakespec_lease_expiries_total [1-9]/);
    expect(metrics).toContain('lakespec_phase_duration_seconds_bucket{le="+Inf"}');
    expect((await call('GET', '/healthz')).json).toEqual({ status: 'ok' });
  });

  it('never lets the canary secret out: responses, events, artifacts, logs, errors', async () => {
    const conns = await call('GET', '/api/v1/connections', tokens.viewer);
    expect(conns.text).toContain('SHOP_DB_PASSWORD'); // the reference is there…
    const tested = await call('POST', '/api/v1/connections/shop/dev/warehouse/test', tokens.operator, {});
    expect(tested.status).toBe(200);
    expect(tested.json.ok).toBe(false); // nothing listens on that port
    const everything = [conns.text, tested.text];
    for (const path of ['/api/v1/runs', '/api/v1/deployments', '/api/v1/datasets', '/api/v1/workspaces', '/api/v1/audit', '/metrics']) everything.push((await call('GET', path, tokens.admin)).text);
    const runs = (await call('GET', '/api/v1/runs', tokens.admin)).json.runs as { id: string }[];
    for (const r of runs) {
      everything.push((await call('GET', `/api/v1/runs/${r.id}/events`, tokens.admin)).text);
      everything.push((await call('GET', `/api/v1/runs/${r.id}/artifacts`, tokens.admin)).text);
    }
    const dump = (await state.db.query<{ t: string }>(`SELECT string_agg(t::text, ' ') AS t FROM (SELECT to_jsonb(c)::text AS t FROM connections c UNION ALL SELECT to_jsonb(e)::text FROM run_events e UNION ALL SELECT to_jsonb(a)::text FROM audit_log a UNION ALL SELECT to_jsonb(d)::text FROM deployments d) x`)).rows[0]!.t;
    everything.push(dump, logs);
    for (const text of everything) expect(text).not.toContain(CANARY);
    expect(logs).not.toContain(tokens.admin!);
  });

  it('runs a protected environment only at its applied commit; an admin breaks glass with a reason, audited', async () => {
    const applied = 'c'.repeat(40);
    const r = compile(project({}), { environment: 'dev', gitSha: applied, backends: ['duckdb'] });
    const desired = desiredState(r.ir!);
    const p = plan(desired, { tables: [], pipelines: [], connections: [] });
    const dep = await state.catalog.beginDeployment({ workspace: 'shop', environment: 'prod', gitSha: applied, manifestHash: r.manifest!.setHash, specHash: r.ir!.specHash, engine: 'duckdb', requester: 'test', plan: p, protected: true });
    await state.catalog.finishDeployment(dep, desired, p, new Set(p.stages.map((_, i) => i)));
    const prodRun = (sha: string, extra: object = {}) => ({ ...runBody(), environment: 'prod', git_sha: sha, ...extra });

    const other = await call('POST', '/api/v1/runs', tokens.operator, prodRun('d'.repeat(40)));
    expect(other.status).toBe(403);
    expect(other.json.error).toContain(`environment prod is protected: runs there use the commit applied to it from the default branch (${applied.slice(0, 12)}), not dddddddddddd`);
    const notAdmin = await call('POST', '/api/v1/runs', tokens.operator, prodRun('d'.repeat(40), { break_glass: { reason: 'hotfix' } }));
    expect(notAdmin.status).toBe(403);
    expect(notAdmin.json.error).toContain('break_glass needs the admin role');
    expect((await call('POST', '/api/v1/runs', tokens.admin, prodRun('d'.repeat(40), { break_glass: {} }))).status).toBe(400);

    const same = await call('POST', '/api/v1/runs', tokens.operator, prodRun(applied));
    expect(same.status).toBe(201);
    const glass = await call('POST', '/api/v1/runs', tokens.admin, prodRun('d'.repeat(40), { break_glass: { reason: 'INC-7 rerun of a fix' } }));
    expect(glass.status).toBe(201);
    // A rerun of the break-glass run is refused like a new one (its commit is not the applied one).
    expect((await call('POST', `/api/v1/runs/${glass.json.run.id}/rerun`, tokens.operator, {})).status).toBe(403);
    expect((await call('POST', `/api/v1/runs/${same.json.run.id}/rerun`, tokens.operator, {})).status).toBe(201);
    const audit = (await call('GET', '/api/v1/audit', tokens.admin)).json.audit as { action: string; actor: string; details: Record<string, unknown> }[];
    expect(audit.filter((e) => e.action === 'protected.break_glass')).toEqual([expect.objectContaining({ actor: 'token:admin', details: { reason: 'INC-7 rerun of a fix', applied, commit: 'd'.repeat(40) } })]);
  });

  it('audits refused requests with who, what and why, at most 10 a minute per caller, and names the caller in the log', async () => {
    const curious = (await new Auth(state.db).createToken('curious', 'viewer')).token;
    expect((await call('GET', '/api/v1/audit', curious)).status).toBe(403);
    // A flood of made-up tokens from one address, each with another X-Forwarded-For (which must not count as another caller).
    for (let i = 0; i < 40; i++) {
      const res = await fetch(`${base}/api/v1/runs`, { method: 'POST', headers: { authorization: 'Bearer lks_made_up', 'x-forwarded-for': `10.0.0.${i}` }, body: '{}' });
      expect(res.status).toBe(401);
    }
    const rows = (await state.db.query<{ actor: string; target: string; details: { status: number; reason: string } }>("SELECT actor, target, details FROM audit_log WHERE action = 'request.denied' ORDER BY seq")).rows;
    expect(rows.filter((r) => r.actor === 'token:curious')).toEqual([{ actor: 'token:curious', target: 'GET /api/v1/audit', details: { status: 403, reason: 'needs the admin role; has viewer' } }]);
    // Every refusal of this file from 127.0.0.1 (the role matrix's too) shares one limit: at most 10 entries a minute.
    const anonymous = rows.filter((r) => r.actor === 'anonymous@127.0.0.1');
    expect(anonymous.length).toBeGreaterThan(0);
    expect(anonymous.length).toBeLessThanOrEqual(20);
    expect(rows.some((r) => r.actor.includes('10.0.0.'))).toBe(false);
    expect(logs).toMatch(/"caller":"token:curious"/);
    expect(logs).toMatch(/"caller":"anonymous@127\.0\.0\.1","forwarded_for":"10\.0\.0\.39"/);
  });
});
