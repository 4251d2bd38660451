// The reconciler against the real engines: plan and apply examples/finance on Trino 476 +
// Iceberg with the state in a real PostgreSQL, evolve a table, check drift, and run the
// Trino pipelines through the run queue with the SQL executor. The output hashes of every
// phase equal those of the same phases on the embedded DuckDB.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import {
  type CatalogState,
  CatalogStore,
  LeaseLostError,
  type Db,
  DuckDbEngine,
  LocalArtifactStore,
  RunQueue,
  type SqlEngine,
  SqlStepExecutor,
  TrinoEngine,
  Worker,
  applyPlan,
  desiredState,
  detectDrift,
  migrate,
  openPglite,
  openPostgres,
  plan,
  runExtract,
  runPhases,
  stageColumn,
} from '../../reconciler/index.js';
import { readSpecFiles } from '../../spec/index.js';
import { useTrino } from '../harness/trino-suite.js';
import { splitSql } from '../helpers/split-sql.js';
import { runTrinoStep, trinoPlans } from '../helpers/trino-pipelines.js';
import { EXAMPLES, ROOT } from '../helpers/paths.js';
import { recordingContext } from '../helpers/phase-context.js';
import { runCli } from '../helpers/run-cli.js';

const root = join(EXAMPLES, 'finance');
const suite = useTrino(['dev_lakehouse']);

async function applyAndRun(db: Db, engine: SqlEngine, files = readSpecFiles(root).files) {
  await migrate(db);
  const store = new CatalogStore(db);
  const queue = new RunQueue(db, new LocalArtifactStore(mkdtempSync(join(tmpdir(), 'lakespec-trino-art-'))));
  const r = compile(files, { environment: 'dev', gitSha: 'd'.repeat(40), backends: [engine.id] });
  const ir = r.ir!;
  const desired = desiredState(ir);
  const applied: CatalogState = await store.applied(ir.workspace, 'dev');
  const live = await engine.liveTables(['dev_lakehouse']);
  const p = plan(desired, applied, { live });
  await applyPlan(store, engine, { ir, desired, applied, plan: p, manifestHash: r.manifest!.setHash, requester: 'tests', holder: 'tests' });
  const names = ['erp_ingest', 'sales_silver'];
  const run = await queue.createRun({ workspace: ir.workspace, environment: 'dev', specSlug: 'finance/trino', gitSha: ir.gitSha, trigger: 'test', requester: 'tests', phases: runPhases(ir, r.artifacts, engine.id, names) });
  const worker = new Worker(queue, [new SqlStepExecutor({ engine, filesRoot: root })], { idleMs: 10 });
  while (await worker.runOnce());
  return { plan: p, run: (await queue.getRun(run.id))!, phases: await queue.phases(run.id), store, ir };
}

