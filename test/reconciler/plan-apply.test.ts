// The planner (pure) on spec evolutions, and apply on a real DuckDB with the PGlite store:
// stages, blocking of destructive changes and their allowances, adoption of live tables,
// all-or-nothing applies, the recorded deployment, drift, and per-table apply locks.
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import {
  ApplyBlockedError,
  ApplyFailedError,
  CatalogStore,
  DuckDbEngine,
  applyPlan,
  desiredState,
  detectDrift,
  formatPlan,
  migrate,
  openPglite,
  plan,
  sleep,
  stageColumn,
} from '../../reconciler/index.js';
import type { SourceFile } from '../../spec/index.js';
import { ORDERS, PIPELINE, WORKSPACE, project } from '../helpers/specs.js';

const EMPTY = { tables: [], pipelines: [], connections: [] };

function build(files: SourceFile[], sha = 'a'.repeat(40)) {
  const r = compile(files, { environment: 'dev', gitSha: sha, backends: ['duckdb'] });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { ir: r.ir!, desired: desiredState(r.ir!), manifestHash: r.manifest!.setHash };
}

const v1 = () => build(project());
const withOrders = (spec: string, extra: Record<string, string> = {}) => build(project({ 'datasets/orders.yaml': spec, ...extra }));
const kinds = (p: ReturnType<typeof plan>) => p.stages.map((s) => `${s.kind}${stageColumn(s) ? ':' + stageColumn(s) : ''}${s.destructive ? (s.allowed ? ' (allowed)' : ' (blocked)') : ''}`);

describe('planner', () => {
  it('creates everything on an empty environment, then has nothing to do', () => {
    const a = v1();
    const first = plan(a.desired, EMPTY);
    expect(kinds(first)).toEqual(['create_schema', 'create_schema', 'create_table', 'create_table', 'create_connection', 'create_pipeline']);
    expect(first.summary).toEqual({ create: 6, alter: 0, drop: 0, replace: 0, destructive: 0, blocked: 0 });
    expect(plan(a.desired, a.desired).stages).toEqual([]);
    expect(formatPlan(plan(a.desired, a.desired))).toContain('No changes.');
  });

  it('adds and widens columns without blocking, blocks narrowing and drops', () => {
    const before = v1().desired;
    const evolved = withOrders(
      ORDERS.replace('"decimal(12,2)"', '"decimal(14,2)"').replace('    - { name: customer_id, type: bigint }\n', '').replace('  primaryKey: [id]', '    - { name: channel, type: varchar }\n  primaryKey: [id]'),
    );
    const p = plan(evolved.desired, before);
    expect(kinds(p)).toEqual(['add_column:channel', 'widen_type:amount', 'replace_pipeline', 'drop_column:customer_id (blocked)']);
    expect(p.blocked).toBe(true);
    const text = formatPlan(p);
    expect(text).toMatch(/- \w+\.\w+\.orders: drop column customer_id bigint: its data is lost {2}\[destructive: BLOCKED\]/);
    expect(text).toContain('Plan: 0 to create, 2 to alter, 1 to replace, 1 to drop (1 destructive, 1 blocked).');
    expect(plan(evolved.desired, before, { allowAllDestructive: true }).blocked).toBe(false);
  });

  it('honours allowances in the Workspace, limited to dataset, change and column', () => {
    const before = v1().desired;
    const allow = (entry: string) =>
      WORKSPACE.replace('  environments:', `  allowDestructive:\n${entry}\n  environments:`);
    const dropped = ORDERS.replace('    - { name: customer_id, type: bigint }\n', '');
    const ok = build(project({ 'datasets/orders.yaml': dropped, 'workspace.yaml': allow('    - { dataset: orders, changes: [drop_column], columns: [customer_id], reason: "moved to customers" }') }));
    const p = plan(ok.desired, before, { allowances: ok.ir.allowDestructive });
    expect(p.blocked).toBe(false);
    expect(p.stages.find((s) => s.kind === 'drop_column')!.allowedBy).toBe('Workspace allowDestructive (moved to customers)');
    const wrongColumn = build(project({ 'datasets/orders.yaml': dropped, 'workspace.yaml': allow('    - { dataset: orders, changes: [drop_column], columns: [amount], reason: "not this one" }') }));
    expect(plan(wrongColumn.desired, before, { allowances: wrongColumn.ir.allowDestructive }).blocked).toBe(true);
    const otherEnv = build(project({ 'datasets/orders.yaml': dropped, 'workspace.yaml': allow('    - { dataset: orders, changes: [drop_column], environments: [prod], reason: "prod only" }') }));
    expect(otherEnv.ir.allowDestructive).toEqual([]);
  });

  it('flags type narrowing, key changes, partitioning, removed datasets and renamed tables', () => {
    const before = v1().desired;
    const narrowed = withOrders(ORDERS.replace('{ name: amount, type: "decimal(12,2)" }', '{ name: amount, type: integer }').replace('primaryKey: [id]', 'primaryKey: [id, customer_id]\n  partitioning:\n    - { column: ordered_at, transform: day }'));
    expect(kinds(plan(narrowed.desired, before))).toEqual(['narrow_type:amount (blocked)', 'change_primary_key (blocked)', 'change_partitioning', 'replace_pipeline']);
    const gone = before.tables.filter((t) => t.name !== 'orders');
    expect(kinds(plan({ ...before, tables: gone }, before))).toEqual(['drop_table (blocked)']);
    const moved = { ...before, tables: before.tables.map((t) => (t.name === 'orders' ? { ...t, physical: { ...t.physical, table: 'orders_v2' }, fingerprint: 'x' } : t)) };
    expect(kinds(plan(moved, before))).toEqual(['create_table', 'drop_table (blocked)']);
  });

  it('adopts tables that exist live but were never applied', () => {
    const a = v1();
    const orders = a.desired.tables.find((t) => t.name === 'orders')!;
    const p = plan(a.desired, EMPTY, { live: [{ physical: orders.physical, columns: [{ name: 'id', type: 'BIGINT' }] }] });
    expect(kinds(p)).toContain('adopt_table');
    expect(p.stages.filter((s) => s.kind === 'create_schema').map((s) => s.target)).toEqual(['dev_lake.shop_bronze']);
  });
});

