// plan / apply / run / runs / drift / up as a user meets them, on the embedded default
// (PGlite + DuckDB in a temporary state folder): the README's main job end to end, the
// idempotent second run, blocked destructive changes, and clean errors.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openState } from '../../reconciler/index.js';
import { EXAMPLES, ROOT } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const SHA = ['--git-sha', '0123456789abcdef0123456789abcdef01234567'];
const noStack = /\n\s+at .+\(.+:\d+:\d+\)/;

function copyFinance(): { dir: string; state: string } {
  const base = mkdtempSync(join(tmpdir(), 'lakespec-cli-'));
  cpSync(join(EXAMPLES, 'finance'), join(base, 'finance'), { recursive: true });
  return { dir: join(base, 'finance'), state: join(base, 'state') };
}

describe('lakespec up / plan / apply / run / runs / drift', () => {
  it('runs examples/finance end to end on the embedded default, then again with nothing to apply', async () => {
    const { dir, state } = copyFinance();
    const up = await runCli(['up', dir, '--state', state, ...SHA], ROOT);
    // Nothing on stderr but, when opening the store takes over a second, a line saying so.
    expect(up.stderr.replace(/^… opening the state store \(.*\)\n/m, '')).toBe('');
    expect(up.code).toBe(0);
    expect(up.stdout).toContain('+ create table dev_lakehouse.finance_gold.top_customers (6 columns)');
    expect(up.stdout).toMatch(/✔ applied 26 stages \(\d+ statements\) on duckdb/);
    expect(up.stdout).toMatch(/✔ finance_marts\.daily_revenue\s+22 rows/);
    expect(up.stdout).toContain('✔ run succeeded (13 phases)');
    // The gold tables, previewed.
    expect(up.stdout).toContain('top_customers (dev_lakehouse.finance_gold.top_customers: first 5 of 10 rows)');
    expect(up.stdout).toMatch(/│ 1\s+│ 104\s+│ Delta Foods GmbH │/);

    const again = await runCli(['up', dir, '--state', state, ...SHA, '--preview', '0'], ROOT);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes. The applied state matches the specs.');
    expect(again.stdout).toContain('✔ run succeeded (13 phases)');

    const plan = await runCli(['plan', dir, '--state', state, ...SHA, '--json'], ROOT);
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout).plan.stages).toEqual([]);
    expect((await runCli(['drift', dir, '--state', state, ...SHA], ROOT)).stdout).toContain('No drift');

    const runs = await runCli(['runs', '--state', state, '--json'], ROOT);
    const list = JSON.parse(runs.stdout).runs as { id: string; status: string; git_sha: string }[];
    expect(list.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    expect(list[0]!.git_sha).toBe(SHA[1]);
    const show = await runCli(['runs', list[0]!.id, '--state', state], ROOT);
    expect(show.stdout).toContain('13. finance_marts.receivables_ageing');
    expect(show.stdout).toMatch(/RUN_SUCCEEDED\s+run succeeded/);

    // One pipeline, by name; a wrong name gets a suggestion.
    const one = await runCli(['run', 'customer_marts', dir, '--state', state, ...SHA], ROOT);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/✔ customer_marts\.top_customers\s+10 rows/);
    const typo = await runCli(['run', 'customer_mart', dir, '--state', state, ...SHA], ROOT);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean customer_marts?');

    // Queue a run, cancel it; rerun an old one and let a draining worker execute it.
    const queued = await runCli(['run', 'customer_marts', dir, '--state', state, ...SHA, '--queue-only', '--json'], ROOT);
    const queuedId = JSON.parse(queued.stdout).run.id as string;
    expect((await runCli(['runs', 'cancel', queuedId, '--state', state, '--reason', 'wrong commit'], ROOT)).stdout).toContain('cancelled');
    expect((await runCli(['runs', 'cancel', queuedId, '--state', state], ROOT)).code).toBe(1);
    const rerun = await runCli(['runs', 'rerun', list[1]!.id, '--state', state, '--json'], ROOT);
    const rerunId = JSON.parse(rerun.stdout).run.id as string;
    expect((await runCli(['worker', '--project', dir, '--state', state, '--drain'], ROOT)).code).toBe(0);
    const after = JSON.parse((await runCli(['runs', rerunId, '--state', state, '--json'], ROOT)).stdout);
    expect(after.run).toMatchObject({ status: 'succeeded', rerun_of: list[1]!.id, trigger: 'rerun' });
    expect(JSON.parse((await runCli(['runs', queuedId, '--state', state, '--json'], ROOT)).stdout).run.status).toBe('cancelled');
  });

  it('after a failed phase, up lists the phases it did not run', async () => {
    const { dir, state } = copyFinance();
    const file = join(dir, 'pipelines', 'sales-silver.yaml');
    // Valid SQL that fails when it runs: a text that is not a number.
    writeFileSync(file, readFileSync(file, 'utf8').replace('id as partner_id,', "cast('not a number' || id as bigint) as partner_id,"));
    const up = await runCli(['up', dir, '--state', state, ...SHA], ROOT);
    expect(up.code).not.toBe(0);
    expect(up.stdout).toMatch(/✖ sales_silver\.partners\s+.*Conversion Error/);
    expect(up.stdout).toMatch(/\n\n {2}\d+ phases not run, after the failure:\n/);
    // The gold marts depend on the silver partners: listed, not silently missing.
    expect(up.stdout).toMatch(/– finance_marts\.dbt\s+skipped|– customer_marts\.\S+\s+skipped/);
    expect(up.stdout).not.toMatch(noStack);
  });

  it('blocks a dropped column until it is allowed, and changes nothing meanwhile', async () => {
    const { dir, state } = copyFinance();
    expect((await runCli(['apply', dir, '--state', state, ...SHA], ROOT)).code).toBe(0);
    const gold = join(dir, 'datasets', 'gold.yaml');
    const text = readFileSync(gold, 'utf8');
    const line = text.split('\n').find((l) => l.includes('name: country_code'))!;
    writeFileSync(gold, text.replace(line + '\n', ''));
    writeFileSync(join(dir, 'pipelines', 'customer-marts.yaml'), readFileSync(join(dir, 'pipelines', 'customer-marts.yaml'), 'utf8').replace(/\s*p\.country_code,?/, ''));
    const plan = await runCli(['plan', dir, '--state', state, ...SHA], ROOT);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain('- dev_lakehouse.finance_gold.top_customers: drop column country_code varchar: its data is lost  [destructive: BLOCKED]');
    const apply = await runCli(['apply', dir, '--state', state, ...SHA], ROOT);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('Nothing was changed');
    expect((await runCli(['drift', dir, '--state', state, ...SHA], ROOT)).code).toBe(0);
    const allowed = await runCli(['apply', dir, '--state', state, ...SHA, '--allow-destructive'], ROOT);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('[destructive, allowed by --allow-destructive]');
  });

  it('reports bad input plainly: spec errors, unreachable databases, bad ids', { timeout: 60_000 }, async () => {
    const { dir, state } = copyFinance();
    writeFileSync(join(dir, 'datasets', 'broken.yaml'), 'apiVersion: lakespec.dev/v1\nkind: Dataset\nmetadata: { name: broken }\nspec: { layer: gold, columns: [] , bogus: 1 }\n');
    const bad = await runCli(['plan', dir, '--state', state], ROOT);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/broken\.yaml:\d+:\d+/);
    expect(bad.stderr).toContain('nothing planned');
    const { dir: ok } = copyFinance();
    const down = await runCli(['plan', ok, '--database-url', 'postgres://lakespec:s3cret@127.0.0.1:1/none'], ROOT);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('cannot open the state store (PostgreSQL at postgres://lakespec:***@127.0.0.1:1/none)');
    expect(down.stderr).not.toContain('s3cret');
    expect(down.stderr).not.toMatch(noStack);
    // A server that accepts and never answers: after a second the wait says what it waits on.
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const port = (silent.address() as AddressInfo).port;
      const hung = await runCli(['runs', '--database-url', `postgres://lakespec@127.0.0.1:${port}/none`], ROOT);
      expect(hung.code).toBe(1);
      expect(hung.stderr).toMatch(new RegExp(`^… opening the state store \\(PostgreSQL at postgres://lakespec@127\\.0\\.0\\.1:${port}/none\\)\\n`));
      expect(hung.stderr).toContain('cannot open the state store');
    } finally {
      silent.close();
    }
    const id = await runCli(['runs', 'not-a-run', '--state', state], ROOT);
    expect(id.code).toBe(2);
    for (const cmd of ['plan', 'apply', 'run', 'runs', 'drift', 'up', 'serve', 'worker', 'token']) {
      const help = await runCli([cmd, '--help'], ROOT);
      expect(help.code, cmd).toBe(0);
      expect(help.stdout, cmd).toContain(`lakespec ${cmd} `);
    }
  });

  it('refuses plainly when another apply holds a table, naming the holder, and changes nothing', async () => {
    const { dir, state } = copyFinance();
    const s = await openState({ dir: state });
    try {
      await s.catalog.lockTables('finance', 'dev', ['dev_lakehouse.finance_gold.top_customers'], 'build-host:4242', 60);
    } finally {
      await s.close();
    }
    const r = await runCli(['apply', dir, '--state', state, ...SHA], ROOT);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('✖ apply refused: table dev_lakehouse.finance_gold.top_customers is being applied by build-host:4242; try again when it finishes. Nothing was changed.');
    expect(r.stderr).not.toContain('internal error');
    const plan = await runCli(['plan', dir, '--state', state, ...SHA, '--json'], ROOT);
    expect(JSON.parse(plan.stdout).plan.stages.length).toBeGreaterThan(0);
  });
});
