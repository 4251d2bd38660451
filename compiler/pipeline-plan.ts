// The executor-facing form of a pipeline for a SQL engine: ordered steps, each a list of
// actions (SQL statements, or an extract the executor performs from a connection) and
// the quality checks to run after it. Statements are kept separate so that executors
// never have to split SQL text.
import type { CheckQuery } from './sql-dialect.js';

export type PlanAction =
  | { kind: 'sql'; sql: string }
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

export interface PipelinePlan {
  format: 'lakespec.dev/pipeline/v1';
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

/** Compact: this file is for executors; the .sql beside it is for people. */
export function pipelinePlanJson(p: PipelinePlan): string {
  return JSON.stringify(p) + '\n';
}

/** The same plan as one readable SQL script (extracts appear as comments). */
export function pipelinePlanSql(p: PipelinePlan): string {
  const out: string[] = [`-- lakespec pipeline ${p.pipeline} (${p.environment}) for ${p.engine}; generated, do not edit`, ''];
  for (const s of p.steps) {
    out.push(`-- step ${s.name}: ${s.type} into ${s.into}${s.dependsOn.length ? ` (after ${s.dependsOn.join(', ')})` : ''}`);
    for (const a of s.actions) {
      if (a.kind === 'sql') out.push(a.sql + ';', '');
      else out.push(`-- extract from connection ${a.connection} (${a.connectionType}) into ${a.into}${a.path ? `: ${a.path}` : ''}`, ...(a.query ? a.query.split('\n').map((l) => `--   ${l}`) : []), '');
    }
    for (const c of s.checks) out.push(`-- check ${c.name} (${c.severity}): offending rows`, c.sql + ';', '');
  }
  return out.join('\n');
}
