// The executor-facing form of a pipeline for a SQL engine: ordered steps, each a list of
// actions (SQL statements, or an extract the executor performs from a connection) and
// the quality checks to run after it. Statements are kept separate so that executors
// never have to split SQL text.
//
// On disk a plan is two files: `<pipeline>.sql`, the script people review, and
// `<pipeline>.json`, which gives every statement as a range of the script's lines rather
// than repeating it. What runs is then byte for byte what was reviewed, and the output is
// a third smaller (at 10 000 datasets the JSON repeated 26 MB of SQL).
import type { CheckQuery } from './sql-dialect.js';

export type PlanAction =
  | {
      kind: 'sql';
      sql: string;
      /**
       * The statement is not idempotent (a plain append): run again, it writes its rows
       * again. Executors make sure a retried phase does not repeat it once it committed.
       */
      once?: true;
    }
  | {
      kind: 'extract';
      /** The connection to read from (secrets stay references). */
      connection: string;
      connectionType: string;
      /** Query in the source's dialect (postgres, trino); `$1` is the cursor bound when incremental. */
      query?: string;
      /** File path relative to the spec root (files connections). */
      path?: string;
      format?: string;
      /** Where the rows go: a staging table already created by a preceding action. */
      into: string;
      columns: { name: string; type: string }[];
      incremental?: { cursor: string; maxQuery: string };
    };

export interface PlanStep {
  name: string;
  type: 'ingest' | 'transform';
  into: string;
  table: string;
  dependsOn: string[];
  retries: number;
  timeoutSeconds: number;
  actions: PlanAction[];
  checks: CheckQuery[];
}

export const PIPELINE_PLAN_FORMAT = 'lakespec.dev/pipeline/v2';

export interface PipelinePlan {
  format: typeof PIPELINE_PLAN_FORMAT;
  engine: string;
  workspace: string;
  environment: string;
  pipeline: string;
  declaredEngine: string;
  schedule?: string;
  retries: number;
  timeoutSeconds: number;
  upstream: string[];
  steps: PlanStep[];
}

/** Lines `[first, last]` of the script (1-based, inclusive) holding one statement; the last ends with its ";". */
export type LineRange = [number, number];

type FileAction = Exclude<PlanAction, { kind: 'sql' }> | { kind: 'sql'; lines: LineRange; once?: true };
type FileCheck = Omit<CheckQuery, 'sql'> & { lines: LineRange };

/** The plan file: the plan with each statement replaced by its line range in `script`. */
interface PipelinePlanFile extends Omit<PipelinePlan, 'steps'> {
  script: string;
  steps: (Omit<PlanStep, 'actions' | 'checks'> & { actions: FileAction[]; checks: FileCheck[] })[];
}

/**
 * The script as pieces (the plan's own statement strings and the text between them), and
 * where each statement landed, in plan order (actions, then checks, step by step).
 */
export function pipelineScript(p: PipelinePlan): { parts: string[]; ranges: LineRange[] } {
  const parts: string[] = [];
  const ranges: LineRange[] = [];
  let line = 1; // the line the next piece starts on
  const text = (t: string) => {
    parts.push(t);
    for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) line++;
  };
  const statement = (sql: string) => {
    const first = line;
    text(sql);
    ranges.push([first, line]);
    text(';\n\n');
  };
  text(`-- lakespec pipeline ${p.pipeline} (${p.environment}) for ${p.engine}; generated, do not edit\n\n`);
  for (const s of p.steps) {
    text(`-- step ${s.name}: ${s.type} into ${s.into}${s.dependsOn.length ? ` (after ${s.dependsOn.join(', ')})` : ''}\n`);
    for (const a of s.actions) {
      if (a.kind === 'sql') statement(a.sql);
      else {
        text(`-- extract from connection ${a.connection} (${a.connectionType}) into ${a.into}${a.path ? `: ${a.path}` : ''}\n`);
        if (a.query) for (const l of a.query.split('\n')) text(`--   ${l}\n`);
        text('\n');
      }
    }
    for (const c of s.checks) {
      text(`-- check ${c.name} (${c.severity}): offending rows\n`);
      statement(c.sql);
    }
  }
  // The script ends with one newline, not a blank line.
  const last = parts[parts.length - 1]!;
  if (last.endsWith('\n\n')) parts[parts.length - 1] = last.slice(0, -1);
  return { parts, ranges };
}

/** The readable SQL script (extracts appear as comments). */
export function pipelinePlanSql(p: PipelinePlan): string {
  return pipelineScript(p).parts.join('');
}

/**
 * The plan file for the script named `script` (the .sql beside it), given where the script
 * put each statement when it was already laid out. Compact: it is for executors.
 */
export function pipelinePlanJson(p: PipelinePlan, script: string, ranges: readonly LineRange[] = pipelineScript(p).ranges): string {
  let next = 0;
  const { format, ...rest } = p;
  const file: PipelinePlanFile = {
    format,
    script,
    ...rest,
    steps: p.steps.map((s) => ({
      ...s,
      actions: s.actions.map((a): FileAction => (a.kind === 'sql' ? { kind: 'sql', lines: ranges[next++]!, ...(a.once ? { once: true as const } : {}) } : a)),
      checks: s.checks.map(({ sql: _sql, ...c }): FileCheck => ({ ...c, lines: ranges[next++]! })),
    })),
  };
  return JSON.stringify(file) + '\n';
}

/**
 * A plan read back from its two files. Throws, naming the file and line, when the JSON is
 * not a plan of this format or a range does not hold a statement (the script was edited).
 */
export function readPipelinePlan(json: string, script: string, where = 'pipeline plan'): PipelinePlan {
  const file = JSON.parse(json) as PipelinePlanFile;
  if (file.format !== PIPELINE_PLAN_FORMAT) throw new Error(`${where}: format is ${JSON.stringify(file.format)}, expected ${PIPELINE_PLAN_FORMAT}; recompile the specs`);
  const lines = script.split('\n');
  const take = (r: LineRange | undefined): string => {
    const ok = Array.isArray(r) && Number.isInteger(r[0]) && Number.isInteger(r[1]) && r[0] >= 1 && r[0] <= r[1] && r[1] <= lines.length && lines[r[1] - 1]!.endsWith(';');
    if (!ok) throw new Error(`${where}: lines ${JSON.stringify(r)} of ${file.script} do not hold a statement; was the script edited? Recompile the specs`);
    return lines.slice(r[0] - 1, r[1]).join('\n').slice(0, -1);
  };
  const { script: _script, ...rest } = file;
  return {
    ...rest,
    steps: file.steps.map((s) => ({
      ...s,
      actions: s.actions.map((a): PlanAction => (a.kind === 'sql' ? { kind: 'sql', sql: take(a.lines), ...(a.once ? { once: true as const } : {}) } : a)),
      checks: s.checks.map(({ lines: r, ...c }): CheckQuery => ({ ...c, sql: take(r) })),
    })),
  };
}
