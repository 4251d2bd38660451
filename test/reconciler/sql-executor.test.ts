// The SQL step executor through the real run queue and worker, on an embedded DuckDB and
// the PGlite store: examples/finance end to end (artifacts per phase, identical output
// hashes for the same commit and inputs), and a failing quality check that fails its phase
// for good with the offending rows as an artifact.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import {
  CatalogStore,
  DuckDbEngine,
  FileLineageSink,
  LocalArtifactStore,
  RunQueue,
  SqlStepExecutor,
  Worker,
  applyPlan,
  desiredState,
  migrate,
  openPglite,
  plan,
  runPhases,
} from '../../reconciler/index.js';
import { readSpecFiles, type SourceFile } from '../../spec/index.js';
import { EXAMPLES } from '../helpers/paths.js';
import { ORDERS, project } from '../helpers/specs.js';

async function runProject(files: SourceFile[], filesRoot: string, lineageFile?: string) {
  const r = compile(files, { environment: 'dev', gitSha: 'c'.repeat(40), backends: ['duckdb'] });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const ir = r.ir!;
  const db = await openPglite(undefined);
  await migrate(db);
  const artifactsDir = mkdtempSync(join(tmpdir(), 'lakespec-exec-'));
  const queue = new RunQueue(db, new LocalArtifactStore(artifactsDir));
  const store = new CatalogStore(db);
  const engine = await DuckDbEngine.open({ filesRoot });
  try {
    const desired = desiredState(ir);
    const p = plan(desired, await store.applied(ir.workspace, 'dev'));
    await applyPlan(store, engine, { ir, desired, applied: await store.applied(ir.workspace, 'dev'), plan: p, manifestHash: r.manifest!.setHash, requester: 't', holder: 't' });
    const names = ir.pipelines.map((x) => x.name);
    const run = await queue.createRun({ workspace: ir.workspace, environment: 'dev', specSlug: 'all', gitSha: ir.gitSha, trigger: 'test', requester: 't', phases: runPhases(ir, r.artifacts, 'duckdb', names) });
    const worker = new Worker(queue, [new SqlStepExecutor({ engine, filesRoot })], { idleMs: 10, ...(lineageFile ? { lineage: new FileLineageSink(lineageFile) } : {}) });
    while (await worker.runOnce());
    return { run: (await queue.getRun(run.id))!, phases: await queue.phases(run.id), artifacts: await queue.runArtifacts(run.id), events: await queue.events(run.id), store: new LocalArtifactStore(artifactsDir) };
  } finally {
    await engine.close();
    await db.close();
  }
}

describe('SQL step executor on DuckDB through the run queue', () => {
  it('runs examples/finance: every phase with its query, result manifest and preview; same inputs → same hashes', async () => {
    const root = join(EXAMPLES, 'finance');
    const { files } = readSpecFiles(root);
    const lineageFile = join(mkdtempSync(join(tmpdir(), 'lakespec-ol-')), 'lineage.jsonl');
    const a = await runProject(files, root, lineageFile);
    expect(a.run.status).toBe('succeeded');
    expect(a.phases).toHaveLength(13);
    expect(a.phases.every((p) => p.status === 'succeeded')).toBe(true);
    // Gold after silver after bronze: every phase starts after the ones it depends on ended.
    const pos = new Map(a.phases.map((p) => [p.position, p]));
    for (const p of a.phases) for (const d of p.depends_on) expect(pos.get(d)!.finished_at!.getTime()).toBeLessThanOrEqual(p.started_at!.getTime());
    const kinds = (phase: string) => a.artifacts.filter((x) => x.phase === phase).map((x) => x.kind).sort();
    expect(kinds('customer_marts.top_customers')).toEqual(['preview', 'query', 'result-manifest']);
    // The warn-level freshness check leaves its offending rows but does not fail the phase.
    expect(kinds('erp_ingest.sale_orders')).toEqual(['check-failure', 'preview', 'query', 'result-manifest']);
    expect(a.events.some((e) => e.level === 'warn' && e.message.includes('freshness_write_date'))).toBe(true);
    const top = a.phases.find((p) => p.name === 'customer_marts.top_customers')!.output as { rows: number; hash: string };
    expect(top.rows).toBe(10);
    // OpenLineage: a START and a COMPLETE per phase, with what it read and wrote.
    const events = readFileSync(lineageFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.filter((e) => e.eventType === 'START')).toHaveLength(13);
    expect(events.filter((e) => e.eventType === 'COMPLETE')).toHaveLength(13);
    const gold = events.find((e) => e.eventType === 'COMPLETE' && e.job.name === 'customer_marts.top_customers');
    expect(gold).toMatchObject({ job: { namespace: 'lakespec://finance/dev' }, run: { facets: { parent: { run: { runId: a.run.id } } } }, outputs: [{ namespace: 'duckdb://finance', name: 'dev_lakehouse.finance_gold.top_customers' }] });
    expect(gold.inputs.map((i: { name: string }) => i.name).sort()).toEqual(['dev_lakehouse.finance_silver.partners', 'dev_lakehouse.finance_silver.sale_orders']);
    expect(events.find((e) => e.job.name === 'erp_ingest.partners').inputs).toEqual([{ namespace: 'files://odoo_export', name: 'res_partner.csv' }]);
    const b = await runProject(files, root);
    const hashes = (x: typeof a) => Object.fromEntries(x.phases.map((p) => [p.name, (p.output as { hash: string }).hash]));
    expect(hashes(b)).toEqual(hashes(a));
  });

  it('fails a phase whose error-level check finds rows, keeps the rows, skips what depends on it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lakespec-check-'));
    mkdirSync(join(root, 'data'));
    writeFileSync(join(root, 'data', 'orders.csv'), 'id,customer_id,ordered_at,amount\n1,10,2026-01-01T10:00:00,5.00\n1,11,2026-01-02T10:00:00,7.50\n2,,2026-01-03T10:00:00,1.00\n');
    const files = project({
      'datasets/orders.yaml': ORDERS.replace('  primaryKey: [id]', '  primaryKey: [id]\n  checks:\n    - { type: unique, columns: [id] }\n    - { type: not_null, columns: [customer_id], severity: warn }'),
    });
    const r = await runProject(files, root);
    expect(r.run.status).toBe('failed');
    const clean = r.phases.find((p) => p.name === 'shop.clean')!;
    expect(clean.status).toBe('failed');
    expect(clean.attempts).toBe(1); // terminal: never retried
    expect(clean.error).toMatch(/quality check failed on orders: unique_id \(1 offending row\)/);
    const failure = r.artifacts.find((x) => x.name === 'clean.check.unique_id.json')!;
    expect(failure.kind).toBe('check-failure');
    const body = JSON.parse(Buffer.from((await r.store.get(failure.sha256))!).toString('utf8'));
    expect(body).toMatchObject({ check: 'unique_id', severity: 'error', columns: ['id', 'duplicates'], rows: [['1', '2']], total: 1 }); // BIGINTs as text: exact in JSON
    // The warn-level check's rows are kept too, without failing anything on their own.
    expect(r.artifacts.some((x) => x.name === 'clean.check.not_null_customer_id.json')).toBe(true);
    expect(r.run.error).toMatch(/^shop\.clean: quality check failed/);
  });
});
