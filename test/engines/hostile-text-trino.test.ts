// Hostile spec text through the Trino backend and the dbt backend on dbt-trino, against the
// real Trino with Iceberg: descriptions come back from Trino's metadata as written, labels
// and the SQL literal come back from the table unchanged, and the checks built from hostile
// values pass (and the one that must find rows finds them) — natively and through dbt.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import { engines } from '../harness/engines.js';
import { useTrino } from '../harness/trino-suite.js';
import { dbtResults, runDbt, writeDbtProject } from '../helpers/dbt-project.js';
import { LITERAL, hostileCsv, hostileProject, hostileStrings } from '../helpers/hostile-text.js';
import { splitSql } from '../helpers/split-sql.js';
import { runTrinoStep, trinoPlans } from '../helpers/trino-pipelines.js';

const texts = hostileStrings();
const suite = useTrino(['dev_lake']);

describe('hostile spec text on Trino', () => {
  it(`Trino and dbt-trino store and return ${texts.length} hostile texts unchanged; the checks pass and fail as declared`, async () => {
    const r = compile(hostileProject(texts), { environment: 'dev', gitSha: 'abc1234', backends: ['trino', 'dbt'] });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const ir = r.ir!;
    const raw = ir.tables.find((t) => t.name === 'raw')!;
    const clean = ir.tables.find((t) => t.name === 'clean')!;
    const fq = (t: typeof raw) => `"${t.physical.catalog}"."${t.physical.schema}"."${t.physical.table}"`;
    const files = mkdtempSync(join(tmpdir(), 'lakespec-hostile-trino-'));
    mkdirSync(join(files, 'data'));
    writeFileSync(join(files, 'data', 'raw.csv'), hostileCsv(texts));
    try {
      for (const a of r.artifacts.filter((x) => x.kind === 'trino.ddl')) for (const stmt of splitSql(a.content)) await suite.trino.query(stmt);
      const warned: string[] = [];
      for (const step of trinoPlans(r.artifacts).find((p) => p.pipeline === 'hostile_clean')!.steps) {
        await runTrinoStep(suite.trino, step, files);
        for (const check of step.checks) {
          const n = (await suite.trino.query(check.sql)).rows.length;
          if (n > 0) warned.push(`${check.name}:${check.severity}`);
        }
      }
      expect(warned).toEqual(['groups_hostile:warn']);
      const readBack = async () => {
        expect((await suite.trino.query(`SELECT DISTINCT lit FROM ${fq(clean)}`)).rows).toEqual([[LITERAL(texts)]]);
        expect((await suite.trino.query(`SELECT label FROM ${fq(clean)} ORDER BY id`)).rows).toEqual(texts.map((t) => [t]));
      };
      await readBack();
      for (const t of [raw, clean]) {
        const table = await suite.trino.query(`SELECT comment FROM system.metadata.table_comments WHERE catalog_name = '${t.physical.catalog}' AND schema_name = '${t.physical.schema}' AND table_name = '${t.physical.table}'`);
        expect(table.rows, t.name).toEqual([[t.description]]);
        const cols = await suite.trino.query(`SELECT column_name, comment FROM "${t.physical.catalog}".information_schema.columns WHERE table_schema = '${t.physical.schema}' AND table_name = '${t.physical.table}' ORDER BY ordinal_position`);
        expect(cols.rows, t.name).toEqual(t.columns.map((c) => [c.name, c.description ?? null]));
      }

      // dbt-trino rebuilds clean from the same raw, with its data tests.
      const project = join(files, 'project');
      writeDbtProject(r.artifacts, project);
      const env = { LAKESPEC_DBT_TARGET: 'trino', LAKESPEC_TRINO_HOST: '127.0.0.1', LAKESPEC_TRINO_PORT: String(suite.trino.port), LAKESPEC_TRINO_USER: 'lakespec' };
      const build = await runDbt(engines().dbt, ['build'], project, env);
      expect(build.status, build.output.slice(-4000)).toBe(0);
      const by = dbtResults(project);
      expect(by('error')).toEqual([]);
      expect(by('fail')).toEqual([]);
      expect(by('warn')).toEqual(['clean__groups_hostile']);
      expect(by('pass').length).toBe(5);
      await readBack();
      const comment = await suite.trino.query(`SELECT comment FROM system.metadata.table_comments WHERE catalog_name = '${clean.physical.catalog}' AND schema_name = '${clean.physical.schema}' AND table_name = '${clean.physical.table}'`);
      expect(comment.rows).toEqual([[clean.description]]);
    } finally {
      rmSync(files, { recursive: true, force: true });
    }
  });
});
