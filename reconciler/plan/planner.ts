// The pure planner: desired state (compiled specs) vs applied state (the state store), and
// optionally the live catalog of the engine, into typed stages. Destructive stages are
// blocked unless the specs (Workspace.allowDestructive) or the command allow them.
import type { DestructiveAllowance, DestructiveChange } from '../../spec/index.js';
import { byString, canonicalJson, formatSqlType } from '../../spec/index.js';
import { type CatalogState, type DesiredState, type LiveTable, type TableState, qualified } from './catalog-state.js';
import { typeChange } from './type-change.js';

export type StageKind =
  | 'create_schema'
  | 'create_table'
  | 'rename_table'
  | 'copy_table'
  | 'adopt_table'
  | 'rename_column'
  | 'add_column'
  | 'widen_type'
  | 'relax_not_null'
  | 'change_properties'
  | 'change_partitioning'
  | 'create_pipeline'
  | 'replace_pipeline'
  | 'drop_pipeline'
  | 'create_connection'
  | 'update_connection'
  | 'drop_connection'
  | 'narrow_type'
  | 'require_not_null'
  | 'change_primary_key'
  | 'drop_column'
  | 'drop_table';

interface StageBase {
  /** Logical name of the dataset, pipeline or connection (the physical schema for create_schema). */
  target: string;
  detail: string;
  destructive: boolean;
  /** For destructive stages: whether an allowance covers it, and which. */
  allowed?: boolean;
  allowedBy?: string;
}

/** A stage on a table: `table` is its fully qualified physical name. */
interface TableStage<K extends StageKind> extends StageBase {
  kind: K;
  table: string;
}

interface ColumnStage<K extends StageKind> extends TableStage<K> {
  column: string;
}

/** The physical table a stage works on, if it works on one. */
export function stageTable(s: Stage): string | undefined {
  return 'table' in s ? s.table : undefined;
}

/** The column a stage works on, if it works on one. */
export function stageColumn(s: Stage): string | undefined {
  return 'column' in s ? s.column : undefined;
}

/**
 * One step of a plan. Each kind carries what carrying it out needs, so the applier, the
 * plan's text and the check run read fields, never the detail text.
 */
export type Stage =
  | (StageBase & { kind: 'create_schema' })
  | TableStage<'create_table' | 'adopt_table' | 'drop_table'>
  /** `renamedFrom`: the logical name the dataset had before; `from` → `to`: its physical names. */
  | (TableStage<'rename_table' | 'copy_table'> & { renamedFrom: string; from: string; to: string })
  | (ColumnStage<'rename_column'> & { from: string; to: string })
  | (ColumnStage<'add_column'> & { to: string })
  | (ColumnStage<'widen_type' | 'narrow_type'> & { from: string; to: string })
  | ColumnStage<'relax_not_null' | 'require_not_null'>
  | (ColumnStage<'drop_column'> & { from: string })
  | (TableStage<'change_primary_key' | 'change_partitioning'> & { from: string; to: string })
  /** Which properties change (owner, description, tags, layer, storage). */
  | (TableStage<'change_properties'> & { properties: string[] })
  | (StageBase & { kind: 'create_pipeline' | 'replace_pipeline' | 'drop_pipeline' | 'create_connection' | 'update_connection' | 'drop_connection' });

/** What a stage does to its object, for the plan's summary and signs (+ ~ - ±). */
export type ChangeKind = 'create' | 'alter' | 'drop' | 'replace';

export interface Plan {
  format: 'lakespec.dev/plan/v1';
  workspace: string;
  environment: string;
  gitSha: string;
  specHash: string;
  stages: Stage[];
  summary: Record<ChangeKind, number> & { destructive: number; blocked: number };
  /** True when a destructive stage is not allowed: apply refuses the whole plan. */
  blocked: boolean;
}

export interface PlanOptions {
  /** The command's explicit allow (`--allow-destructive`): every destructive stage. */
  allowAllDestructive?: boolean;
  allowances?: readonly DestructiveAllowance[];
  /** Tables the engine already has; a desired table that exists live but was never applied is adopted, not re-created. */
  live?: readonly LiveTable[];
}