async function setup() {
  const db = await openPglite(undefined);
  await migrate(db);
  const store = new CatalogStore(db);
  const engine = await DuckDbEngine.open({ filesRoot: '/nonexistent' });
  return { db, store, engine, close: async () => (await engine.close(), await db.close()) };
}

async function applyVersion(s: Awaited<ReturnType<typeof setup>>, v: ReturnType<typeof build>, allowAll = false) {
  const applied = await s.store.applied(v.ir.workspace, v.ir.environment);
  const p = plan(v.desired, applied, { allowAllDestructive: allowAll, allowances: v.ir.allowDestructive });
  return { plan: p, result: await applyPlan(s.store, s.engine, { ir: v.ir, desired: v.desired, applied, plan: p, manifestHash: v.manifestHash, requester: 'tests', holder: 'test' }) };
}

describe('apply on DuckDB with the PGlite store', () => {
  it('applies, evolves, records deployments and matches the live catalog', async () => {
    const s = await setup();
    try {
      const first = await applyVersion(s, v1());
      expect(first.result.stages).toBe(6);
      const evolved = withOrders(ORDERS.replace('"decimal(12,2)"', '"decimal(14,2)"').replace('    - { name: customer_id, type: bigint }\n', '').replace('  primaryKey: [id]', '    - { name: channel, type: varchar }\n  primaryKey: [id]'));
      // The applied state read back from the store plans exactly like the in-memory one (jsonb reorders keys).
      expect(kinds(plan(evolved.desired, await s.store.applied('shop', 'dev')))).toEqual(['add_column:channel', 'widen_type:amount', 'replace_pipeline', 'drop_column:customer_id (blocked)']);
      // Blocked: refused before anything runs.
      await expect(applyVersion(s, evolved)).rejects.toBeInstanceOf(ApplyBlockedError);
      expect((await s.store.deployments('shop')).length).toBe(1);
      await applyVersion(s, evolved, true);
      const live = await s.engine.liveTables(['dev_lake']);
      const orders = live.find((t) => t.physical.table === 'orders')!;
      expect(orders.columns.map((c) => `${c.name} ${c.type}`)).toEqual(['id BIGINT', 'ordered_at TIMESTAMP', 'amount DECIMAL(14,2)', 'channel VARCHAR']);
      const applied = await s.store.applied('shop', 'dev');
      expect(detectDrift(applied, live, s.engine.backend.dialect)).toEqual([]);
      expect(plan(evolved.desired, applied).stages).toEqual([]);
      const deployments = await s.store.deployments('shop');
      expect(deployments.map((d) => d.status)).toEqual(['applied', 'applied']);
      // Drift: a column added by hand is reported.
      await s.engine.run('ALTER TABLE "dev_lake"."shop_silver"."orders" ADD COLUMN "by_hand" INTEGER');
      const drift = detectDrift(applied, await s.engine.liveTables(['dev_lake']), s.engine.backend.dialect);
      expect(drift.map((d) => `${d.kind} ${d.column}`)).toEqual(['extra_column by_hand']);
    } finally {
      await s.close();
    }
  });

  it('renames keep the data: a dataset and a column renamed (renamedFrom), then moved to another layer', async () => {
    const s = await setup();
    try {
      await applyVersion(s, v1());
      await s.engine.run(`INSERT INTO "dev_lake"."shop_silver"."orders" VALUES (1, 2, TIMESTAMP '2026-01-01 00:00:00', 12.5)`);
      const purchases = (layer: string) =>
        ORDERS.replace('  name: orders', '  name: purchases')
          .replace('  layer: silver', `  layer: ${layer}\n  renamedFrom: ${layer === 'silver' ? 'orders' : 'purchases'}`)
          .replace('{ name: customer_id, type: bigint }', '{ name: buyer_id, type: bigint, renamedFrom: customer_id }');
      const pipeline = PIPELINE.replace('into: orders', 'into: purchases').replace('select id, customer_id,', 'select id, customer_id as buyer_id,');
      const renamed = build(project({ 'datasets/orders.yaml': purchases('silver'), 'pipelines/shop.yaml': pipeline }));
      const p = plan(renamed.desired, await s.store.applied('shop', 'dev'));
      // Before renamedFrom this was a create, a drop of orders (blocked) and its rows lost.
      expect(kinds(p)).toEqual(['rename_table', 'rename_column:buyer_id', 'replace_pipeline']);
      expect(formatPlan(p)).toContain('dev_lake.shop_silver.orders: rename to dev_lake.shop_silver.purchases (dataset orders is now purchases; rows kept)');
      await applyVersion(s, renamed);
      const rows = await s.engine.records('SELECT * FROM "dev_lake"."shop_silver"."purchases"');
      expect(rows.columns).toEqual(['id', 'buyer_id', 'ordered_at', 'amount']);
      expect(rows.rows.map((r) => r.map(String))).toEqual([['1', '2', '2026-01-01 00:00:00', '12.50']]);
      expect((await s.engine.liveTables(['dev_lake'])).map((t) => t.physical.table).sort()).toEqual(['purchases', 'raw_orders']);
      const applied = await s.store.applied('shop', 'dev');
      expect(applied.tables.map((t) => t.name).sort()).toEqual(['purchases', 'raw_orders']);
      // Applied: the renamedFrom left in the specs is no change.
      expect(plan(renamed.desired, applied).stages).toEqual([]);
      // To another layer (another schema): the rows are copied into the new table, the old one dropped.
      const gold = build(project({ 'datasets/orders.yaml': purchases('gold').replace('  name: purchases', '  name: purchases_gold'), 'pipelines/shop.yaml': pipeline.replace('into: purchases', 'into: purchases_gold') }));
      const moved = plan(gold.desired, applied);
      expect(kinds(moved)).toEqual(['create_schema', 'copy_table', 'replace_pipeline']);
      await applyVersion(s, gold);
      expect((await s.engine.records('SELECT id, buyer_id, amount FROM "dev_lake"."shop_gold"."purchases_gold"')).rows.map((r) => r.map(String))).toEqual([['1', '2', '12.50']]);
      expect((await s.engine.liveTables(['dev_lake'])).map((t) => `${t.physical.schema}.${t.physical.table}`).sort()).toEqual(['shop_bronze.raw_orders', 'shop_gold.purchases_gold']);
      expect(plan(gold.desired, await s.store.applied('shop', 'dev')).stages).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('is all-or-nothing: a failing stage rolls back every stage of the apply', async () => {
    const s = await setup();
    try {
      await applyVersion(s, v1());
      await s.engine.run(`INSERT INTO "dev_lake"."shop_silver"."orders" VALUES (1, 2, TIMESTAMP '2026-01-01 00:00:00', 12.5)`);
      // Adding a column works, but turning 12.5 into a date cannot: the whole apply is undone.
      const bad = withOrders(ORDERS.replace('{ name: amount, type: "decimal(12,2)" }', '{ name: amount, type: date }').replace('  primaryKey: [id]', '    - { name: channel, type: varchar }\n  primaryKey: [id]'));
      const err = await applyVersion(s, bad, true).catch((e) => e);
      expect(err).toBeInstanceOf(ApplyFailedError);
      expect(err.message).toMatch(/change amount decimal\(12, 2\) → date/);
      const cols = (await s.engine.liveTables(['dev_lake'])).find((t) => t.physical.table === 'orders')!.columns.map((c) => c.name);
      expect(cols).toEqual(['id', 'customer_id', 'ordered_at', 'amount']);
      expect((await s.store.deployments('shop')).map((d) => d.status)).toEqual(['failed', 'applied']);
      expect(plan(v1().desired, await s.store.applied('shop', 'dev')).stages).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('allows one apply at a time per table', async () => {
    const s = await setup();
    try {
      await s.store.lockTables('shop', 'dev', ['a.b.orders', 'a.b.raw'], 'alice');
      await expect(s.store.lockTables('shop', 'dev', ['a.b.orders'], 'bob')).rejects.toThrow(/a\.b\.orders is being applied by alice/);
      // Nothing of bob's partial attempt is held.
      await s.store.unlockTables('shop', 'dev', 'alice');
      await s.store.lockTables('shop', 'dev', ['a.b.orders'], 'bob');
      await expect(applyVersion(s, v1())).resolves.toBeDefined();
    } finally {
      await s.close();
    }
  });

  it('keeps its locks for an apply that outlasts them (renewed while it runs), and releases them at the end', async () => {
    const s = await setup();
    try {
      const v = v1();
      const applied = await s.store.applied('shop', 'dev');
      const p = plan(v.desired, applied);
      // Each statement takes 0.6 s on the real DuckDB: the 1 s locks would run out twice over without renewal.
      const slow = Object.create(s.engine) as typeof s.engine;
      slow.run = async (sql: string, signal?: AbortSignal) => (await sleep(600), s.engine.run(sql, signal));
      const refusals: string[] = [];
      let running = true;
      // Another apply tries for the table all along, from the moment this one holds it.
      let rival: Promise<void> | undefined;
      const compete = async () => {
        while (running) {
          await s.store.lockTables('shop', 'dev', ['dev_lake.shop_silver.orders'], 'rival', 1).then(
            () => refusals.push('GOT IT'),
            (e: Error) => refusals.push(e.message),
          );
          await sleep(250);
        }
      };
      const started = Date.now();
      await applyPlan(s.store, slow, { ir: v.ir, desired: v.desired, applied, plan: p, manifestHash: v.manifestHash, requester: 'tests', holder: 'slow', lockSeconds: 1, onStage: () => void (rival ??= compete()) });
      const took = Date.now() - started;
      running = false;
      await rival;
      expect(took).toBeGreaterThan(2000); // two lifetimes of the lock at least
      expect(refusals.length).toBeGreaterThan(5);
      expect(refusals.filter((r) => r === 'GOT IT')).toEqual([]);
      expect(refusals[0]).toMatch(/is being applied by slow/);
      // Released at the end: the rival gets it at once.
      await s.store.lockTables('shop', 'dev', ['dev_lake.shop_silver.orders'], 'rival', 1);
    } finally {
      await s.close();
    }
  });
});
