// Drift: where the engine's live catalog differs from what lakespec applied. Missing
// tables, extra or missing columns, and column types the engine reports differently.
import type { SqlDialect } from '../../compiler/index.js';
import type { CatalogState, LiveTable } from './catalog-state.js';
import { qualified } from './catalog-state.js';

export interface Drift {
  kind: 'missing_table' | 'missing_column' | 'extra_column' | 'type_mismatch' | 'unmanaged_table';
  table: string;
  column?: string;
  applied?: string;
  live?: string;
  detail: string;
}

/** `dialect` spells the applied types the way the engine reports them. Pure. */
export function detectDrift(applied: CatalogState, live: readonly LiveTable[], dialect: SqlDialect, managedSchemas?: ReadonlySet<string>): Drift[] {
  const out: Drift[] = [];
  const byName = new Map(live.map((t) => [qualified(t.physical), t]));
  const norm = (s: string) => s.toLowerCase().replace(/[\s"]+/g, '');
  for (const t of applied.tables) {
    const fq = qualified(t.physical);
    const l = byName.get(fq);
    if (!l) {
      out.push({ kind: 'missing_table', table: fq, detail: `${fq} is applied but does not exist in the engine` });
      continue;
    }
    const liveCols = new Map(l.columns.map((c) => [c.name, c]));
    for (const c of t.columns) {
      const lc = liveCols.get(c.name);
      if (!lc) out.push({ kind: 'missing_column', table: fq, column: c.name, applied: dialect.typeName(c.type), detail: `${fq}.${c.name} is applied but missing in the engine` });
      else if (norm(lc.type) !== norm(dialect.typeName(c.type))) out.push({ kind: 'type_mismatch', table: fq, column: c.name, applied: dialect.typeName(c.type), live: lc.type, detail: `${fq}.${c.name} is ${lc.type} in the engine, applied as ${dialect.typeName(c.type)}` });
    }
    const appliedCols = new Set(t.columns.map((c) => c.name));
    for (const c of l.columns) if (!appliedCols.has(c.name)) out.push({ kind: 'extra_column', table: fq, column: c.name, live: c.type, detail: `${fq}.${c.name} (${c.type}) exists in the engine but not in the applied specs` });
  }
  const appliedNames = new Set(applied.tables.map((t) => qualified(t.physical)));
  // By default the managed schemas are those lakespec applied tables to.
  const managed = managedSchemas ?? new Set(applied.tables.map((t) => `${t.physical.catalog}.${t.physical.schema}`));
  for (const l of live) {
    const schema = `${l.physical.catalog}.${l.physical.schema}`;
    if (!appliedNames.has(qualified(l.physical)) && managed.has(schema)) {
      out.push({ kind: 'unmanaged_table', table: qualified(l.physical), detail: `${qualified(l.physical)} exists in a managed schema but lakespec did not apply it` });
    }
  }
  return out.sort((a, b) => (a.table + (a.column ?? '')).localeCompare(b.table + (b.column ?? '')));
}

export function formatDrift(drift: readonly Drift[]): string {
  if (drift.length === 0) return 'No drift: the engine matches the applied state.\n';
  return drift.map((d) => `  ! ${d.detail}`).join('\n') + `\n\n${drift.length} difference${drift.length === 1 ? '' : 's'} between the applied state and the engine.\n`;
}