const CHANGE: Record<StageKind, ChangeKind> = {
  create_schema: 'create',
  create_table: 'create',
  rename_table: 'alter',
  copy_table: 'alter',
  adopt_table: 'create',
  rename_column: 'alter',
  add_column: 'alter',
  widen_type: 'alter',
  relax_not_null: 'alter',
  change_properties: 'alter',
  change_partitioning: 'alter',
  create_pipeline: 'create',
  replace_pipeline: 'replace',
  drop_pipeline: 'drop',
  create_connection: 'create',
  update_connection: 'alter',
  drop_connection: 'drop',
  narrow_type: 'alter',
  require_not_null: 'alter',
  change_primary_key: 'alter',
  drop_column: 'drop',
  drop_table: 'drop',
};

export function changeKind(kind: StageKind): ChangeKind {
  return CHANGE[kind];
}

export function plan(desired: DesiredState, applied: CatalogState, options: PlanOptions = {}): Plan {
  const stages: Stage[] = [];
  const appliedTables = new Map(applied.tables.map((t) => [t.name, t]));
  const desiredTables = new Map(desired.tables.map((t) => [t.name, t]));
  const live = new Map((options.live ?? []).map((t) => [qualified(t.physical), t]));
  const existingSchemas = new Set([...applied.tables.map((t) => `${t.physical.catalog}.${t.physical.schema}`), ...(options.live ?? []).map((t) => `${t.physical.catalog}.${t.physical.schema}`)]);

  // Schemas, then tables, in name order.
  const newSchemas = new Set<string>();
  for (const t of desired.tables) {
    const s = `${t.physical.catalog}.${t.physical.schema}`;
    if (!existingSchemas.has(s) && !newSchemas.has(s)) newSchemas.add(s);
  }
  for (const s of [...newSchemas].sort(byString)) stages.push({ kind: 'create_schema', target: s, detail: `create schema ${s}`, destructive: false });

  // Datasets whose applied table a renamed dataset takes over (renamedFrom): kept, not dropped.
  const takenOver = new Set<string>();
  for (const t of [...desired.tables].sort((a, b) => byString(a.name, b.name))) {
    const prior = appliedTables.get(t.name);
    const fq = qualified(t.physical);
    const before = !prior && t.renamedFrom && !desiredTables.has(t.renamedFrom) ? appliedTables.get(t.renamedFrom) : undefined;
    if (before) {
      takenOver.add(before.name);
      const from = qualified(before.physical);
      if (before.physical.catalog !== t.physical.catalog || before.physical.schema !== t.physical.schema) {
        // Another schema (its layer changed): the rows are copied into the new table, the old one dropped.
        stages.push({ kind: 'copy_table', target: t.name, table: fq, renamedFrom: before.name, from, to: fq, detail: `${from} → ${fq}: dataset ${before.name} is now ${t.name}; rows copied into the new table, the old one dropped`, destructive: false });
        continue;
      }
      const detail = from === fq ? `${fq}: dataset ${before.name} is now ${t.name} (same table)` : `${from}: rename to ${fq} (dataset ${before.name} is now ${t.name}; rows kept)`;
      stages.push({ kind: 'rename_table', target: t.name, table: fq, renamedFrom: before.name, from, to: fq, detail, destructive: false });
      stages.push(...tableChanges({ ...before, name: t.name, physical: t.physical }, t));
      continue;
    }
    if (!prior) {
      const existing = live.get(fq);
      if (existing) stages.push({ kind: 'adopt_table', target: t.name, table: fq, detail: `adopt existing table ${fq} (${existing.columns.length} columns)`, destructive: false });
      else stages.push({ kind: 'create_table', target: t.name, table: fq, detail: `create table ${fq} (${t.columns.length} columns${t.partitioning.length ? `, partitioned by ${t.partitioning.join(', ')}` : ''})`, destructive: false });
      continue;
    }
    if (prior.fingerprint === t.fingerprint && qualified(prior.physical) === fq) continue;
    if (qualified(prior.physical) !== fq) {
      // A renamed physical table is a new table; the old one is dropped (destructive).
      stages.push({ kind: 'create_table', target: t.name, table: fq, detail: `create table ${fq} (the physical name changed from ${qualified(prior.physical)})`, destructive: false });
      stages.push({ kind: 'drop_table', target: t.name, table: qualified(prior.physical), detail: `drop table ${qualified(prior.physical)} (renamed to ${fq})`, destructive: true });
      continue;
    }
    stages.push(...tableChanges(prior, t));
  }
  for (const t of [...applied.tables].sort((a, b) => byString(a.name, b.name))) {
    if (!desiredTables.has(t.name) && !takenOver.has(t.name)) stages.push({ kind: 'drop_table', target: t.name, table: qualified(t.physical), detail: `drop table ${qualified(t.physical)} (removed from the specs)`, destructive: true });
  }

  stages.push(...namedChanges('connection', desired.connections, applied.connections));
  stages.push(...namedChanges('pipeline', desired.pipelines, applied.pipelines));

  // Allowances.
  for (const s of stages) {
    if (!s.destructive) continue;
    const change = destructiveChange(s.kind);
    const by = (options.allowances ?? []).find((a) => a.dataset === s.target && change !== undefined && a.changes.includes(change) && (!a.columns || stageColumn(s) === undefined || a.columns.includes(stageColumn(s)!)));
    if (by) {
      s.allowed = true;
      s.allowedBy = `Workspace allowDestructive (${by.reason})`;
    } else if (options.allowAllDestructive) {
      s.allowed = true;
      s.allowedBy = '--allow-destructive';
    } else s.allowed = false;
  }

  // Execution order: creates, alters, replaces, then drops (columns before tables).
  const rank = (s: Stage) => ['create_schema', 'rename_table', 'copy_table', 'create_table', 'adopt_table', 'rename_column', 'create_connection', 'update_connection', 'add_column', 'widen_type', 'relax_not_null', 'narrow_type', 'require_not_null', 'change_primary_key', 'change_partitioning', 'change_properties', 'create_pipeline', 'replace_pipeline', 'drop_pipeline', 'drop_column', 'drop_table', 'drop_connection'].indexOf(s.kind);
  const ordered = stages.map((s, i) => ({ s, i })).sort((a, b) => rank(a.s) - rank(b.s) || a.i - b.i).map((x) => x.s);

  const summary = { create: 0, alter: 0, drop: 0, replace: 0, destructive: 0, blocked: 0 };
  for (const s of ordered) {
    summary[CHANGE[s.kind]]++;
    if (s.destructive) summary.destructive++;
    if (s.destructive && !s.allowed) summary.blocked++;
  }
  return {
    format: 'lakespec.dev/plan/v1',
    workspace: desired.workspace,
    environment: desired.environment,
    gitSha: desired.gitSha,
    specHash: desired.specHash,
    stages: ordered,
    summary,
    blocked: summary.blocked > 0,
  };
}

