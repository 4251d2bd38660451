// Spark SQL with the Iceberg catalog and SQL extensions.
import type { SqlType } from '../../spec/index.js';
import type { IRPartitionField, IRTable } from '../ir.js';
import { SqlDialect, enclose } from '../sql-dialect.js';

export class SparkDialect extends SqlDialect {
  readonly name = 'spark';

  override quoteIdent(name: string): string {
    return enclose(name, '`');
  }

  // Trino's date_diff('day', a, b) is Spark's timestampdiff(DAY, a, b): the same whole units
  // from a to b; Spark refuses a quoted unit.
  protected override portable(text: string): string {
    return text.replace(/\bdate_diff\s*\(\s*'(year|quarter|month|week|day|hour|minute|second|millisecond)'\s*,/gi, (_m, unit: string) => `timestampdiff(${unit.toUpperCase()},`);
  }

  // Spark's parser treats backslash as an escape inside string literals.
  override stringLiteral(value: string): string {
    return "'" + value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r') + "'";
  }

  typeName(t: SqlType): string {
    switch (t.kind) {
      case 'boolean':
        return 'BOOLEAN';
      case 'integer':
        return 'INT';
      case 'bigint':
        return 'BIGINT';
      case 'real':
        return 'FLOAT';
      case 'double':
        return 'DOUBLE';
      case 'decimal':
        return `DECIMAL(${t.precision}, ${t.scale})`;
      case 'varchar':
      case 'uuid': // Spark has no uuid type; Iceberg stores it as a string here (reported as lossy)
        return 'STRING';
      case 'date':
        return 'DATE';
      case 'time': // unsupported; reported before emission
        return 'STRING';
      case 'timestamp':
        return t.withTimeZone ? 'TIMESTAMP' : 'TIMESTAMP_NTZ';
      case 'varbinary':
        return 'BINARY';
      case 'array':
        return `ARRAY<${this.typeName(t.element)}>`;
      case 'map':
        return `MAP<${this.typeName(t.key)}, ${this.typeName(t.value)}>`;
      case 'row':
        return `STRUCT<${t.fields.map((f) => `${this.quoteIdent(f.name)}: ${this.typeName(f.type)}`).join(', ')}>`;
    }
  }

  partitionField(p: IRPartitionField): string {
    const col = this.quoteIdent(p.column);
    switch (p.transform) {
      case 'identity':
        return col;
      case 'year':
        return `years(${col})`;
      case 'month':
        return `months(${col})`;
      case 'day':
        return `days(${col})`;
      case 'hour':
        return `hours(${col})`;
      case 'bucket':
        return `bucket(${p.width}, ${col})`;
      case 'truncate':
        return `truncate(${p.width}, ${col})`;
    }
  }

  tableOptions(t: IRTable): string {
    let s = '\nUSING iceberg';
    if (t.partitioning.length > 0) s += `\nPARTITIONED BY (${t.partitioning.map((p) => this.partitionField(p)).join(', ')})`;
    if (t.description) s += `\nCOMMENT ${this.stringLiteral(t.description)}`;
    const props = [`'format-version' = '${t.storage.formatVersion}'`, `'write.format.default' = '${t.storage.fileFormat}'`];
    s += `\nTBLPROPERTIES (${props.join(', ')})`;
    return s;
  }

  /** Sort order is an Iceberg extension statement, not part of CREATE TABLE. */
  sortOrder(t: IRTable): string | undefined {
    if (t.storage.sortedBy.length === 0) return undefined;
    return `ALTER TABLE ${this.tableRef(t)} WRITE ORDERED BY ${t.storage.sortedBy.map((c) => this.quoteIdent(c)).join(', ')}`;
  }

  override replaceStatements(target: IRTable, select: string): string[] {
    return [`INSERT OVERWRITE ${this.tableRef(target)}\n${select}`];
  }

  override writeStatements(target: IRTable, select: string, write: Parameters<SqlDialect['writeStatements']>[2]): string[] {
    if (write.kind === 'append') return [`INSERT INTO ${this.tableRef(target)}\n${select}`];
    return super.writeStatements(target, select, write);
  }

  currentTimestamp(): string {
    return 'current_timestamp()';
  }

  secondsAgo(seconds: number): string {
    return `current_timestamp() - INTERVAL ${seconds} SECONDS`;
  }
}
