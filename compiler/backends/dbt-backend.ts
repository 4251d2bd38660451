// dbt: a complete project — dbt_project.yml, profiles for dbt-duckdb and dbt-trino, one
// model per transform step (config(), ref(), source()), sources for ingested datasets and
// property files that carry the quality checks as dbt data tests.
import { type Diagnostic, byString, flat, formatSqlType, parseDurationSeconds } from '../../spec/index.js';
import type { Artifact } from '../artifact.js';
import { toYaml } from '../yaml-writer.js';
import { STRING_LITERAL_MACRO, dbtSqlText, jinjaText } from './dbt-text.js';
import { type Backend, type BackendCapabilities, EmitMemo, type EmitResult } from '../backend.js';
import { DuckDbDialect } from '../dialects/duckdb-dialect.js';
import { type IRProject, type IRTable, type IRTransformStep, tablesByName } from '../ir.js';
import { indent } from '../sql-dialect.js';
import type { SqlType } from '../../spec/index.js';

const duck = new DuckDbDialect();

export class DbtBackend implements Backend {
  readonly id = 'dbt' as const;
  readonly capabilities: BackendCapabilities = { partitioning: true, merge: true, readsFiles: false, unsupportedTypes: [] };

  emit(ir: IRProject, memo: EmitMemo = new EmitMemo()): EmitResult {
    const artifacts: Artifact[] = [];
    const diagnostics: Diagnostic[] = [];
    const tables = tablesByName(ir);
    const project = `lakespec_${ir.workspace}`;
    const transforms = new Map<string, IRTransformStep>();
    for (const p of ir.pipelines) for (const s of p.steps) if (s.kind === 'transform') transforms.set(s.target, s);
    const isModel = (t: IRTable) => transforms.has(t.name);
    const sourceName = (t: IRTable) => t.physical.schema;
    const relations = memo.relations;
    // Kept per table object (the IR is read-only) while its model-or-source status holds, so
    // that a recompile does not build a new string for every reference of every table.
    const relation = (name: string) => {
      const t = tables.get(name)!;
      const model = isModel(t);
      const known = relations.get(t);
      if (known && known.model === model) return known.text;
      const text = flat(model ? `{{ ref('${name}') }}` : `{{ source('${sourceName(t)}', '${name}') }}`);
      relations.set(t, { model, text });
      return text;
    };

    artifacts.push({ path: 'dbt/dbt_project.yml', kind: 'dbt.project', content: yamlFile(this.projectFile(ir, project)) });
    artifacts.push({ path: 'dbt/profiles.yml', kind: 'dbt.project', content: yamlFile(this.profiles(ir)) });
    artifacts.push({ path: 'dbt/macros/generate_schema_name.sql', kind: 'dbt.macro', content: SCHEMA_MACROS });
    artifacts.push({ path: 'dbt/macros/lakespec_tests.sql', kind: 'dbt.macro', content: TEST_MACROS });

    // Per table: its property entry (a YAML list item) and, for models, the model file.
    // Both depend on the table, its step, and how the tables it refers to are reached.
    const piece = (t: IRTable) => {
      const step = transforms.get(t.name);
      const deps: unknown[] = [ir.environment, step];
      const refer = (n: string) => deps.push(tables.get(n), relation(n));
      for (const c of t.checks) if (c.type === 'relationships') refer(c.to);
      if (step) for (const n of step.reads) refer(n);
      return memo.tables.get(t, deps, () => {
        // Pre-indented for where it goes: a model list (2) or a source's table list (6).
        // Written indented rather than indented afterwards: a regex replace returns a tree
        // of the pieces it joined, and kept in the memo those trees took 41 MB for 8.5 MB of
        // text at 10k datasets; the writer's join is one contiguous string.
        // The model is kept as an artifact object: an unchanged one is then the same object
        // next time, and the manifest reuses its hash.
        const model: Artifact | undefined = step ? { path: flat(`dbt/models/${t.layer}/${t.name}.sql`), kind: 'dbt.model', content: flat(this.model(t, step, relation)) } : undefined;
        return { entry: toYaml([this.tableProperties(t, relation, !step)], step ? '  ' : '      '), model };
      }) as { entry: string; model?: Artifact };
    };

    const pieces = new Map(ir.tables.map((t) => [t, piece(t)]));

    // Sources: datasets lakespec loads itself (ingest steps) or that nothing produces.
    const sourceTables = ir.tables.filter((t) => !isModel(t));
    if (sourceTables.length > 0) {
      const bySchema = new Map<string, IRTable[]>();
      for (const t of sourceTables) groupInto(bySchema, sourceName(t), t);
      const parts = [GENERATED + 'version: 2\nsources:\n'];
      for (const [schema, ts] of [...bySchema.entries()].sort(([a], [b]) => byString(a, b))) {
        const head = { name: schema, description: `Tables loaded by lakespec ingest steps (${ir.environment}).`, database: ts[0]!.physical.catalog, schema, loader: 'lakespec' };
        parts.push(toYaml([head], '  ') + '    tables:\n');
        for (const t of ts) parts.push(pieces.get(t)!.entry);
      }
      artifacts.push(memo.file('dbt/models/sources.yml', 'dbt.sources', parts));
    }

    // Models, grouped by layer.
    const byLayer = new Map<string, IRTable[]>();
    for (const t of ir.tables.filter(isModel)) groupInto(byLayer, t.layer, t);
    for (const [layer, ts] of [...byLayer.entries()].sort(([a], [b]) => byString(a, b))) {
      for (const t of ts) artifacts.push(pieces.get(t)!.model!);
      artifacts.push(memo.file(`dbt/models/${layer}/_${layer}__models.yml`, 'dbt.properties', [GENERATED + 'version: 2\nmodels:\n', ...ts.map((t) => pieces.get(t)!.entry)]));
    }
    return { artifacts, diagnostics };
  }

