// Rows of a Parquet or JSON file, for engines that cannot read local files themselves
// (Trino): an in-memory DuckDB reads the file (read_parquet / read_json_auto) and hands the
// rows over as text, the form the extract loads them in. CSV keeps its own small reader.

const sq = (s: string) => "'" + s.replace(/'/g, "''") + "'";

export async function readFileRows(path: string, format: 'parquet' | 'json'): Promise<{ header: string[]; rows: (string | null)[][] }> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const source = format === 'parquet' ? `read_parquet(${sq(path)})` : `read_json_auto(${sq(path)})`;
    const described = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRowsJson() as string[][];
    const header = described.map((r) => r[0]!);
    // Every value as text (timestamps in ISO form), NULL kept: the extract casts per column.
    const select = header.map((h) => `CAST("${h.replace(/"/g, '""')}" AS VARCHAR)`).join(', ');
    const rows = (await conn.runAndReadAll(`SELECT ${select} FROM ${source}`)).getRowsJson() as (string | null)[][];
    return { header, rows };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
