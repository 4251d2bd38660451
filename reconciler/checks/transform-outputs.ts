// What a transform's query produces, read by a real SQL parser (DuckDB's, through
// json_serialize_sql; no tables needed), against what its dataset declares:
//   - LS1320 (warning): DuckDB's parser cannot read it as exactly one SELECT: it cannot run
//     on the embedded engine (lakespec up), and its columns cannot be checked — a warning,
//     because Trino's and Spark's dialects accept what DuckDB's does not;
//   - LS1321 (warning): it selects a column the dataset does not declare (it would be dropped);
//   - LS1322 (error): the dataset declares a column the query does not produce (the run would
//     fail after the apply had already altered the table).
// Only what the parser states is used: a select item without a name it can tell (an
// expression without an alias, `t.*` over a join, * with EXCLUDE) makes the produced set
// unknown, and then no column is reported missing.
//
// An IO edge (the embedded DuckDB), so it is not part of compile(): validate, plan, apply
// and up run it after the pure analysis.
import { type AnalyzeResult, type Diagnostic, Locator, type Resource, type ResolvedStep, diagnostic, sortDiagnostics } from '../../spec/index.js';

interface SelectItem {
  class: string;
  alias?: string;
  query_location?: number;
  column_names?: string[];
  relation_name?: string;
  exclude_list?: unknown[];
  replace_list?: unknown[];
  rename_list?: unknown[];
  columns?: boolean;
  expr?: unknown;
}

interface QueryNode {
  type: string;
  select_list?: SelectItem[];
  from_table?: { type: string; alias?: string; table_name?: string };
  left?: QueryNode;
}

type Serialized = { error: false; statements: { node: QueryNode }[] } | { error: true; error_message: string; position?: string };

/** The query with each ref() as a quoted table name, and where each of its characters came from. */
function substitute(step: ResolvedStep): { text: string; origin: (offset: number) => number; tables: Map<string, string> } {
  const pieces: { at: number; from: number; length: number }[] = [];
  const tables = new Map<string, string>();
  let text = '';
  let from = 0;
  for (const part of step.sql ?? []) {
    if (part.kind === 'text') {
      pieces.push({ at: text.length, from, length: part.text.length });
      text += part.text;
      from += part.text.length;
    } else {
      const name = `__ref_${part.dataset}`;
      tables.set(name.toLowerCase(), part.dataset);
      pieces.push({ at: text.length, from: part.offset, length: 0 });
      text += `"${name}"`;
      from = part.offset + part.length;
    }
  }
  const origin = (offset: number) => {
    let best = pieces[0];
    for (const p of pieces) if (p.at <= offset) best = p;
    return best ? best.from + Math.min(offset - best.at, best.length) : 0;
  };
  return { text, origin, tables };
}

/** The column names the outermost query produces, or undefined when the parser cannot tell them all. */
function produced(node: QueryNode, tables: Map<string, string>, columnsOf: (dataset: string) => readonly string[] | undefined): { names: { name: string; at: number }[]; complete: boolean } {
  let n = node;
  // A UNION's columns are named by its first branch.
  while (n.type === 'SET_OPERATION_NODE' && n.left) n = n.left;
  if (n.type !== 'SELECT_NODE' || !n.select_list) return { names: [], complete: false };
  const names: { name: string; at: number }[] = [];
  let complete = true;
  const base = n.from_table?.type === 'BASE_TABLE' ? n.from_table : undefined;
  const baseDataset = base?.table_name ? tables.get(base.table_name.toLowerCase()) : undefined;
  for (const item of n.select_list) {
    const at = item.query_location ?? 0;
    if (item.alias) names.push({ name: item.alias, at });
    else if (item.class === 'COLUMN_REF' && item.column_names?.length) names.push({ name: item.column_names[item.column_names.length - 1]!, at });
    else if (item.class === 'STAR' && !item.columns && !item.expr && !item.exclude_list?.length && !item.replace_list?.length && !item.rename_list?.length && baseDataset && (!item.relation_name || item.relation_name === (base!.alias || base!.table_name))) {
      const cols = columnsOf(baseDataset);
      if (cols) for (const c of cols) names.push({ name: c, at });
      else complete = false;
    } else complete = false;
  }
  return { names, complete };
}

