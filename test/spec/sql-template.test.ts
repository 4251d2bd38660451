// Transform SQL is one query that stays inside lakespec's wrapper: what engines read as code
// is code here too (E'…' escapes, $$…$$ strings), and parentheses balance.
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import { parseSqlTemplate } from '../../spec/index.js';
import { PIPELINE, project } from '../helpers/specs.js';

const issues = (sql: string) => parseSqlTemplate(sql).issues.map((i) => ({ message: i.message, at: sql.slice(i.offset, i.offset + i.length) }));

describe('transform SQL templates', () => {
  it('refuses a ")" that would close the wrapper, and a "(" left open, at the character', () => {
    const escape = "select id from {{ ref('raw') }}) as x cross join (select 1 as y";
    expect(issues(escape)).toEqual([{ message: expect.stringContaining('closes a parenthesis the query never opened'), at: ')' }]);
    expect(parseSqlTemplate(escape).issues[0]!.offset).toBe(escape.indexOf('}})') + 2);
    expect(issues('select (1 as y from t')).toEqual([{ message: expect.stringContaining('is never closed'), at: '(' }]);
    expect(issues("select ')' as a, \"(\" as b, count(*) from t -- (")).toEqual([]);
  });

  it("reads E'…' strings and dollar quotes as DuckDB does, so a ';' or ')' cannot hide in them", () => {
    // DuckDB: E'\\'' is one quote; what follows is code with a ';'.
    expect(issues("select E'\\'' ; drop table x; --' as a from t").map((i) => i.at)).toContain(';');
    // DuckDB: $$'$$ is a string; the quote inside does not open one.
    expect(issues("select $$'$$ ; drop table x; '' as a from t").map((i) => i.at)).toContain(';');
    expect(issues('select $tag$ ) ; $tag$ as a from t')).toEqual([]);
    expect(issues("select e'a\\'b' as a, name from t")).toEqual([]);
  });

  it('validate reports the wrapper escape at the spec line', () => {
    const r = compile(
      project({
        'pipelines/shop.yaml': PIPELINE.replace("        from {{ ref('raw_orders') }}\n", "        from {{ ref('raw_orders') }}) as x cross join (select 1 as y\n"),
      }),
      { environment: 'dev' },
    );
    const d = r.diagnostics.filter((x) => x.code === 'LS1314');
    expect(d).toHaveLength(1);
    expect(d[0]!.file).toBe('pipelines/shop.yaml');
    expect(d[0]!.range!.start.line).toBe(17);
    expect(d[0]!.range!.start.column).toBe(37);
    expect(d[0]!.message).toContain('closes a parenthesis the query never opened');
  });
});