  private projectFile(ir: IRProject, project: string): object {
    return {
      name: project,
      version: '1.0.0',
      'config-version': 2,
      profile: 'lakespec',
      'model-paths': ['models'],
      'macro-paths': ['macros'],
      'test-paths': ['tests'],
      'target-path': 'target',
      'clean-targets': ['target'],
      vars: { lakespec_environment: ir.environment, lakespec_git_sha: ir.gitSha, lakespec_spec_hash: ir.specHash },
      models: { [project]: { '+persist_docs': { relation: true, columns: true } } },
    };
  }

  /** Profiles for both adapters; hosts, paths and credentials come from environment variables. */
  private profiles(ir: IRProject): object {
    const catalogs = [...new Set(ir.tables.map((t) => t.physical.catalog))].sort(byString);
    const gold = ir.tables.find((t) => t.layer === 'gold') ?? ir.tables[0];
    return {
      lakespec: {
        target: "{{ env_var('LAKESPEC_DBT_TARGET', 'duckdb') }}",
        outputs: {
          duckdb: {
            type: 'duckdb',
            path: "{{ env_var('LAKESPEC_DUCKDB_DIR', '.') }}/lakespec_dbt.duckdb",
            attach: catalogs.map((c) => ({ path: `{{ env_var('LAKESPEC_DUCKDB_DIR', '.') }}/${c}.duckdb`, alias: c })),
            database: catalogs[0] ?? 'main',
            schema: gold?.physical.schema ?? 'main',
            threads: 1,
          },
          trino: {
            type: 'trino',
            method: 'none',
            user: "{{ env_var('LAKESPEC_TRINO_USER', 'lakespec') }}",
            host: "{{ env_var('LAKESPEC_TRINO_HOST', '127.0.0.1') }}",
            port: "{{ env_var('LAKESPEC_TRINO_PORT', '8080') | int }}",
            database: catalogs[0] ?? 'lakehouse',
            schema: gold?.physical.schema ?? 'default',
            threads: 1,
          },
        },
      },
    };
  }

