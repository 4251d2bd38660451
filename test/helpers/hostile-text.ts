// Spec text built to break out of whatever it is written into: SQL string literals, Jinja,
// YAML, comments. Fixed cases that broke backends before, plus random strings from a fixed
// seed (fast-check) drawn from the same dangerous alphabet, so a run is repeatable.
import fc from 'fast-check';

export const HOSTILE_CASES: readonly string[] = [
  "O'Brien",
  "'); DROP TABLE x; --",
  '{{ 7*7 }}',
  '{% if true %}yes{% endif %}',
  '{# not a comment #}',
  '#} %} }}',
  '{{{',
  '{',
  'back\\slash \\\' \\\\',
  'semi; -- dash /* star */',
  'two\nlines',
  'ünïcødé ☃ 𝄞 日本',
  '"double" `tick`',
  '42',
  'true',
  'null',
];

const ALPHABET = ["'", '"', '\\', '{', '}', '%', '#', '-', ';', '\n', ' ', 'a', 'Z', '0', '/', '*', '`', '$', 'é', '☃', '𝄞'];

/** `count` random strings (1 to 24 characters) from the alphabet above, the same for a given seed. */
export function randomHostile(count: number, seed = 20261203): string[] {
  return fc.sample(fc.array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 24 }).map((cs) => cs.join('')), { seed, numRuns: count });
}

/** The fixed cases and random ones, distinct, none with leading or trailing blanks (YAML and engines may trim those in descriptions). */
export function hostileStrings(randomCount = 12): string[] {
  const all = [...HOSTILE_CASES, ...randomHostile(randomCount)].map((s) => s.replace(/^\s+|\s+$/g, '')).filter((s) => s.length > 0);
  return [...new Set(all)];
}

/** A SQL string literal in standard SQL (quotes doubled, nothing else special). */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * A one-workspace project whose every free-text field carries hostile text: the dataset and
 * column descriptions, the owner, accepted values (one check that must pass, one that must
 * fail) and a string literal inside the transform's SQL. Two columns are named `select` and
 * `group`. Files are JSON, which YAML reads as it is.
 */
export function hostileProject(texts: readonly string[]): { path: string; text: string }[] {
  const at = (i: number) => texts[i % texts.length]!;
  const columns = (offset: number) => [
    { name: 'id', type: 'bigint', nullable: false, description: at(offset) },
    { name: 'select', type: 'varchar', description: at(offset + 1) },
    { name: 'group', type: 'varchar', description: at(offset + 2) },
    { name: 'label', type: 'varchar', description: at(offset + 3) },
  ];
  const workspace = {
    apiVersion: 'lakespec.dev/v1',
    kind: 'Workspace',
    metadata: { name: 'hostile', description: at(0) },
    spec: { owners: ['data@example.com'], catalog: 'lake', defaultEnvironment: 'dev', environments: { dev: {} } },
  };
  const raw = {
    apiVersion: 'lakespec.dev/v1',
    kind: 'Dataset',
    metadata: { name: 'raw', description: at(1) },
    spec: { layer: 'bronze', owner: at(2), description: at(3), columns: columns(4), primaryKey: ['id'] },
  };
  const clean = {
    apiVersion: 'lakespec.dev/v1',
    kind: 'Dataset',
    metadata: { name: 'clean' },
    spec: {
      layer: 'silver',
      owner: at(5),
      description: at(6),
      columns: [...columns(7), { name: 'lit', type: 'varchar', description: at(11) }],
      primaryKey: ['id'],
      checks: [
        { type: 'not_null', name: 'select_present', columns: ['select'] },
        { type: 'unique', name: 'group_unique', columns: ['group'] },
        { type: 'unique', name: 'select_group_unique', columns: ['select', 'group'] },
        { type: 'accepted_values', name: 'labels_accepted', column: 'label', values: [...texts] },
        // Every row's group is g<n>: none is among the hostile values, so this one finds rows.
        { type: 'accepted_values', name: 'groups_hostile', column: 'group', values: [...texts], severity: 'warn' },
        { type: 'relationships', name: 'raw_exists', column: 'id', to: 'raw' },
      ],
    },
  };
  const files = { apiVersion: 'lakespec.dev/v1', kind: 'Connection', metadata: { name: 'drop', description: at(13) }, spec: { type: 'files', path: 'data', format: 'csv' } };
  const pipeline = {
    apiVersion: 'lakespec.dev/v1',
    kind: 'Pipeline',
    metadata: { name: 'hostile_clean' },
    spec: {
      engine: 'trino',
      steps: [
        { name: 'load', type: 'ingest', from: { connection: 'drop', path: 'raw.csv' }, into: 'raw', mode: 'full' },
        {
          name: 'clean',
          type: 'transform',
          into: 'clean',
          materialization: 'replace',
          sql: `select id, "select", "group", label, ${LITERAL_PARTS(texts).map(sqlString).join(' || ')} as lit -- it's here; ${at(12).replace(/\n/g, ' ')}\nfrom {{ ref('raw') }}`,
        },
      ],
    },
  };
  return [
    { path: 'workspace.yaml', text: JSON.stringify(workspace, null, 2) },
    { path: 'datasets.yaml', text: [raw, clean].map((d) => JSON.stringify(d, null, 2)).join('\n---\n') },
    { path: 'pipeline.yaml', text: [files, pipeline].map((d) => JSON.stringify(d, null, 2)).join('\n---\n') },
  ];
}

/**
 * The string the transform selects as `lit`, as the literals it concatenates: Jinja, quotes,
 * a backslash just before a closing quote, then "))" and a ";" in literals of their own.
 * dbt-trino splits what it sends on ";" with sqlparse, which reads \' as an escaped quote:
 * to it the "))" would close the model's wrapper and the ";" would end the statement.
 */
export const LITERAL_PARTS = (texts: readonly string[]) => [`{{ 7*7 }} {% raw %} ${texts[0]} {# C:\\`, '))', '; select 1; --'];
export const LITERAL = (texts: readonly string[]) => LITERAL_PARTS(texts).join('');

/** Rows for `raw`: one per hostile text as its label. */
export function hostileRows(texts: readonly string[]): { id: number; select: string; group: string; label: string }[] {
  return texts.map((t, i) => ({ id: i + 1, select: `s${i + 1}`, group: `g${i + 1}`, label: t }));
}

/** `raw`'s rows as the CSV file the ingest step reads (data/raw.csv under the files root). */
export function hostileCsv(texts: readonly string[]): string {
  const cell = (v: string | number) => (typeof v === 'number' ? String(v) : `"${v.replace(/"/g, '""')}"`);
  return ['id,select,group,label', ...hostileRows(texts).map((r) => [r.id, r.select, r.group, r.label].map(cell).join(','))].join('\n') + '\n';
}
