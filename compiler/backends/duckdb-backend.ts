// DuckDB, the embedded local engine: every pipeline runs here when working locally.
// Each physical catalog is a DuckDB database attached under that name by the executor,
// and relative file paths resolve against the spec root (DuckDB's file_search_path).
import type { BackendCapabilities } from '../backend.js';
import { DuckDbDialect } from '../dialects/duckdb-dialect.js';
import type { IRIngestStep, IRPipeline, IRTable } from '../ir.js';
import { type PlanContext, type SourceAccess, SqlBackend, filesPath } from './sql-backend.js';

export class DuckDbBackend extends SqlBackend<DuckDbDialect> {
  readonly id = 'duckdb' as const;
  readonly capabilities: BackendCapabilities = { partitioning: false, merge: true, readsFiles: true, unsupportedTypes: [] };

  constructor() {
    super(new DuckDbDialect());
  }

  runsPipeline(): boolean {
    return true;
  }

  override tableStatements(t: IRTable): string[] {
    const out = super.tableStatements(t);
    if (t.partitioning.length > 0) {
      // DuckDB tables are not partitioned; the layout is an Iceberg concern only.
      out[1] = `-- partitioning (${t.partitioning.map((p) => (p.transform === 'identity' ? p.column : `${p.transform}(${p.column})`)).join(', ')}) applies on Iceberg engines only\n${out[1]}`;
    }
    return [...out, ...this.dialect.comments(t)];
  }

  sourceAccess(step: IRIngestStep, target: IRTable, _pipeline: IRPipeline, _ir: PlanContext): SourceAccess {
    const d = this.dialect;
    if (step.source.path) {
      return { before: [], relation: d.readFile(filesPath(step), step.source.format ?? 'csv', target), after: [] };
    }
    const stage = d.quoteIdent(`__ls_stage_${step.pipeline}__${step.name}`);
    const cols = '  ' + d.plainColumns(target, ',\n  ');
    return this.stagedExtract(step, target, stage, `CREATE TEMP TABLE ${stage} (\n${cols}\n)`, `DROP TABLE IF EXISTS ${stage}`);
  }
}