  private model(t: IRTable, step: IRTransformStep, relation: (n: string) => string): string {
    const q = (s: string) => duck.quoteIdent(s); // dbt-duckdb and dbt-trino both take standard quoting
    const cfg: string[] = [];
    const w = step.write;
    if (w.kind === 'replace') cfg.push(`materialized='table'`);
    else if (w.kind === 'append') cfg.push(`materialized='incremental'`, `incremental_strategy='append'`);
    else cfg.push(`materialized='incremental'`, `incremental_strategy='delete+insert'`, `unique_key=[${w.key.map((k) => `'${k}'`).join(', ')}]`);
    cfg.push(`database='${t.physical.catalog}'`, `schema='${t.physical.schema}'`, `alias='${t.physical.table}'`);
    const props: string[] = [`'format': "'${t.storage.fileFormat.toUpperCase()}'"`];
    if (t.partitioning.length > 0) {
      const parts = t.partitioning.map((p) => (p.transform === 'identity' ? p.column : p.width !== undefined ? `${p.transform}(${p.column}, ${p.width})` : `${p.transform}(${p.column})`));
      props.push(`'partitioning': "ARRAY[${parts.map((p) => `'${p}'`).join(', ')}]"`);
    }
    cfg.push(`properties={${props.join(', ')}}`);
    // The user's SQL is text to dbt, not Jinja: only the references lakespec resolved are.
    const body = step.query
      .map((p, i) => (p.kind === 'text' ? dbtSqlText(p.text, i + 1 < step.query.length) : relation(p.dataset)))
      .join('')
      .trim()
      .replace(/;\s*$/, '');
    const cols = t.columns.map((c) => `  cast(${q('src')}.${q(c.name)} as ${this.castType(c.type)}) as ${q(c.name)}`).join(',\n');
    return (
      `{{ config(\n    ${cfg.join(',\n    ')}\n) }}\n` +
      `-- lakespec: pipeline ${step.pipeline}, step ${step.name}; generated, do not edit\n` +
      `select\n${cols}\nfrom (\n${indent(body)}\n) as ${q('src')}\n`
    );
  }

  /** Trino's spelling, or both spellings when DuckDB's differs (chosen by target.type). */
  private castType(t: SqlType): string {
    const trino = formatSqlType(t);
    const duckdb = duck.typeName(t);
    return trino.toLowerCase() === duckdb.toLowerCase() ? trino : `{{ lakespec_type("${trino}", "${duckdb.replace(/"/g, '\\"')}") }}`;
  }

  private tableProperties(t: IRTable, relation: (n: string) => string, isSource: boolean): object {
    const columnTests = new Map<string, object[]>();
    const modelTests: object[] = [];
    const add = (col: string, test: object) => groupInto(columnTests, col, test);
    for (const c of t.checks) {
      const config = c.severity === 'warn' ? { config: { severity: 'warn' } } : {};
      const name = `${t.name}__${c.name}`;
      switch (c.type) {
        case 'not_null':
          c.columns.forEach((col) => add(col, { not_null: { name: c.columns.length > 1 ? `${name}__${col}` : name, ...config } }));
          break;
        case 'unique':
          if (c.columns.length === 1) add(c.columns[0]!, { unique: { name, ...config } });
          else modelTests.push({ lakespec_unique_combination: { name, arguments: { columns: [...c.columns] }, ...config } });
          break;
        case 'accepted_values':
          // lakespec's own test: dbt's accepted_values puts each value between quotes unescaped.
          add(c.column, { lakespec_accepted_values: { name, arguments: { values: c.values.map((v) => (typeof v === 'string' ? jinjaText(v) : v)) }, ...config } });
          break;
        case 'relationships':
          add(c.column, { lakespec_relationships: { name, arguments: { to: relation(c.to).replace(/^\{\{ | \}\}$/g, ''), field: c.field! }, ...config } });
          break;
        case 'freshness':
          modelTests.push({ lakespec_freshness: { name, arguments: { column_name: c.column, max_age_seconds: Math.ceil(parseDurationSeconds(c.maxAge)) }, ...config } });
          break;
        case 'volume':
          modelTests.push({ lakespec_volume: { name, arguments: { ...(c.min !== undefined ? { min_rows: c.min } : {}), ...(c.max !== undefined ? { max_rows: c.max } : {}) }, ...config } });
          break;
      }
    }
    // quote: dbt then passes the column to data tests quoted (a column may be named "select").
    const columns = t.columns.map((c) => ({
      name: c.name,
      quote: true,
      ...(c.description ? { description: jinjaText(c.description) } : {}),
      data_type: formatSqlType(c.type),
      ...(columnTests.has(c.name) ? { data_tests: columnTests.get(c.name) } : {}),
    }));
    return {
      name: t.name,
      ...(isSource && t.physical.table !== t.name ? { identifier: t.physical.table } : {}),
      ...(t.description ? { description: jinjaText(t.description) } : {}),
      ...(isSource ? {} : { meta: { lakespec: { layer: t.layer, owner: t.owner === undefined ? null : jinjaText(t.owner), tags: [...t.tags], primary_key: [...t.primaryKey] } } }),
      columns,
      ...(modelTests.length > 0 ? { data_tests: modelTests } : {}),
    };
  }
}

