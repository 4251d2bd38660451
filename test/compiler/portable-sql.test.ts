// Transforms are written in Trino's SQL; the few functions spelled differently elsewhere are
// rewritten per dialect (outside string literals is the caller's text; refs are untouched).
import { describe, expect, it } from 'vitest';
import { SparkDialect, TrinoDialect } from '../../compiler/index.js';

const parts = (text: string) => [{ kind: 'text' as const, text }];

describe('portable functions', () => {
  it("Spark: date_diff('day', a, b) becomes timestampdiff(DAY, a, b); Trino keeps it", () => {
    const sql = "select date_diff('day', i.due_date, d) as overdue, DATE_DIFF( 'Month' ,a,b) from t";
    expect(new SparkDialect().renderQuery(parts(sql), new Map())).toBe('select timestampdiff(DAY, i.due_date, d) as overdue, timestampdiff(MONTH,a,b) from t');
    expect(new TrinoDialect().renderQuery(parts(sql), new Map())).toBe(sql);
  });
});
