// A pipeline plan on disk is a script and a JSON file of line ranges into it: reading the
// two back must give the plan exactly, whatever its statements contain, and an edited
// script must be refused rather than run.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PIPELINE_PLAN_FORMAT, type PipelinePlan, compile, readPipelinePlan, readPipelinePlans } from '../../compiler/index.js';
import { pipelinePlanJson, pipelinePlanSql, pipelineScript } from '../../compiler/pipeline-plan.js';
import { readSpecFiles } from '../../spec/index.js';
import { join } from 'node:path';
import { EXAMPLES } from '../helpers/paths.js';

const sqlArb = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.constantFrom('SELECT 1', 'SELECT 1\n', '\nSELECT\n  1\n', "SELECT ';' AS x\nFROM t", 'SELECT 1;', '-- only a comment\nSELECT 2', 'a\n\nb', '\n'),
);
const checkArb = fc.record({ name: fc.string({ maxLength: 8 }), type: fc.constantFrom('not_null' as const, 'unique' as const, 'volume' as const), severity: fc.constantFrom('error' as const, 'warn' as const), sql: sqlArb });
const actionArb = fc.oneof(
  sqlArb.map((sql) => ({ kind: 'sql' as const, sql })),
  fc.record({ q: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }), p: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }) }).map(({ q, p }) => ({
    kind: 'extract' as const,
    connection: 'src',
    connectionType: 'postgres',
    into: '"stage"',
    columns: [{ name: 'id', type: 'bigint' }],
    ...(q !== undefined ? { query: q } : {}),
    ...(p !== undefined ? { path: p } : {}),
  })),
);
const planArb: fc.Arbitrary<PipelinePlan> = fc.array(fc.record({ actions: fc.array(actionArb, { maxLength: 4 }), checks: fc.array(checkArb, { maxLength: 3 }) }), { maxLength: 4 }).map((steps) => ({
  format: PIPELINE_PLAN_FORMAT,
  engine: 'duckdb',
  workspace: 'w',
  environment: 'dev',
  pipeline: 'p',
  declaredEngine: 'trino',
  retries: 0,
  timeoutSeconds: 60,
  upstream: [],
  steps: steps.map((s, i) => ({ name: `s${i}`, type: 'transform' as const, into: `t${i}`, table: `c.s.t${i}`, dependsOn: i > 0 ? [`s${i - 1}`] : [], retries: 0, timeoutSeconds: 60, ...s })),
}));

describe('pipeline plan files', () => {
  it('read back as the same plan, and the script is its pieces joined (property)', () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        const script = pipelinePlanSql(plan);
        expect(pipelineScript(plan).parts.join('')).toBe(script);
        expect(script.endsWith('\n')).toBe(true);
        expect(readPipelinePlan(pipelinePlanJson(plan, 'p.sql'), script)).toEqual(plan);
      }),
      { numRuns: 600 },
    );
  });

  it('the JSON holds line ranges, not SQL, and each range ends on its statement\'s ";"', () => {
    const r = compile(readSpecFiles(join(EXAMPLES, 'finance')).files, { environment: 'dev', gitSha: 'abc1234' });
    const json = r.artifacts.find((a) => a.path === 'trino/pipelines/erp_ingest.json')!.content;
    const script = r.artifacts.find((a) => a.path === 'trino/pipelines/erp_ingest.sql')!.content;
    expect(json).not.toContain('INSERT INTO');
    const file = JSON.parse(json) as { script: string; steps: { actions: { kind: string; lines?: [number, number] }[] }[] };
    expect(file.script).toBe('erp_ingest.sql');
    const lines = script.split('\n');
    const first = file.steps[0]!.actions.find((a) => a.kind === 'sql')!.lines!;
    expect(lines[first[1] - 1]!.endsWith(';')).toBe(true);
    // Every plan of both SQL engines reads back.
    expect(readPipelinePlans(r.artifacts, 'trino').map((p) => p.pipeline)).toEqual(['erp_ingest', 'sales_silver']);
    expect(readPipelinePlans(r.artifacts, 'duckdb').length).toBe(4);
  });

  it('refuses an edited script, another format, and a missing script, naming the file', () => {
    const plan: PipelinePlan = { ...fc.sample(planArb, { numRuns: 1, seed: 7 })[0]!, steps: [] };
    plan.steps.push({ name: 'a', type: 'transform', into: 't', table: 'c.s.t', dependsOn: [], retries: 0, timeoutSeconds: 60, actions: [{ kind: 'sql', sql: 'DELETE FROM t' }], checks: [] });
    const json = pipelinePlanJson(plan, 'p.sql');
    const script = pipelinePlanSql(plan);
    const edited = script.replace(/;\n/, '\n');
    expect(() => readPipelinePlan(json, edited, 'duckdb/pipelines/p.json')).toThrow(/duckdb\/pipelines\/p\.json: lines \[\d+,\d+\] of p\.sql do not hold a statement; was the script edited\?/);
    expect(() => readPipelinePlan(json.replace('pipeline/v2', 'pipeline/v1'), script, 'x.json')).toThrow(/x\.json: format is "lakespec\.dev\/pipeline\/v1", expected lakespec\.dev\/pipeline\/v2; recompile/);
    expect(() => readPipelinePlans([{ path: 'duckdb/pipelines/p.json', kind: 'duckdb.pipeline', content: json }], 'duckdb')).toThrow('duckdb/pipelines/p.json: its script duckdb/pipelines/p.sql is not among the artifacts');
  });
});
