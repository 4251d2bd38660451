// The DuckDB artifacts run on a real DuckDB: every table is created, every pipeline of
// examples/finance runs bronze → silver → gold, and every error-severity check passes.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import { readSpecFiles } from '../../spec/index.js';
import { createTables, duckTableHash, openDuck, runPipelines } from '../helpers/duckdb-pipelines.js';
import { EXAMPLES } from '../helpers/paths.js';

async function runFinance(): Promise<{ tables: Record<string, { rows: number; hash: string }>; warnings: string[] }> {
  const root = join(EXAMPLES, 'finance');
  const r = compile(readSpecFiles(root).files, { environment: 'dev', gitSha: 'abcdef0', backends: ['duckdb'] });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const duck = await openDuck({ dev_lakehouse: ':memory:' }, root);
  try {
    await createTables(duck, r.artifacts);
    const warnings = await runPipelines(duck, r.artifacts, ['erp_ingest', 'sales_silver', 'finance_marts', 'customer_marts']);
    const tables: Record<string, { rows: number; hash: string }> = {};
    for (const t of r.ir!.tables) {
      tables[t.name] = await duckTableHash(duck, `"${t.physical.catalog}"."${t.physical.schema}"."${t.physical.table}"`, t.columns);
    }
    return { tables, warnings };
  } finally {
    duck.close();
  }
}

describe('DuckDB artifacts on a real DuckDB', () => {
  it('run examples/finance end to end with the quality checks, reproducibly', async () => {
    const first = await runFinance();
    expect(first.tables.top_customers!.rows).toBe(10);
    expect(first.tables.daily_revenue!.rows).toBeGreaterThan(10);
    expect(first.tables.receivables_ageing!.rows).toBeGreaterThan(3);
    // The sample export is months old: only the warn-level freshness check fires.
    expect(first.warnings).toEqual(['odoo_sale_order.freshness_write_date']);
    const second = await runFinance();
    expect(second.tables).toEqual(first.tables);
  });
});
