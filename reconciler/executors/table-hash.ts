// Content hash of a table, comparable across engines and runs. Normalisation: every value
// is cast to varchar by the engine (decimals keep their declared scale, dates are ISO),
// timestamps are spelled ISO-8601 with microseconds, NULL becomes '∅', the values of a row
// are joined with '|', and rows are sorted in JavaScript (independent of engine collation).
import { type SqlType, sha256 } from '../../spec/index.js';

export function rowsHash(rows: string[]): { rows: number; hash: string } {
  return { rows: rows.length, hash: sha256([...rows].sort().join('\n')) };
}

export function rowExpression(columns: readonly { name: string; type: SqlType }[], engine: 'trino' | 'duckdb' | 'spark'): string {
  return columns
    .map((c) => {
      const col = engine === 'spark' ? '`' + c.name.replace(/`/g, '``') + '`' : '"' + c.name.replace(/"/g, '""') + '"';
      let text: string;
      if (c.type.kind === 'timestamp') {
        text = engine === 'trino' ? `to_iso8601(${col})` : engine === 'duckdb' ? `strftime(${col}, '%Y-%m-%dT%H:%M:%S.%f')` : `date_format(${col}, "yyyy-MM-dd'T'HH:mm:ss.SSSSSS")`;
      } else text = `CAST(${col} AS ${engine === 'spark' ? 'STRING' : 'VARCHAR'})`;
      return `coalesce(${text}, '∅')`;
    })
    .join(engine === 'spark' ? ` || '|' || ` : ` || '|' || `);
}
