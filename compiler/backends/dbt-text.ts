// Spec text on its way into a dbt project. dbt renders every string it reads as Jinja: model
// SQL when it compiles, property values at parse time, descriptions when it builds the docs,
// data-test arguments when it compiles a test. Text a user wrote in a spec must come out of
// that rendering as the same text, so it goes in with its Jinja openings escaped.
import { endOfNonCode } from '../../spec/index.js';

/**
 * The text with every `{` that would open Jinja (`{{`, `{%`, `{#`) written as `{{ '{' }}`,
 * which renders to `{`; so the rendered result is the input, character for character.
 * `openAtEnd`: the text is followed by real Jinja (a `{{ ref() }}` after a SQL fragment), so
 * a trailing `{` would join it and is escaped too.
 */
export function jinjaText(text: string, openAtEnd = false): string {
  if (!text.includes('{')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === '{' && (next === '{' || next === '%' || next === '#' || (next === undefined && openAtEnd))) out += "{{ '{' }}";
    else out += ch;
  }
  return out;
}

/**
 * A fragment of a transform's SQL for a dbt model: Jinja-escaped, and with every string
 * literal that holds a backslash written so that dbt-trino reads it as Trino does. dbt-trino
 * splits what it sends on ";" with sqlparse, which takes `\'` for an escaped quote: a literal
 * such as 'C:\' would seem to run on, and a ";" after it would cut the statement in two
 * (and run the rest as a statement of its own). On Trino the literal becomes U&'…' with the
 * backslash as \005C; DuckDB (no U& literals, no splitting) keeps it as written.
 */
export function dbtSqlText(text: string, openAtEnd = false): string {
  if (!text.includes('\\')) return jinjaText(text, openAtEnd);
  let out = '';
  let plain = '';
  let i = 0;
  while (i < text.length) {
    const end = endOfNonCode(text, i);
    if (end === undefined) {
      plain += text[i];
      i++;
      continue;
    }
    const piece = text.slice(i, end);
    if (piece.startsWith("'") && piece.includes('\\') && !/[A-Za-z0-9_]$/.test(plain)) {
      out += jinjaText(plain);
      plain = '';
      const body = piece.endsWith("'") && piece.length >= 2 ? piece.slice(1, -1) : piece.slice(1);
      out += `{% if target.type == 'trino' %}U&'${jinjaText(body.replace(/\\/g, '\\005C'))}'{% else %}'${jinjaText(body)}'{% endif %}`;
    } else plain += piece;
    i = end;
  }
  return out + jinjaText(plain, openAtEnd);
}

/** A spec string as a SQL string literal that both engines and dbt-trino's splitter read the same way. */
export const STRING_LITERAL_MACRO = `-- A string as a SQL literal. On Trino a backslash is written \\005C in a U&'' literal, so
-- that dbt-trino's statement splitter (sqlparse, which reads \\' as an escaped quote) sees
-- the literal end where Trino does.
{% macro lakespec_string(s) -%}
  {%- if target.type == 'trino' -%}U&'{{ s | replace("\\\\", "\\\\005C") | replace("'", "''") }}'
  {%- else -%}'{{ s | replace("'", "''") }}'{%- endif -%}
{%- endmacro %}

-- Table and column comments on Trino, one statement each, as lakespec_string literals
-- (dbt-trino's own macros send the column comments as one text split on ";").
{% macro trino__persist_docs(relation, model, for_relation, for_columns) -%}
  {%- if for_relation and config.persist_relation_docs() and model.description -%}
    {%- do run_query('comment on table ' ~ relation ~ ' is ' ~ lakespec_string(model.description)) -%}
  {%- endif -%}
  {%- if for_columns and config.persist_column_docs() and model.columns -%}
    {%- set existing = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
    {%- for name, column in model.columns.items() if name in existing -%}
      {%- set text = lakespec_string(column.description) if column.description else 'null' -%}
      {%- do run_query('comment on column ' ~ relation ~ '.' ~ adapter.quote(name) ~ ' is ' ~ text) -%}
    {%- endfor -%}
  {%- endif -%}
{%- endmacro %}
`;
