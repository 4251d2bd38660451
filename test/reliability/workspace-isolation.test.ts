// Workspace isolation held by the database, not only by the handlers' WHERE clauses: the
// state store on a real PostgreSQL server, owned by an ordinary role (a superuser would
// bypass row-level security), two workspaces with runs, phases, events, artifacts,
// deployments, datasets, connections, locks, tokens and audit entries, and the real
// `lakespec serve`. A credential limited to one workspace reads the other's rows through
// no API route and no worker; a query that forgets its workspace filter sees only its own;
// the owner's own session without a workspace set sees nothing (FORCE); and every table
// the application touches has its policy forced.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import { Auth } from '../../reconciler/api/auth.js';
import { type Executor, type State, Worker, desiredState, openState, plan } from '../../reconciler/index.js';
import { SYSTEM_TABLES, WORKSPACE_TABLES } from '../../reconciler/state/migrations/0010-forced-row-security.js';
import { type PostgresServer, startPostgres } from '../harness/postgres-server.js';
import { ROOT } from '../helpers/paths.js';
import { project } from '../helpers/specs.js';

const BIN = join(ROOT, 'bin', 'lakespec.js');
const ALPHA = 'ws_alpha';
const BRAVO = 'ws_bravo_7c1';
/** Any response that contains one of these (texts only the other workspace's rows hold) leaked a row. */
const BRAVO_MARKS = [`of ${BRAVO}`, `"workspace_id":"${BRAVO}"`, `"id":"${BRAVO}"`, `${BRAVO} admin`, `${BRAVO}_admin`];

let server: PostgresServer;
let ownerUrl = '';
let state: State;
let stateDir = '';
let serve: ChildProcess | undefined;
let base = '';
const tokens: Record<string, string> = {};
const bravo = { runs: [] as string[], phases: [] as string[], deployment: '', artifact: '' };
const alpha = { runs: [] as string[], artifact: '' };

/** Writes an event and an artifact whose bytes name the workspace (so each artifact is its own). */
const recording: Executor = {
  id: 'record',
  async execute(_input, ctx) {
    await ctx.event('NOTE', 'info', `note of ${ctx.claim.run.workspace_id}`);
    await ctx.artifact('out.txt', 'log', Buffer.from(`output of ${ctx.claim.run.workspace_id}`), 'text/plain');
    return { ok: true };
  },
};

async function seed(ws: string, runs: string[]): Promise<void> {
  const files = project().map((f) => (f.path === 'workspace.yaml' ? { ...f, text: f.text.replace('name: shop', `name: ${ws}`) } : f));
  const r = compile(files, { environment: 'dev', gitSha: 'a'.repeat(40), backends: ['duckdb'] });
  const desired = desiredState(r.ir!);
  const p = plan(desired, { tables: [], pipelines: [], connections: [] });
  const dep = await state.catalog.beginDeployment({ workspace: ws, environment: 'dev', gitSha: 'a'.repeat(40), manifestHash: r.manifest!.setHash, specHash: r.ir!.specHash, engine: 'duckdb', requester: `deployer of ${ws}`, plan: p, protected: false });
  await state.catalog.finishDeployment(dep, desired, p, new Set(p.stages.map((_, i) => i)));
  if (ws === BRAVO) bravo.deployment = dep;
  await state.catalog.audit(`auditor of ${ws}`, ws, 'test.note', `target of ${ws}`);
  await state.db.query('INSERT INTO apply_locks (workspace_id, environment, table_name, holder, expires_at) VALUES ($1, $2, $3, $4, now() + interval \'1 hour\')', [ws, 'dev', 'orders', `holder of ${ws}`]);
  for (let i = 0; i < 2; i++) {
    const run = await state.queue.createRun({ workspace: ws, environment: 'dev', specSlug: `slug of ${ws}`, gitSha: 'b'.repeat(40), trigger: 'test', requester: `requester of ${ws}`, phases: [{ name: 'only', executor: 'record', input: { of: ws } }] });
    runs.push(run.id);
  }
}

