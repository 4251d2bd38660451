// DuckDB, the embedded local engine. Each physical catalog is an attached database file.
import type { SqlType } from '../../spec/index.js';
import type { IRTable } from '../ir.js';
import { SqlDialect } from '../sql-dialect.js';

export class DuckDbDialect extends SqlDialect {
  readonly name = 'duckdb';

  typeName(t: SqlType): string {
    switch (t.kind) {
      case 'boolean':
        return 'BOOLEAN';
      case 'integer':
        return 'INTEGER';
      case 'bigint':
        return 'BIGINT';
      case 'real':
        return 'REAL';
      case 'double':
        return 'DOUBLE';
      case 'decimal':
        return `DECIMAL(${t.precision}, ${t.scale})`;
      case 'varchar':
        return 'VARCHAR';
      case 'date':
        return 'DATE';
      case 'time':
        return 'TIME';
      case 'timestamp':
        return t.withTimeZone ? 'TIMESTAMPTZ' : 'TIMESTAMP';
      case 'uuid':
        return 'UUID';
      case 'varbinary':
        return 'BLOB';
      case 'array':
        return `${this.typeName(t.element)}[]`;
      case 'map':
        return `MAP(${this.typeName(t.key)}, ${this.typeName(t.value)})`;
      case 'row':
        return `STRUCT(${t.fields.map((f) => `${this.quoteIdent(f.name)} ${this.typeName(f.type)}`).join(', ')})`;
    }
  }

  // DuckDB has no column comments in CREATE TABLE; they are set with COMMENT ON afterwards.
  /** DuckDB names the new table without its schema (it stays in the same one). */
  override renameTable(from: Pick<IRTable, 'physical'>, to: Pick<IRTable, 'physical'>): string {
    return `ALTER TABLE ${this.tableRef(from)} RENAME TO ${this.quoteIdent(to.physical.table)}`;
  }

  override columnComment(): string {
    return '';
  }

  tableOptions(): string {
    return '';
  }

  /** COMMENT ON statements that follow CREATE TABLE. */
  comments(t: IRTable): string[] {
    const out: string[] = [];
    if (t.description) out.push(`COMMENT ON TABLE ${this.tableRef(t)} IS ${this.stringLiteral(t.description)}`);
    for (const c of t.columns) if (c.description) out.push(`COMMENT ON COLUMN ${this.tableRef(t)}.${this.quoteIdent(c.name)} IS ${this.stringLiteral(c.description)}`);
    return out;
  }

  currentTimestamp(): string {
    return 'current_timestamp';
  }

  secondsAgo(seconds: number): string {
    return `current_timestamp - to_seconds(${seconds})`;
  }

  /** A file read with the declared column types (no type sniffing, so results are reproducible). */
  readFile(path: string, format: 'csv' | 'parquet' | 'json', t: IRTable): string {
    const cols = `{${t.columns.map((c) => `${this.stringLiteral(c.name)}: ${this.stringLiteral(this.typeName(c.type))}`).join(', ')}}`;
    switch (format) {
      case 'csv':
        return `read_csv(${this.stringLiteral(path)}, header = true, auto_detect = false, columns = ${cols})`;
      case 'json':
        return `read_json(${this.stringLiteral(path)}, auto_detect = false, columns = ${cols})`;
      case 'parquet':
        return `read_parquet(${this.stringLiteral(path)})`;
    }
  }
}