describe('reconciler on Trino + Iceberg with PostgreSQL state', () => {
  it('works from the CLI: plan, apply, run, runs and drift against Trino and PostgreSQL', async () => {
    await suite.pg.createDatabase('cli_state');
    const base = ['--env', 'prod', '--engine', 'trino', '--trino-url', `http://127.0.0.1:${suite.trino.port}`, '--database-url', suite.pg.url('cli_state'), '--git-sha', 'ab'.repeat(20)];
    // prod is protected and --git-sha is not the checkout: refused before Trino is asked.
    const refused = await runCli(['apply', root, ...base], ROOT);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('environment prod is protected');
    // Past the guard (break-glass), prod's catalog is not configured on this Trino: a clear
    // error, nothing applied.
    const missing = await runCli(['apply', root, ...base, '--break-glass', '--reason', 'engine test: prod catalog missing'], ROOT);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr + missing.stdout).toContain('Trino has no catalog prod_lakehouse');
    const dev = base.map((a) => (a === 'prod' ? 'dev' : a));
    const plan1 = await runCli(['plan', root, ...dev], ROOT);
    expect(plan1.code).toBe(0);
    expect(plan1.stdout).toMatch(/Plan: \d+ to create/);
    const apply = await runCli(['apply', root, ...dev], ROOT);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('on trino; deployment');
    const run = await runCli(['run', 'erp_ingest,sales_silver', root, ...dev], ROOT);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toMatch(/✔ sales_silver\.invoices\s+30 rows/);
    const runs = await runCli(['runs', '--database-url', suite.pg.url('cli_state'), '--json'], ROOT);
    expect(JSON.parse(runs.stdout).runs[0]).toMatchObject({ status: 'succeeded', git_sha: 'ab'.repeat(20) });
    const drift = await runCli(['drift', root, ...dev], ROOT);
    expect(drift.stdout).toContain('No drift');
    expect((await runCli(['plan', root, ...dev], ROOT)).stdout).toContain('No changes.');
  }, 600_000);

  it('applies, runs the Trino pipelines with equal hashes to DuckDB, evolves and reports drift', async () => {
    await suite.pg.createDatabase('state');
    const db = openPostgres(suite.pg.url('state'));
    const engine = new TrinoEngine({ server: `http://127.0.0.1:${suite.trino.port}` });
    try {
      const t = await applyAndRun(db, engine);
      expect(t.plan.summary.create).toBeGreaterThan(13);
      expect(t.run.error).toBeNull();
      expect(t.run.status).toBe('succeeded');
      expect(t.phases).toHaveLength(10);

      const local = await openPglite(undefined);
      const duck = await DuckDbEngine.open({ filesRoot: root });
      try {
        const d = await applyAndRun(local, duck);
        const hashes = (x: typeof t) => Object.fromEntries(x.phases.map((p) => [p.name, (p.output as { rows: number; hash: string }).hash]));
        expect(hashes(t)).toEqual(hashes(d));
      } finally {
        await duck.close();
        await local.close();
      }

      // Evolve: a new nullable column on a silver table is an ALTER on Iceberg, recorded.
      const files = readSpecFiles(root).files.map((f) =>
        f.path === 'datasets/silver.yaml' ? { ...f, text: f.text.replace('    - { name: country_code, type: varchar, description: "ISO 3166-1 alpha-2, upper case." }', '    - { name: country_code, type: varchar, description: "ISO 3166-1 alpha-2, upper case." }\n    - { name: segment, type: varchar }') } : f,
      );
      expect(files.find((f) => f.path === 'datasets/silver.yaml')!.text).toContain('segment');
      const r = compile(files, { environment: 'dev', gitSha: 'e'.repeat(40), backends: ['trino'] });
      const desired = desiredState(r.ir!);
      const applied = await t.store.applied('finance', 'dev');
      const p = plan(desired, applied, { live: await engine.liveTables(['dev_lakehouse']) });
      expect(p.stages.map((s) => `${s.kind}:${s.target}${stageColumn(s) ? '.' + stageColumn(s) : ''}`)).toEqual(['add_column:partners.segment', 'replace_pipeline:sales_silver']);
      await applyPlan(t.store, engine, { ir: r.ir!, desired, applied, plan: p, manifestHash: r.manifest!.setHash, requester: 'tests', holder: 'tests' });
      const live = await engine.liveTables(['dev_lakehouse']);
      expect(live.find((x) => x.physical.table === 'partners')!.columns.map((c) => c.name)).toContain('segment');
      const nowApplied = await t.store.applied('finance', 'dev');
      expect(detectDrift(nowApplied, live, engine.backend.dialect)).toEqual([]);
      // A column dropped behind lakespec's back is drift.
      await engine.run('ALTER TABLE "dev_lakehouse"."finance_silver"."partners" DROP COLUMN "segment"');
      const drift = detectDrift(nowApplied, await engine.liveTables(['dev_lakehouse']), engine.backend.dialect);
      expect(drift.map((x) => `${x.kind} ${x.column}`)).toEqual(['missing_column segment']);
    } finally {
      await db.close();
    }
  }, 600_000);

  it('an aborted statement is cancelled on the Trino server, not left running', async () => {
    const engine = new TrinoEngine({ server: `http://127.0.0.1:${suite.trino.port}` });
    const abort = new AbortController();
    const sql = 'SELECT count(*) AS n FROM tpch.sf10000.lineitem WHERE comment LIKE \'%lakespec-cancel-probe%\'';
    const started = Date.now();
    setTimeout(() => abort.abort(new Error('timed out after 2 s')), 2000);
    await expect(engine.run(sql, abort.signal)).rejects.toThrow('timed out after 2 s');
    expect(Date.now() - started).toBeLessThan(5_000);
    // Trino lists the query as failed by the user's cancel within a few seconds.
    let state: unknown[][] = [];
    for (let i = 0; i < 50; i++) {
      state = await engine.rows("SELECT state, error_code FROM system.runtime.queries WHERE query LIKE '%lakespec-cancel-probe%' AND query NOT LIKE '%system.runtime.queries%'");
      if (state.length > 0 && state.every((r) => r[0] === 'FAILED')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(state).toEqual([['FAILED', 'USER_CANCELED']]);
  });

  it('ingests Parquet and JSON files into Trino + Iceberg (what validate accepts for Trino runs on it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lakespec-formats-'));
    mkdirSync(join(dir, 'data'));
    // The files, written by DuckDB: 1 000 rows with a timestamp, a decimal, a NULL and a quote.
    const duck = await DuckDbEngine.open({ filesRoot: dir });
    const rows = "SELECT i::BIGINT AS id, 'name ' || i || CASE WHEN i % 7 = 0 THEN ' O''Brien' ELSE '' END AS name, CASE WHEN i % 5 = 0 THEN NULL ELSE (i * 1.25)::DECIMAL(12,2) END AS amount, TIMESTAMP '2026-01-01 00:00:00' + to_minutes(i::BIGINT) AS at FROM range(1000) t(i)";
    await duck.run(`COPY (${rows}) TO '${join(dir, 'data', 'rows.parquet')}' (FORMAT parquet)`);
    await duck.run(`COPY (${rows}) TO '${join(dir, 'data', 'rows.json')}' (FORMAT json)`);
    const expected = await duck.rows(`SELECT count(*), count(amount), sum(amount)::VARCHAR, max("at")::VARCHAR, count(*) FILTER (WHERE name LIKE '%O''Brien') FROM (${rows})`);
    await duck.close();
    const spec = (format: string) => `apiVersion: lakespec.dev/v1
kind: Connection
metadata: { name: drop_${format} }
spec: { type: files, path: data, format: ${format} }
---
apiVersion: lakespec.dev/v1
kind: Dataset
metadata: { name: raw_${format} }
spec:
  layer: bronze
  columns:
    - { name: id, type: bigint }
    - { name: name, type: varchar }
    - { name: amount, type: "decimal(12,2)" }
    - { name: at, type: timestamp(6) }
---
apiVersion: lakespec.dev/v1
kind: Pipeline
metadata: { name: load_${format} }
spec:
  engine: trino
  steps:
    - { name: load, type: ingest, from: { connection: drop_${format}, path: rows.${format} }, into: raw_${format}, mode: full }
`;
    const files = [
      { path: 'workspace.yaml', text: 'apiVersion: lakespec.dev/v1\nkind: Workspace\nmetadata: { name: formats }\nspec: { catalog: lakehouse, environments: { dev: {} } }\n' },
      { path: 'parquet.yaml', text: spec('parquet') },
      { path: 'json.yaml', text: spec('json') },
    ];
    const r = compile(files, { environment: 'dev', gitSha: 'abc1234', backends: ['trino'] });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    for (const a of r.artifacts.filter((x) => x.kind === 'trino.ddl')) for (const stmt of splitSql(a.content)) await suite.trino.query(stmt);
    for (const format of ['parquet', 'json']) {
      const plan = trinoPlans(r.artifacts).find((p) => p.pipeline === `load_${format}`)!;
      for (const step of plan.steps) await runTrinoStep(suite.trino, step, dir);
      const t = r.ir!.tables.find((x) => x.name === `raw_${format}`)!;
      const got = await suite.trino.query(
        `SELECT count(*), count(amount), CAST(sum(amount) AS varchar), CAST(max("at") AS varchar), count_if(name LIKE '%O''Brien') FROM "${t.physical.catalog}"."${t.physical.schema}"."${t.physical.table}"`,
      );
      const [n, amounts, sum, max, quoted] = got.rows[0]!;
      const [en, eamounts, esum, emax, equoted] = expected[0]!;
      expect([Number(n), Number(amounts), String(sum), String(max).slice(0, 19), Number(quoted)], format).toEqual([Number(en), Number(eamounts), String(esum), String(emax).slice(0, 19), Number(equoted)]);
    }
  });
  it('renames keep the rows on Trino + Iceberg: a table and a column (renamedFrom), then into another schema', async () => {
    await suite.pg.createDatabase('renames');
    const db = openPostgres(suite.pg.url('renames'));
    const engine = new TrinoEngine({ server: `http://127.0.0.1:${suite.trino.port}` });
    try {
      await migrate(db);
      const store = new CatalogStore(db);
      const dataset = (name: string, layer: string, renamed: string) => `apiVersion: lakespec.dev/v1
kind: Dataset
metadata: { name: ${name} }
spec:
  layer: ${layer}
${renamed}  columns:
    - { name: id, type: bigint, nullable: false }
    - { name: ${renamed ? 'label' : 'name'}, type: varchar${renamed ? ', renamedFrom: name' : ''} }
`;
      const version = (name: string, layer: string, renamed: string) => {
        const r = compile([{ path: 'workspace.yaml', text: 'apiVersion: lakespec.dev/v1\nkind: Workspace\nmetadata: { name: renames }\nspec: { catalog: lakehouse, environments: { dev: {} } }\n' }, { path: 'd.yaml', text: dataset(name, layer, renamed) }], { environment: 'dev', gitSha: 'abc1234', backends: ['trino'] });
        expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        return { ir: r.ir!, desired: desiredState(r.ir!), manifestHash: r.manifest!.setHash };
      };
      const apply = async (v: ReturnType<typeof version>) => {
        const applied = await store.applied('renames', 'dev');
        const p = plan(v.desired, applied, { live: await engine.liveTables(['dev_lakehouse']) });
        await applyPlan(store, engine, { ir: v.ir, desired: v.desired, applied, plan: p, manifestHash: v.manifestHash, requester: 'tests', holder: 'tests' });
        return p.stages.map((x) => x.kind);
      };
      await apply(version('things', 'silver', ''));
      await suite.trino.query(`INSERT INTO dev_lakehouse.renames_silver.things VALUES (1, 'O''Brien'), (2, NULL)`);
      expect(await apply(version('items', 'silver', '  renamedFrom: things\n'))).toEqual(['rename_table', 'rename_column']);
      const kept = await suite.trino.query('SELECT id, label FROM dev_lakehouse.renames_silver.items ORDER BY id');
      expect(kept.rows).toEqual([[1, "O'Brien"], [2, null]]);
      expect((await engine.liveTables(['dev_lakehouse'])).filter((t) => t.physical.schema.startsWith('renames_')).map((t) => t.physical.table)).toEqual(['items']);
      // Another layer is another schema: copied, and the old table dropped.
      expect(await apply(version('items_gold', 'gold', '  renamedFrom: items\n'))).toEqual(['create_schema', 'copy_table']);
      expect((await suite.trino.query('SELECT id, label FROM dev_lakehouse.renames_gold.items_gold ORDER BY id')).rows).toEqual([[1, "O'Brien"], [2, null]]);
      expect((await engine.liveTables(['dev_lakehouse'])).filter((t) => t.physical.schema.startsWith('renames_')).map((t) => `${t.physical.schema}.${t.physical.table}`)).toEqual(['renames_gold.items_gold']);
    } finally {
      await db.close();
    }
  }, 300_000);
  it('a worker that lost its lease runs no further statement on Trino: the fence is checked before each one', async () => {
    await suite.pg.createDatabase('fence');
    const db = openPostgres(suite.pg.url('fence'));
    const engine = new TrinoEngine({ server: `http://127.0.0.1:${suite.trino.port}` });
    try {
      await migrate(db);
      const store = new CatalogStore(db);
      const r = compile(readSpecFiles(root).files, { environment: 'dev', gitSha: 'f'.repeat(40), backends: ['trino'] });
      const desired = desiredState(r.ir!);
      const applied = await store.applied('finance', 'dev');
      const p = plan(desired, applied, { live: await engine.liveTables(['dev_lakehouse']) });
      await applyPlan(store, engine, { ir: r.ir!, desired, applied, plan: p, manifestHash: r.manifest!.setHash, requester: 'tests', holder: 'tests' });
      // A silver step: several statements, each a side effect of its own on Trino (no transactions).
      const phase = runPhases(r.ir!, r.artifacts, 'trino', ['sales_silver']).find((x) => x.name === 'sales_silver.partners')!;
      const ran: string[] = [];
      const spy = Object.create(engine) as TrinoEngine;
      spy.run = async (sql: string, signal?: AbortSignal) => (ran.push(sql), engine.run(sql, signal));
      let fences = 0;
      const ctx = { ...recordingContext({ phase: phase.name }), fence: async () => {
        // The lease is lost after the first statement (a worker paused past it, or partitioned away).
        if (++fences > 1) throw new LeaseLostError('lease lost');
      } };
      const actions = (phase.input as { step: { actions: unknown[] } }).step.actions.length;
      expect(actions).toBeGreaterThan(1);
      await expect(new SqlStepExecutor({ engine: spy, filesRoot: root }).execute(phase.input, ctx)).rejects.toBeInstanceOf(LeaseLostError);
      expect(ran).toHaveLength(1);
    } finally {
      await db.close();
    }
  }, 300_000);
  it('loads files as Parquet registered with add_files, and falls back to batched INSERTs (saying why) when it cannot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lakespec-load-'));
    const duck = await DuckDbEngine.open({ filesRoot: dir });
    const rows = "SELECT i::BIGINT AS id, 'n ' || i || CASE WHEN i % 3 = 0 THEN ', \"q\"' ELSE '' END AS name, CASE WHEN i % 4 = 0 THEN NULL ELSE (i * 1.25)::DECIMAL(12,2) END AS amount FROM range(5000) t(i)";
    await duck.run(`COPY (${rows}) TO '${join(dir, 'ordered.csv')}' (HEADER)`);
    await duck.run(`COPY (SELECT amount, name, id FROM (${rows})) TO '${join(dir, 'reordered.csv')}' (HEADER)`);
    await duck.close();
    const engine = new TrinoEngine({ server: `http://127.0.0.1:${suite.trino.port}` });
    const columns = [
      { name: 'id', type: 'bigint' },
      { name: 'name', type: 'varchar' },
      { name: 'amount', type: 'decimal(12,2)' },
    ];
    await suite.trino.query('CREATE SCHEMA IF NOT EXISTS dev_lakehouse.loads');
    const load = async (file: string) => {
      const table = file.replace('.csv', '');
      await suite.trino.query(`CREATE TABLE dev_lakehouse.loads.${table} (id bigint, name varchar, amount decimal(12,2))`);
      const slow: string[] = [];
      const n = await runExtract({ kind: 'extract', connection: 'f', connectionType: 'files', path: file, format: 'csv', into: `"dev_lakehouse"."loads"."${table}"`, columns }, { engine, filesRoot: dir, connection: { type: 'files', config: {} }, env: {}, onSlowLoad: (why) => slow.push(why) });
      const files = (await suite.trino.query(`SELECT count(*) FROM dev_lakehouse.loads."${table}$files"`)).rows[0]![0];
      const got = (await suite.trino.query(`SELECT count(*), count(amount), CAST(sum(amount) AS varchar), count_if(name LIKE '%"q"') FROM dev_lakehouse.loads.${table}`)).rows[0]!.map(String);
      return { n, slow, files: Number(files), got };
    };
    const fast = await load('ordered.csv');
    expect(fast.slow).toEqual([]);
    expect(fast.n).toBe(5000);
    expect(fast.files).toBe(1); // one Parquet file, registered
    expect(fast.got).toEqual(['5000', '3750', '11718750.00', '1667']);
    // Columns in another order than declared: by name, through INSERTs, and the reason given.
    const fallback = await load('reordered.csv');
    expect(fallback.slow).toEqual([expect.stringContaining('is not the declared columns in order')]);
    expect(fallback.got).toEqual(fast.got);
    expect(fallback.n).toBe(5000);
  }, 300_000);
});