function tableChanges(prior: TableState, t: TableState): Stage[] {
  const out: Stage[] = [];
  const fq = qualified(t.physical);
  const before = new Map(prior.columns.map((c) => [c.name, c]));
  const after = new Map(t.columns.map((c) => [c.name, c]));
  // Columns renamed (renamedFrom) keep their values: the old name is not dropped.
  const renamedAway = new Set<string>();
  for (const c of t.columns) {
    let old = before.get(c.name);
    const from = t.columnsRenamedFrom?.[c.name];
    if (!old && from && before.has(from) && !after.has(from)) {
      old = before.get(from)!;
      renamedAway.add(from);
      out.push({ kind: 'rename_column', target: t.name, table: fq, column: c.name, from, to: c.name, detail: `rename column ${from} to ${c.name} (values kept)`, destructive: false });
    }
    if (!old) {
      out.push({ kind: 'add_column', target: t.name, table: fq, column: c.name, to: formatSqlType(c.type), detail: `add column ${c.name} ${formatSqlType(c.type)}${c.nullable ? '' : ' (nullable at first: existing rows have no value)'}`, destructive: false });
      continue;
    }
    const change = typeChange(old.type, c.type);
    if (change === 'widen') out.push({ kind: 'widen_type', target: t.name, table: fq, column: c.name, from: formatSqlType(old.type), to: formatSqlType(c.type), detail: `widen ${c.name} ${formatSqlType(old.type)} → ${formatSqlType(c.type)}`, destructive: false });
    if (change === 'narrow') out.push({ kind: 'narrow_type', target: t.name, table: fq, column: c.name, from: formatSqlType(old.type), to: formatSqlType(c.type), detail: `change ${c.name} ${formatSqlType(old.type)} → ${formatSqlType(c.type)}: values may not fit`, destructive: true });
    if (old.nullable !== c.nullable) {
      if (c.nullable) out.push({ kind: 'relax_not_null', target: t.name, table: fq, column: c.name, detail: `${c.name} becomes nullable`, destructive: false });
      else out.push({ kind: 'require_not_null', target: t.name, table: fq, column: c.name, detail: `${c.name} becomes NOT NULL (checked by the not-null quality rule; existing NULLs fail it)`, destructive: false });
    }
  }
  for (const c of prior.columns) {
    if (!after.has(c.name) && !renamedAway.has(c.name)) out.push({ kind: 'drop_column', target: t.name, table: fq, column: c.name, from: formatSqlType(c.type), detail: `drop column ${c.name} ${formatSqlType(c.type)}: its data is lost`, destructive: true });
  }
  if (prior.primaryKey.join(',') !== t.primaryKey.join(',')) {
    out.push({ kind: 'change_primary_key', target: t.name, table: fq, from: `(${prior.primaryKey.join(', ')})`, to: `(${t.primaryKey.join(', ')})`, detail: `primary key (${prior.primaryKey.join(', ')}) → (${t.primaryKey.join(', ')}): merges and uniqueness change meaning`, destructive: true });
  }
  if (prior.partitioning.join(',') !== t.partitioning.join(',')) {
    out.push({ kind: 'change_partitioning', target: t.name, table: fq, from: `[${prior.partitioning.join(', ')}]`, to: `[${t.partitioning.join(', ')}]`, detail: `partitioning [${prior.partitioning.join(', ')}] → [${t.partitioning.join(', ')}] (new data only; existing files keep their layout)`, destructive: false });
  }
  const props: string[] = [];
  const changed: string[] = [];
  const cmp = (name: string, a: unknown, b: unknown) => {
    // Canonical: the applied side comes back from jsonb, which reorders object keys.
    if (canonicalJson(a ?? null) !== canonicalJson(b ?? null)) {
      changed.push(name);
      props.push(`${name} ${JSON.stringify(a ?? null)} → ${JSON.stringify(b ?? null)}`);
    }
  };
  cmp('owner', prior.owner, t.owner);
  cmp('description', prior.description, t.description);
  cmp('tags', prior.tags, t.tags);
  cmp('layer', prior.layer, t.layer);
  cmp('storage', prior.storage, t.storage);
  if (props.length > 0) out.push({ kind: 'change_properties', target: t.name, table: fq, properties: changed, detail: `change ${props.join('; ')}`, destructive: false });
  // Each line of the plan says which table it changes.
  for (const s of out) s.detail = `${fq}: ${s.detail}`;
  return out;
}