const GENERATED = '# generated by lakespec; do not edit\n';

function yamlFile(v: object): string {
  return GENERATED + toYaml(v);
}

const SCHEMA_MACROS = `-- generated by lakespec; do not edit
-- Physical names are resolved by lakespec per environment: use them verbatim.
{% macro generate_schema_name(custom_schema_name, node) -%}
  {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}

{% macro generate_database_name(custom_database_name=none, node=none) -%}
  {%- if custom_database_name is none -%}{{ target.database }}{%- else -%}{{ custom_database_name | trim }}{%- endif -%}
{%- endmacro %}

{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
  {%- if custom_alias_name is none -%}{{ node.name }}{%- else -%}{{ custom_alias_name | trim }}{%- endif -%}
{%- endmacro %}

-- A column type in the running adapter's spelling.
{% macro lakespec_type(trino_type, duckdb_type) -%}
  {%- if target.type == 'duckdb' -%}{{ duckdb_type }}{%- else -%}{{ trino_type }}{%- endif -%}
{%- endmacro %}

` + STRING_LITERAL_MACRO;

const TEST_MACROS = `-- generated by lakespec; do not edit
-- Generic data tests for lakespec checks that dbt does not ship.

-- Column names arrive unquoted as arguments and are quoted here; values are SQL literals
-- with their quotes doubled, as lakespec's SQL backends write them.

{% test lakespec_unique_combination(model, columns) %}
{%- set cols = [] -%}{%- for c in columns -%}{%- do cols.append(adapter.quote(c)) -%}{%- endfor -%}
select {{ cols | join(', ') }}, count(*) as duplicates
from {{ model }}
where {% for c in cols %}{{ c }} is not null{% if not loop.last %} and {% endif %}{% endfor %}
group by {{ cols | join(', ') }}
having count(*) > 1
{% endtest %}

{% test lakespec_accepted_values(model, column_name, values) %}
select *
from {{ model }}
where {{ column_name }} is not null and {{ column_name }} not in (
  {%- for v in values -%}
    {%- if v is string -%}{{ lakespec_string(v) }}
    {%- elif v is sameas true -%}true{%- elif v is sameas false -%}false
    {%- else -%}{{ v }}{%- endif -%}
    {%- if not loop.last %}, {% endif -%}
  {%- endfor -%}
)
{% endtest %}

{% test lakespec_relationships(model, column_name, to, field) %}
select child.*
from {{ model }} as child
left join {{ to }} as parent on child.{{ column_name }} = parent.{{ adapter.quote(field) }}
where child.{{ column_name }} is not null and parent.{{ adapter.quote(field) }} is null
{% endtest %}

{% test lakespec_freshness(model, column_name, max_age_seconds) %}
select max({{ adapter.quote(column_name) }}) as latest
from {{ model }}
having max({{ adapter.quote(column_name) }}) is null
    or max({{ adapter.quote(column_name) }}) < {{ dbt.dateadd('second', -1 * max_age_seconds, dbt.current_timestamp()) }}
{% endtest %}

{% test lakespec_volume(model, min_rows=none, max_rows=none) %}
select row_count
from (select count(*) as row_count from {{ model }}) as volume
where {% if min_rows is not none %}row_count < {{ min_rows }}{% endif %}
  {% if min_rows is not none and max_rows is not none %} or {% endif %}
  {% if max_rows is not none %}row_count > {{ max_rows }}{% endif %}
{% endtest %}
`;

/** Appends to a group (spreading into a new array per item made grouping 10k tables quadratic). */
function groupInto<K, V>(groups: Map<K, V[]>, key: K, value: V): void {
  const g = groups.get(key);
  if (g) g.push(value);
  else groups.set(key, [value]);
}
