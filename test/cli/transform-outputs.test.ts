// What a transform produces against what its dataset declares, read by DuckDB's SQL parser
// through the real CLI: a selected column the dataset does not declare is a warning at its
// place in the SQL; a declared column the query does not produce is an error before
// anything is planned or applied (it used to pass validate, alter the table on apply and
// fail only the run); * expands to the referenced dataset's columns; and every example
// validates without one of these.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { FILES_CONNECTION, ORDERS, PIPELINE, RAW_ORDERS, WORKSPACE } from '../helpers/specs.js';

function projectWith(sql: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lakespec-outputs-'));
  // The helper's pipeline with this transform SQL.
  const pipeline = `${PIPELINE.slice(0, PIPELINE.indexOf('      sql: |'))}      sql: |\n${sql
    .split('\n')
    .map((l) => `        ${l}`)
    .join('\n')}\n`;
  const files = { 'workspace.yaml': WORKSPACE, 'connections.yaml': FILES_CONNECTION, 'orders.yaml': ORDERS, 'raw-orders.yaml': RAW_ORDERS, 'pipeline.yaml': pipeline };
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  // The file its ingest step reads (a missing one is LS1324).
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'orders.csv'), 'id,customer_id,ordered_at,amount\n1,10,2026-01-02 10:00:00,12.50\n');
  return dir;
}

describe('transform outputs against the dataset', () => {
  it('warns at the column a query selects that its dataset does not declare', async () => {
    const dir = projectWith("select id, customer_id, ordered_at, amount, upper('x') as shouting\nfrom {{ ref('raw_orders') }}");
    const r = await runCli(['validate', dir], dir);
    expect(r.code, r.stdout).toBe(0);
    // pipeline.yaml line 16 is the SQL's first line; "shouting" starts at column 67 there.
    expect(r.stdout).toContain('pipeline.yaml:16:67  warning LS1321  step "clean" selects column "shouting", which dataset "orders" does not declare');
    expect(r.stdout).toMatch(/\n\s+\|\s+\^{8}\n/);
  });

  it('refuses a dataset column the query does not produce, before anything is planned', async () => {
    const dir = projectWith("select id, customer_id, ordered_at\nfrom {{ ref('raw_orders') }}");
    const v = await runCli(['validate', dir], dir);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('pipeline.yaml:16:9  error LS1322  dataset "orders" declares column "amount", which step "clean" does not produce');
    const plan = await runCli(['plan', dir, '--state', join(dir, '.state')], dir);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('LS1322');
    expect(plan.stderr).toContain('nothing planned');
    // Nothing was opened: no state store was created.
    expect(readdirSync(dir)).not.toContain('.state');
  });

  it('reads *, aliases, CTEs and unions as the engine would, and says nothing when the columns match', async () => {
    for (const sql of [
      "select * from {{ ref('raw_orders') }}",
      "select r.* from {{ ref('raw_orders') }} r",
      "with x as (select * from {{ ref('raw_orders') }}) select id, customer_id, ordered_at, cast(amount as decimal(12,2)) amount from x",
      "select id, customer_id, ordered_at, amount from {{ ref('raw_orders') }}\nunion all\nselect id, customer_id, ordered_at, amount from {{ ref('raw_orders') }}",
      // An unnamed expression: what it produces cannot be told, so nothing is reported missing.
      "select id, customer_id, ordered_at, amount * 1 from {{ ref('raw_orders') }}",
    ]) {
      const dir = projectWith(sql);
      const r = await runCli(['validate', dir], dir);
      expect(r.code, `${sql}\n${r.stdout}`).toBe(0);
      expect(r.stdout, sql).not.toMatch(/LS132[012]/);
    }
  });

  it('warns, without refusing, when DuckDB cannot parse a transform', async () => {
    const dir = projectWith("select id, customer_id, ordered_at, amount from {{ ref('raw_orders') }} where id in (1,, 2)");
    const r = await runCli(['validate', dir], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warning LS1320  step "clean" of pipeline "shop" is not one query DuckDB's parser can read \(syntax error/);
  });

  it('finds nothing to report in the examples', async () => {
    for (const example of readdirSync(EXAMPLES)) {
      const dir = mkdtempSync(join(tmpdir(), 'lakespec-example-'));
      cpSync(join(EXAMPLES, example), dir, { recursive: true });
      const r = await runCli(['validate', dir], dir);
      expect(r.stdout, example).not.toMatch(/LS132[012]/);
    }
  });
});
