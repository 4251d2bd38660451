// The statements that carry out one plan stage on a SQL engine. Pure: stage + desired and
// applied tables in, SQL out. Stages that only change lakespec's records produce none.
import type { SqlBackend } from '../../compiler/index.js';
import type { IRTable, SqlDialect } from '../../compiler/index.js';
import type { TableState } from '../plan/catalog-state.js';
import type { Stage } from '../plan/planner.js';

export function stageStatements(stage: Stage, backend: SqlBackend<SqlDialect>, desired: ReadonlyMap<string, IRTable>, applied: ReadonlyMap<string, TableState>): string[] {
  const d = backend.dialect;
  const t = desired.get(stage.target);
  const column = (name: string) => t!.columns.find((c) => c.name === name)!;
  switch (stage.kind) {
    case 'create_schema': {
      const [catalog, schema] = stage.target.split('.');
      return [`CREATE SCHEMA IF NOT EXISTS ${d.quoteIdent(catalog!)}.${d.quoteIdent(schema!)}`];
    }
    case 'create_table':
      return backend.tableStatements(t!);
    case 'rename_table': {
      const old = applied.get(stage.renamedFrom);
      return old && stage.from !== stage.to ? [d.renameTable({ physical: old.physical }, t!)] : [];
    }
    case 'copy_table': {
      // Into the new table as declared, from the old one: each column by its name there (or the name it was renamed from).
      const old = applied.get(stage.renamedFrom);
      if (!old) return backend.tableStatements(t!);
      const had = new Set(old.columns.map((c) => c.name));
      const pairs = t!.columns.map((c) => [c.name, had.has(c.name) ? c.name : c.renamedFrom && had.has(c.renamedFrom) ? c.renamedFrom : undefined] as const).filter((p): p is readonly [string, string] => p[1] !== undefined);
      const insert = `INSERT INTO ${d.tableRef(t!)} (${pairs.map(([to]) => d.quoteIdent(to)).join(', ')}) SELECT ${pairs.map(([, from]) => d.quoteIdent(from)).join(', ')} FROM ${d.tableRef({ physical: old.physical })}`;
      return [...backend.tableStatements(t!), insert, d.dropTable({ physical: old.physical })];
    }
    case 'rename_column':
      return [d.renameColumn(t!, stage.from, stage.column)];
    case 'add_column':
      return [d.addColumn(t!, column(stage.column))];
    case 'widen_type':
    case 'narrow_type':
      return [d.alterColumnType(t!, column(stage.column))];
    case 'relax_not_null':
      return [d.dropNotNull(t!, stage.column)];
    case 'change_partitioning':
      return d.setPartitioning(t!);
    case 'change_properties':
      return stage.properties.includes('description') ? [d.commentOnTable(t!)] : [];
    case 'drop_column':
      return [d.dropColumn(t!, stage.column)];
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
