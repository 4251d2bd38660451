// Trino with the Iceberg connector.
import type { SqlType } from '../../spec/index.js';
import { formatSqlType } from '../../spec/index.js';
import type { IRPartitionField, IRTable } from '../ir.js';
import { SqlDialect } from '../sql-dialect.js';

export class TrinoDialect extends SqlDialect {
  readonly name = 'trino';

  typeName(t: SqlType): string {
    // Our canonical spelling is Trino's own.
    return formatSqlType(t);
  }

  /** Iceberg partition transforms as the connector's `partitioning` strings. */
  partitionField(p: IRPartitionField): string {
    // Column names are validated identifiers; the connector parses these strings itself.
    switch (p.transform) {
      case 'identity':
        return p.column;
      case 'bucket':
      case 'truncate':
        return `${p.transform}(${p.column}, ${p.width})`;
      default:
        return `${p.transform}(${p.column})`;
    }
  }

  tableOptions(t: IRTable): string {
    const props: string[] = [`format = ${this.stringLiteral(t.storage.fileFormat.toUpperCase())}`, `format_version = ${t.storage.formatVersion}`];
    if (t.partitioning.length > 0) props.push(`partitioning = ARRAY[${t.partitioning.map((p) => this.stringLiteral(this.partitionField(p))).join(', ')}]`);
    if (t.storage.sortedBy.length > 0) props.push(`sorted_by = ARRAY[${t.storage.sortedBy.map((c) => this.stringLiteral(c)).join(', ')}]`);
    const comment = t.description ? `\nCOMMENT ${this.stringLiteral(t.description)}` : '';
    return `${comment}\nWITH (\n  ${props.join(',\n  ')}\n)`;
  }

  override setPartitioning(t: IRTable): string[] {
    return [`ALTER TABLE ${this.tableRef(t)} SET PROPERTIES partitioning = ARRAY[${t.partitioning.map((p) => this.stringLiteral(this.partitionField(p))).join(', ')}]`];
  }

  currentTimestamp(): string {
    return 'current_timestamp';
  }

  secondsAgo(seconds: number): string {
    return `current_timestamp - INTERVAL '${seconds}' SECOND`;
  }
}