export async function transformOutputDiagnostics(analysis: AnalyzeResult): Promise<Diagnostic[]> {
  const pipelines = new Map<string, Resource<'Pipeline'>>();
  for (const r of analysis.parsed.resources) if (r.kind === 'Pipeline') pipelines.set(r.name, r as Resource<'Pipeline'>);
  const steps = [...analysis.projects.values()].flatMap((project) => project.pipelines.flatMap((p) => p.steps.filter((s) => s.type === 'transform' && s.sql?.length).map((s) => ({ project, pipeline: p, step: s }))));
  if (steps.length === 0) return [];
  // Loaded only when there is a transform to read: validate of other projects does not pay for it.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const out = new Map<string, Diagnostic>();
  try {
    // Every distinct query parsed in a few statements (one round trip each to DuckDB's
    // threads, not one per step: 1 340 transforms took 2.3 s one by one).
    const substituted = new Map(steps.map(({ step }) => [step, substitute(step)]));
    const texts = [...new Set([...substituted.values()].map((x) => x.text))];
    const serialized = new Map<string, string>();
    for (let i = 0; i < texts.length; i += 500) {
      const batch = texts.slice(i, i + 500);
      const list = `[${batch.map((t) => `'${t.replace(/'/g, "''")}'`).join(', ')}]`;
      const row = (await connection.runAndReadAll(`SELECT list_transform(${list}::VARCHAR[], x -> json_serialize_sql(x)) AS js`)).getRowObjectsJson()[0]!;
      (row.js as string[]).forEach((j, k) => serialized.set(batch[k]!, j));
    }
    for (const { project, pipeline, step } of steps) {
      const resource = pipelines.get(pipeline.name);
      if (!resource) continue;
      const index = (resource.spec as { steps?: { name?: string }[] }).steps?.findIndex((s) => s.name === step.name) ?? -1;
      if (index < 0) continue;
      const loc = new Locator(resource, project.environment);
      const { text, origin, tables } = substituted.get(step)!;
      const bytesToChars = (bytes: number) => Buffer.from(text, 'utf8').subarray(0, bytes).toString('utf8').length;
      const at = (queryLocation: number, length: number) => loc.inSql(['steps', index, 'sql'], origin(bytesToChars(queryLocation)), length);
      const json = serialized.get(text)!;
      const parsed = JSON.parse(json) as Serialized;
      const add = (d: Diagnostic) => out.set(`${d.code}\u0000${d.file}\u0000${d.range?.start.line}:${d.range?.start.column}\u0000${d.message}`, d);
      if (parsed.error || parsed.statements.length !== 1) {
        const why = parsed.error ? parsed.error_message : `it holds ${parsed.statements.length} statements`;
        const position = parsed.error && parsed.position !== undefined ? Number(parsed.position) : 0;
        add(diagnostic('LS1320', `step "${step.name}" of pipeline "${pipeline.name}" is not one query DuckDB's parser can read (${why}): it cannot run on the embedded engine, and its columns cannot be checked`, { location: at(Number.isFinite(position) ? position : 0, 1) }));
        continue;
      }
      const target = project.datasets.find((d) => d.name === step.into);
      if (!target) continue;
      const columnsOf = (name: string) => project.datasets.find((d) => d.name === name)?.columns.map((c) => c.name);
      const { names, complete } = produced(parsed.statements[0]!.node, tables, columnsOf);
      const declared = new Map(target.columns.map((c) => [c.name.toLowerCase(), c.name]));
      const seen = new Set<string>();
      for (const { name, at: where } of names) {
        seen.add(name.toLowerCase());
        if (!declared.has(name.toLowerCase())) {
          // The parser places an item at its expression; point at the name itself when it follows.
          const start = bytesToChars(where);
          const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          const found = new RegExp(`(?<![\\w"])"?${escaped}"?(?![\\w"])`, 'i').exec(text.slice(start, start + 2000));
          const offset = found ? start + found.index : start;
          add(diagnostic('LS1321', `step "${step.name}" selects column "${name}", which dataset "${target.name}" does not declare: it is not written (declare it, or leave it out of the query)`, { location: loc.inSql(['steps', index, 'sql'], origin(offset), found ? found[0].length : name.length) }));
        }
      }
      if (!complete) continue;
      const missing = target.columns.filter((c) => !seen.has(c.name.toLowerCase())).map((c) => c.name);
      if (missing.length > 0) {
        add(
          diagnostic('LS1322', `dataset "${target.name}" declares ${missing.length === 1 ? 'column' : 'columns'} ${missing.map((m) => `"${m}"`).join(', ')}, which step "${step.name}" does not produce: the run would fail after the apply altered the table (select ${missing.length === 1 ? 'it' : 'them'} in the query, or remove ${missing.length === 1 ? 'it' : 'them'} from the dataset)`, {
            location: at(0, 6),
          }),
        );
      }
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return sortDiagnostics([...out.values()]);
}

