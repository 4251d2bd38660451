// The one shape every problem takes, whether printed by the CLI, written as JSON/SARIF
// or posted as a check-run annotation.
import { type DiagnosticCode, catalog } from './diagnostic-catalog.js';

export type Severity = 'error' | 'warning' | 'info';

/** 1-based line and column, as editors and GitHub annotations count them. */
export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface Location {
  file: string;
  range: Range;
}

export interface RelatedInformation {
  message: string;
  location: Location;
}

export interface Fix {
  description: string;
  /** When known, the exact text to put at `range` in `file`. */
  edit?: { file: string; range: Range; newText: string };
}

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  file?: string;
  range?: Range;
  related?: RelatedInformation[];
  fix?: Fix;
  /** Set when the source line may hold a secret and must not be echoed. */
  redactSource?: boolean;
}

export interface DiagnosticInit {
  location?: Location | undefined;
  related?: RelatedInformation[];
  fix?: Fix;
  severity?: Severity;
  redactSource?: boolean;
}

export function diagnostic(code: DiagnosticCode, message: string, init: DiagnosticInit = {}): Diagnostic {
  const d: Diagnostic = { code, severity: init.severity ?? catalog[code].severity, message };
  if (init.location) {
    d.file = init.location.file;
    d.range = init.location.range;
  }
  if (init.related && init.related.length > 0) d.related = init.related;
  if (init.fix) d.fix = init.fix;
  if (init.redactSource) d.redactSource = true;
  return d;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Stable order: file, line, column, code, message (plain code-unit comparison, no locale). */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(compareDiagnostics);
}

function cmp(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    cmp(a.file ?? '', b.file ?? '') ||
    cmp(a.range?.start.line ?? 0, b.range?.start.line ?? 0) ||
    cmp(a.range?.start.column ?? 0, b.range?.start.column ?? 0) ||
    cmp(a.code, b.code) ||
    cmp(a.message, b.message)
  );
}

/** Drop exact repeats (the same problem found in several environments, say). */
export function dedupeDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    const key = `${d.file}|${d.range?.start.line}|${d.range?.start.column}|${d.code}|${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}
