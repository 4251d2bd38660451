// The DuckDB artifacts run on a real DuckDB: every table is created, every pipeline of
// examples/finance runs bronze → silver → gold, and every error-severity check passes.
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { type PipelinePlan, compile } from '../../compiler/index.js';
import { readSpecFiles, sha256 } from '../../spec/index.js';
import { EXAMPLES } from '../helpers/paths.js';

async function runFinance(): Promise<{ counts: Record<string, number>; hashes: Record<string, string>; warnings: string[] }> {
  const root = join(EXAMPLES, 'finance');
  const r = compile(readSpecFiles(root).files, { environment: 'dev', gitSha: 'abcdef0', backends: ['duckdb'] });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    await db.run(`ATTACH ':memory:' AS dev_lakehouse`);
    await db.run(`SET file_search_path = '${root.replace(/'/g, "''")}'`);
    for (const a of r.artifacts.filter((x) => x.kind === 'duckdb.ddl')) {
      for (const stmt of a.content.split(/;\n/).map((s) => s.replace(/^--.*$/gm, '').trim()).filter(Boolean)) await db.run(stmt);
    }
    const plans = r.artifacts.filter((x) => x.kind === 'duckdb.pipeline').map((a) => JSON.parse(a.content) as PipelinePlan);
    const order = ['erp_ingest', 'sales_silver', 'finance_marts', 'customer_marts'];
    const warnings: string[] = [];
    for (const name of order) {
      const plan = plans.find((p) => p.pipeline === name)!;
      for (const step of plan.steps) {
        for (const action of step.actions) if (action.kind === 'sql') await db.run(action.sql);
        for (const check of step.checks) {
          const rows = (await db.runAndReadAll(check.sql)).getRows().length;
          if (rows > 0 && check.severity === 'error') throw new Error(`check ${step.into}.${check.name} found ${rows} offending rows`);
          if (rows > 0) warnings.push(`${step.into}.${check.name}`);
        }
      }
    }
    const counts: Record<string, number> = {};
    const hashes: Record<string, string> = {};
    for (const t of ['daily_revenue', 'receivables_ageing', 'top_customers', 'sale_orders', 'invoices']) {
      const layer = t === 'sale_orders' || t === 'invoices' ? 'silver' : 'gold';
      const rows = (await db.runAndReadAll(`SELECT * FROM dev_lakehouse.finance_${layer}.${t} ORDER BY ALL`)).getRowsJson();
      counts[t] = rows.length;
      hashes[t] = sha256(JSON.stringify(rows));
    }
    return { counts, hashes, warnings };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

describe('DuckDB artifacts on a real DuckDB', () => {
  it('run examples/finance end to end with the quality checks', async () => {
    const first = await runFinance();
    expect(first.counts.top_customers).toBe(10);
    expect(first.counts.daily_revenue).toBeGreaterThan(10);
    expect(first.counts.receivables_ageing).toBeGreaterThan(3);
    // The sample export is months old: only the warn-level freshness check fires.
    expect(first.warnings).toEqual(['odoo_sale_order.freshness_write_date']);
    const second = await runFinance();
    expect(second.hashes).toEqual(first.hashes);
  });
});