function namedChanges(what: 'pipeline' | 'connection', desired: readonly { name: string; fingerprint: string }[], applied: readonly { name: string; fingerprint: string }[]): Stage[] {
  const out: Stage[] = [];
  const before = new Map(applied.map((x) => [x.name, x]));
  const names = new Set(desired.map((x) => x.name));
  for (const x of [...desired].sort((a, b) => byString(a.name, b.name))) {
    const old = before.get(x.name);
    if (!old) out.push({ kind: `create_${what}`, target: x.name, detail: `create ${what} ${x.name}`, destructive: false });
    else if (old.fingerprint !== x.fingerprint) out.push({ kind: what === 'pipeline' ? 'replace_pipeline' : 'update_connection', target: x.name, detail: `${what === 'pipeline' ? 'replace' : 'update'} ${what} ${x.name}`, destructive: false });
  }
  for (const x of [...applied].sort((a, b) => byString(a.name, b.name))) {
    if (!names.has(x.name)) out.push({ kind: `drop_${what}`, target: x.name, detail: `drop ${what} ${x.name} (removed from the specs; data is kept)`, destructive: false });
  }
  return out;
}

function destructiveChange(kind: StageKind): DestructiveChange | undefined {
  if (kind === 'drop_table' || kind === 'drop_column' || kind === 'narrow_type' || kind === 'change_primary_key') return kind;
  return undefined;
}
