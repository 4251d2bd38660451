// Hostile spec text through the DuckDB backend and the dbt backend on dbt-duckdb: every
// description, owner, accepted value and SQL literal comes back from the engine exactly as
// the spec wrote it, the checks built from hostile values pass and fail as they should, and
// columns named `select` and `group` work in every data test.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, readPipelinePlans } from '../../compiler/index.js';
import { engines } from '../harness/engines.js';
import { dbtResults, runDbt, writeDbtProject } from '../helpers/dbt-project.js';
import { createTables, openDuck, runPipelines } from '../helpers/duckdb-pipelines.js';
import { LITERAL, hostileCsv, hostileProject, hostileStrings } from '../helpers/hostile-text.js';

const texts = hostileStrings();

function compiled() {
  const r = compile(hostileProject(texts), { environment: 'dev', gitSha: 'abc1234', backends: ['duckdb', 'dbt'] });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r;
}

/** A files root with data/raw.csv, the rows the ingest step loads. */
function filesRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lakespec-hostile-files-'));
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'raw.csv'), hostileCsv(texts));
  return dir;
}

describe('hostile spec text', () => {
  it(`DuckDB stores and returns ${texts.length} hostile texts unchanged; the checks pass and fail as declared`, async () => {
    const r = compiled();
    const ir = r.ir!;
    const raw = ir.tables.find((t) => t.name === 'raw')!;
    const clean = ir.tables.find((t) => t.name === 'clean')!;
    const fq = (t: typeof raw) => `"${t.physical.catalog}"."${t.physical.schema}"."${t.physical.table}"`;
    const files = filesRoot();
    const duck = await openDuck({ [raw.physical.catalog]: ':memory:' }, files);
    try {
      await createTables(duck, r.artifacts);
      const warnings = await runPipelines(duck, r.artifacts, ['hostile_clean']);
      expect(warnings).toEqual(['clean.groups_hostile']);
      expect(await duck.rows(`SELECT DISTINCT lit FROM ${fq(clean)}`)).toEqual([[LITERAL(texts)]]);
      expect(await duck.rows(`SELECT label FROM ${fq(clean)} ORDER BY id`)).toEqual(texts.map((t) => [t]));
      for (const t of [raw, clean]) {
        const [comment] = (await duck.rows(`SELECT comment FROM duckdb_tables() WHERE database_name = '${t.physical.catalog}' AND table_name = '${t.physical.table}'`))[0]!;
        expect(comment).toBe(t.description);
        const cols = await duck.rows(`SELECT column_name, comment FROM duckdb_columns() WHERE database_name = '${t.physical.catalog}' AND table_name = '${t.physical.table}' ORDER BY column_index`);
        expect(cols).toEqual(t.columns.map((c) => [c.name, c.description ?? null]));
      }
    } finally {
      duck.close();
      rmSync(files, { recursive: true, force: true });
    }
  });

  it('dbt-duckdb parses and builds it; descriptions, owner and values survive Jinja and SQL', async () => {
    const e = engines();
    const r = compiled();
    const ir = r.ir!;
    const raw = ir.tables.find((t) => t.name === 'raw')!;
    const clean = ir.tables.find((t) => t.name === 'clean')!;
    const work = mkdtempSync(join(tmpdir(), 'lakespec-dbt-hostile-'));
    try {
      const project = join(work, 'project');
      writeDbtProject(r.artifacts, project);
      const duckDir = join(work, 'duck');
      mkdirSync(duckDir);
      const catalog = raw.physical.catalog;
      const files = filesRoot();
      const loader = await openDuck({ [catalog]: join(duckDir, `${catalog}.duckdb`) }, files);
      await createTables(loader, r.artifacts);
      // Only the ingest step: dbt builds the transform.
      const plan = readPipelinePlans(r.artifacts, 'duckdb').find((p) => p.pipeline === 'hostile_clean')!;
      for (const a of plan.steps.find((s) => s.name === 'load')!.actions) if (a.kind === 'sql') await loader.run(a.sql);
      await loader.run('CHECKPOINT');
      rmSync(files, { recursive: true, force: true });
      loader.close();

      const env = { LAKESPEC_DUCKDB_DIR: duckDir, LAKESPEC_DBT_TARGET: 'duckdb' };
      const parse = await runDbt(e.dbt, ['parse'], project, env);
      expect(parse.status, parse.output.slice(-4000)).toBe(0);
      const build = await runDbt(e.dbt, ['build'], project, env);
      expect(build.status, build.output.slice(-4000)).toBe(0);
      const by = dbtResults(project);
      expect(by('error')).toEqual([]);
      expect(by('fail')).toEqual([]);
      expect(by('warn')).toEqual(['clean__groups_hostile']);
      expect(by('pass').sort()).toEqual(['clean__labels_accepted', 'clean__raw_exists', 'clean__select_group_unique', 'clean__select_present', 'clean__group_unique'].sort());

      // What dbt read: the rendered descriptions and meta are the spec's text.
      const manifest = JSON.parse(readFileSync(join(project, 'target', 'manifest.json'), 'utf8')) as {
        nodes: Record<string, { description: string; columns: Record<string, { description: string }>; meta: { lakespec?: { owner: string } } }>;
        sources: Record<string, { description: string; columns: Record<string, { description: string }> }>;
      };
      const model = Object.entries(manifest.nodes).find(([id]) => id.startsWith('model.') && id.endsWith('.clean'))![1];
      expect(model.description).toBe(clean.description);
      expect(model.meta.lakespec?.owner).toBe(clean.owner);
      for (const c of clean.columns) expect(model.columns[c.name]?.description, c.name).toBe(c.description);
      const source = Object.entries(manifest.sources).find(([id]) => id.endsWith('.raw'))![1];
      expect(source.description).toBe(raw.description);
      for (const c of raw.columns) expect(source.columns[c.name]?.description, c.name).toBe(c.description);

      // What the engine holds: the SQL literal, the labels, and the comments dbt persisted.
      const check = await openDuck({ [catalog]: join(duckDir, `${catalog}.duckdb`) }, tmpdir());
      try {
        const table = `"${catalog}"."${clean.physical.schema}"."${clean.physical.table}"`;
        expect(await check.rows(`SELECT DISTINCT lit FROM ${table}`)).toEqual([[LITERAL(texts)]]);
        expect(await check.rows(`SELECT label FROM ${table} ORDER BY id`)).toEqual(texts.map((t) => [t]));
        const [comment] = (await check.rows(`SELECT comment FROM duckdb_tables() WHERE database_name = '${catalog}' AND table_name = '${clean.physical.table}'`))[0]!;
        expect(comment).toBe(clean.description);
      } finally {
        check.close();
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