beforeAll(async () => {
  server = await startPostgres();
  // An ordinary role owns the state store: the policies apply to it (FORCE), as in production.
  await server.query(`CREATE ROLE lakespec_owner LOGIN PASSWORD 'owner' CREATEROLE`);
  await server.query('CREATE DATABASE iso OWNER lakespec_owner');
  ownerUrl = `postgres://lakespec_owner:owner@127.0.0.1:${server.port}/iso`;
  // serve shares the folder (its artifact bytes) with this process.
  stateDir = mkdtempSync(join(tmpdir(), 'lakespec-iso-'));
  state = await openState({ databaseUrl: ownerUrl, dir: stateDir });
  await seed(ALPHA, alpha.runs);
  await seed(BRAVO, bravo.runs);
  // One run of each workspace is worked on (events, artifacts, a claim); the other stays queued.
  const worker = new Worker(state.queue, [recording], { idleMs: 10 });
  for (const id of [alpha.runs[0]!, bravo.runs[0]!]) {
    while ((await state.queue.getRun(id))!.status !== 'succeeded') await worker.runOnce();
  }
  bravo.phases = (await state.queue.phases(bravo.runs[1]!)).map((p) => p.id).concat((await state.queue.phases(bravo.runs[0]!)).map((p) => p.id));
  bravo.artifact = (await state.queue.runArtifacts(bravo.runs[0]!))[0]!.sha256;
  alpha.artifact = (await state.queue.runArtifacts(alpha.runs[0]!))[0]!.sha256;
  await state.db.query(`INSERT INTO github_deliveries (delivery_id, event, payload, status) VALUES ('d-1', 'push', '{"repository": "${BRAVO}"}', 'done')`);
  const auth = new Auth(state.db);
  for (const role of ['viewer', 'operator', 'admin'] as const) tokens[role] = (await auth.createToken(`${ALPHA} ${role}`, role, { workspace: ALPHA })).token;
  tokens.global = (await auth.createToken('root', 'admin')).token;
  await auth.createToken(`${BRAVO} admin`, 'admin', { workspace: BRAVO });
  await auth.createUser(`${BRAVO}_admin`, 'a long enough password', 'admin', BRAVO);
  await auth.createUser(`${ALPHA}_admin`, 'a long enough password', 'admin', ALPHA);

  serve = spawn(process.execPath, [BIN, 'serve', '--database-url', ownerUrl, '--state', stateDir, '--port', '0', '--workers', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DATABASE_URL: '' } });
  let out = '';
  serve.stdout!.on('data', (c) => (out += c));
  serve.stderr!.on('data', (c) => (out += c));
  const end = Date.now() + 60_000;
  while (!/lakespec serve: (http:\/\/\S+)/.test(out)) {
    if (Date.now() > end || serve.exitCode !== null) throw new Error(`serve did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  base = /lakespec serve: (http:\/\/\S+)/.exec(out)![1]!;
}, 180_000);

afterAll(async () => {
  serve?.kill('SIGKILL');
  await state?.close();
  await server?.stop();
});

async function call(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(new URL(path, base), { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, text: await res.text() };
}

describe('workspace isolation under forced row-level security', () => {
  it("reads none of another workspace's rows through any API route, and changes none", async () => {
    const doc = (await (await fetch(new URL('/openapi.json', base))).json()) as { paths: Record<string, Record<string, unknown>> };
    const bravoEventsBefore = (await state.queue.events(bravo.runs[1]!)).length;
    let tried = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods)) {
        // Every path parameter names one of the other workspace's things.
        const filled = path
          .replace('{id}', path.includes('/phases/') ? bravo.phases[0]! : path.includes('/deployments/') ? bravo.deployment : bravo.runs[1]!)
          .replace('{sha256}', bravo.artifact)
          .replace('{workspace}', BRAVO)
          .replace('{environment}', 'dev')
          .replace('{name}', 'exports');
        for (const suffix of path.includes('{') || method !== 'get' ? [''] : ['', `?workspace=${BRAVO}`]) {
          const body = method === 'get' || method === 'delete' ? undefined : { worker: 'w', executors: ['record'], token: '00000000-0000-4000-8000-000000000000', type: 'NOTE', event_id: 'x', message: 'm', admin_reason: 'try', name: 'n', kind: 'log', content_base64: 'eA==', phase_id: bravo.phases[0], role: 'viewer', username: 'eve-the-attacker', password: 'long enough password', workspace: BRAVO };
          const r = await call(method.toUpperCase(), filled + suffix, tokens.admin!, body);
          tried++;
          // What the request itself named may be echoed back ("no run <id>"); nothing else of the other workspace may.
          let text = r.text;
          for (const asked of `${filled}${suffix}`.split(/[/?=]/).filter((x) => x.length > 8)) text = text.split(asked).join('');
          for (const mark of BRAVO_MARKS) expect(text, `${method} ${filled}${suffix} → ${r.status}`).not.toContain(mark);
          for (const id of [...bravo.runs, ...bravo.phases, bravo.deployment, bravo.artifact]) expect(text, `${method} ${filled}${suffix}`).not.toContain(id);
          if (path.includes('{')) expect([400, 403, 404, 409], `${method} ${filled}`).toContain(r.status);
        }
      }
    }
    expect(tried).toBeGreaterThan(20);
    // The other workspace's queued run is as it was: not cancelled, not rerun, no event added, not claimed.
    expect((await state.queue.getRun(bravo.runs[1]!))!.status).toBe('queued');
    expect(await state.queue.events(bravo.runs[1]!)).toHaveLength(bravoEventsBefore);
    expect((await state.queue.listRuns({ workspace: BRAVO, limit: 100 })).length).toBe(2);
    // The same routes do answer with the credential's own workspace.
    const runs = await call('GET', '/api/v1/runs', tokens.viewer!);
    expect(runs.status).toBe(200);
    expect(JSON.parse(runs.text).runs.map((r: { id: string }) => r.id).sort()).toEqual([...alpha.runs].sort());
    expect((await call('GET', `/api/v1/artifacts/${alpha.artifact}`, tokens.viewer!)).text).toBe(`output of ${ALPHA}`);
    const metrics = await call('GET', '/metrics', tokens.viewer!);
    expect(metrics.status).toBe(200);
    expect(metrics.text).not.toContain(BRAVO);
    expect((await call('GET', '/api/v1/audit', tokens.admin!)).text).not.toContain(`"workspace_id":"${BRAVO}"`);
    // A credential not limited to a workspace sees both.
    expect((await call('GET', '/api/v1/runs', tokens.global!)).text).toContain(BRAVO);
  }, 120_000);

  it("a worker limited to one workspace never claims or touches another's phases", async () => {
    const worker = new Worker(state.scoped(ALPHA).queue, [recording], { idleMs: 10 });
    while (await worker.runOnce());
    expect((await state.queue.getRun(alpha.runs[1]!))!.status).toBe('succeeded');
    expect((await state.queue.getRun(bravo.runs[1]!))!.status).toBe('queued');
    // What a claimed phase records goes through its own workspace's view: the other's run is not there.
    const view = state.queue.within(ALPHA);
    expect(await view.getRun(bravo.runs[1]!)).toBeUndefined();
    await expect(view.appendEvent(bravo.runs[1]!, { eventId: 'e', type: 'NOTE', message: 'forged' }, undefined)).rejects.toThrow(/no run|not found/i);
  }, 60_000);

  it('holds in the database: a query without a workspace filter sees only its own rows; the owner without one sees none', async () => {
    const mine = state.scoped(ALPHA).db;
    for (const t of [...WORKSPACE_TABLES, 'workspaces']) {
      const col = t === 'workspaces' ? 'id' : 'workspace_id';
      const rows = (await mine.query<{ ws: string | null }>(`SELECT DISTINCT ${col} AS ws FROM ${t}`)).rows.map((r) => r.ws);
      expect(rows.filter((w) => w !== ALPHA), t).toEqual([]);
      expect((await state.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t} WHERE ${col} = $1`, [BRAVO])).rows[0]!.n, `${t} seeded`).toBeGreaterThan(0);
    }
    for (const t of SYSTEM_TABLES) expect((await mine.query(`SELECT * FROM ${t}`)).rows, t).toEqual([]);
    expect((await state.db.query('SELECT 1 FROM github_deliveries')).rows).toHaveLength(1);
    const shas = (await mine.query<{ sha256: string }>('SELECT sha256 FROM run_artifacts')).rows.map((r) => r.sha256);
    expect(shas).toContain(alpha.artifact);
    expect(shas).not.toContain(bravo.artifact);
    // Writing into the other workspace is refused by the policy's check.
    await expect(mine.query("INSERT INTO audit_log (actor, workspace_id, action, target) VALUES ('x', $1, 'forged', 'x')", [BRAVO])).rejects.toThrow(/row-level security/);
    await expect(mine.query('UPDATE runs SET status = $1 WHERE workspace_id = $2', ['cancelled', BRAVO])).resolves.toMatchObject({ rowCount: 0 });
    // The application's role cannot erase history at all.
    for (const sql of ['TRUNCATE audit_log', 'TRUNCATE runs', 'DELETE FROM run_events', 'DROP TABLE runs']) await expect(state.db.query(sql), sql).rejects.toThrow(/permission denied|must be owner|append-only/);
    // The owner's session with no workspace set sees nothing: the policies are forced on it too.
    const owner = new pg.Client({ connectionString: ownerUrl });
    await owner.connect();
    try {
      expect((await owner.query('SELECT count(*)::int AS n FROM runs')).rows[0].n).toBe(0);
      const unforced = await owner.query(
        `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'schema_migrations' AND NOT (c.relrowsecurity AND c.relforcerowsecurity)`,
      );
      expect(unforced.rows.map((r) => r.relname)).toEqual([]);
      const unpolicied = await owner.query(`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'schema_migrations' AND NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid)`);
      expect(unpolicied.rows.map((r) => r.relname)).toEqual([]);
    } finally {
      await owner.end();
    }
  }, 60_000);
});
