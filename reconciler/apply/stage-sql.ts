// The statements that carry out one plan stage on a SQL engine. Pure: stage + desired and
// applied tables in, SQL out. Stages that only change lakespec's records produce none.
import type { SqlBackend } from '../../compiler/backends/sql-backend.js';
import type { IRTable, SqlDialect } from '../../compiler/index.js';
import type { TableState } from '../plan/catalog-state.js';
import type { Stage } from '../plan/planner.js';

export function stageStatements(stage: Stage, backend: SqlBackend<SqlDialect>, desired: ReadonlyMap<string, IRTable>, applied: ReadonlyMap<string, TableState>): string[] {
  const d = backend.dialect;
  const t = desired.get(stage.target);
  const column = () => t!.columns.find((c) => c.name === stage.column)!;
  switch (stage.kind) {
    case 'create_schema': {
      const [catalog, schema] = stage.target.split('.');
      return [`CREATE SCHEMA IF NOT EXISTS ${d.quoteIdent(catalog!)}.${d.quoteIdent(schema!)}`];
    }
    case 'create_table':
      return backend.tableStatements(t!);
    case 'add_column':
      return [d.addColumn(t!, column())];
    case 'widen_type':
    case 'narrow_type':
      return [d.alterColumnType(t!, column())];
    case 'relax_not_null':
      return [d.dropNotNull(t!, stage.column!)];
    case 'change_partitioning':
      return d.setPartitioning(t!);
    case 'change_properties':
      return stage.properties?.includes('description') ? [d.commentOnTable(t!)] : [];
    case 'drop_column':
      return [d.dropColumn(t!, stage.column!)];
    case 'drop_table': {
      const old = applied.get(stage.target);
      return old ? [d.dropTable({ physical: old.physical })] : [];
    }
    // Recorded by lakespec only: adoption, pipelines, connections, primary keys (enforced
    // by merges and the unique check), NOT NULL tightening (enforced by the not-null check).
    case 'adopt_table':
    case 'require_not_null':
    case 'change_primary_key':
    case 'create_pipeline':
    case 'replace_pipeline':
    case 'drop_pipeline':
    case 'create_connection':
    case 'update_connection':
    case 'drop_connection':
      return [];
  }
}
