// Trino + Iceberg: DDL for every dataset, DML for pipelines whose engine is trino.
import type { BackendCapabilities } from '../backend.js';
import { TrinoDialect } from '../dialects/trino-dialect.js';
import type { IRIngestStep, IRPipeline, IRTable } from '../ir.js';
import { type PlanContext, type SourceAccess, SqlBackend } from './sql-backend.js';

export class TrinoBackend extends SqlBackend<TrinoDialect> {
  readonly id = 'trino' as const;
  readonly capabilities: BackendCapabilities = { partitioning: true, merge: true, readsFiles: false, unsupportedTypes: [] };

  constructor() {
    super(new TrinoDialect());
  }

  runsPipeline(p: IRPipeline): boolean {
    return p.engine === 'trino';
  }

  sourceAccess(step: IRIngestStep, target: IRTable, pipeline: IRPipeline, _ir: PlanContext): SourceAccess {
    const d = this.dialect;
    const conn = step.source.connection;
    // A source mounted in Trino as a catalog (e.g. the ERP's PostgreSQL) is read in place.
    const catalogs = (pipeline.connection?.config.catalogs as Record<string, string> | undefined) ?? {};
    const mounted = catalogs[conn.name];
    if (mounted && step.source.table) {
      const [schema, table] = step.source.table.includes('.') ? step.source.table.split('.') : [(conn.config.schema as string | undefined) ?? 'public', step.source.table];
      return { before: [], relation: `${d.quoteIdent(mounted)}.${d.quoteIdent(schema!)}.${d.quoteIdent(table!)}`, after: [] };
    }
    const stageTable = { physical: { ...target.physical, table: `__ls_stage_${step.pipeline}__${step.name}` } };
    const stage = d.tableRef(stageTable);
    const cols = '  ' + d.plainColumns(target, ',\n  ');
    return this.stagedExtract(step, target, stage, `CREATE TABLE ${stage} (\n${cols}\n)\nWITH (format = 'PARQUET')`, d.dropTable(stageTable));
  }

}
