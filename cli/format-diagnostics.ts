// Diagnostics for people (tsc/eslint style, with the source line and a caret), for
// programs (JSON) and for GitHub code scanning (SARIF 2.1.0).
import { type Diagnostic, LineIndex, catalog } from '../spec/index.js';

export interface Styler {
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  green(s: string): string;
}

export function styler(enabled: boolean): Styler {
  const wrap = (open: number, close: number) => (s: string) => (enabled ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { red: wrap(31, 39), yellow: wrap(33, 39), cyan: wrap(36, 39), dim: wrap(2, 22), bold: wrap(1, 22), green: wrap(32, 39) };
}

/** `sources` gives the text of a file (by its diagnostic path) for the code frame. */
export function formatText(diags: readonly Diagnostic[], displayPath: (file: string) => string, sources: (file: string) => string | undefined, s: Styler): string {
  const out: string[] = [];
  const indexes = new Map<string, LineIndex | undefined>();
  const indexOf = (f: string) => {
    if (!indexes.has(f)) {
      const t = sources(f);
      indexes.set(f, t === undefined ? undefined : new LineIndex(t));
    }
    return indexes.get(f);
  };
  const shown = diags.length > MAX_SHOWN ? diags.slice(0, MAX_SHOWN) : diags;
  for (const d of shown) {
    const where = d.file ? `${displayPath(d.file)}${d.range ? `:${d.range.start.line}:${d.range.start.column}` : ''}` : 'lakespec';
    const sev = d.severity === 'error' ? s.red('error') : d.severity === 'warning' ? s.yellow('warning') : s.cyan('info');
    out.push(`${s.bold(where)}  ${sev} ${s.dim(d.code)}  ${d.message}`);
    if (d.file && d.range && !d.redactSource) {
      const idx = indexOf(d.file);
      if (idx) {
        const { line, column } = d.range.start;
        const text = idx.line(line).replace(/\t/g, ' ');
        if (text.length <= 400) {
          const num = String(line);
          const width = d.range.end.line === line ? Math.max(1, d.range.end.column - column) : Math.max(1, text.length - column + 1);
          out.push(s.dim(`  ${num} | `) + text);
          out.push(s.dim(`  ${' '.repeat(num.length)} | `) + ' '.repeat(Math.max(0, column - 1)) + (d.severity === 'error' ? s.red : s.yellow)('^'.repeat(Math.min(width, 200))));
        }
      }
    }
    for (const r of d.related ?? []) out.push(s.dim(`  note: ${displayPath(r.location.file)}:${r.location.range.start.line}:${r.location.range.start.column}  ${r.message}`));
    if (d.fix) out.push(s.dim(`  fix: ${d.fix.description}`));
    out.push('');
  }
  if (shown.length < diags.length) {
    const rest = diags.slice(shown.length);
    const errors = rest.filter((d) => d.severity === 'error').length;
    out.push(s.dim(`… and ${rest.length} more problem${rest.length === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}) not shown: fix these first, or see them all with "lakespec validate --format json".`), '');
  }
  return out.join('\n');
}

/** A terminal shows the first problems; thousands (a generated or broken file) would bury the summary. */
const MAX_SHOWN = 100;

export function summaryLine(diags: readonly Diagnostic[], files: number, s: Styler, context = ''): string {
  const errors = diags.filter((d) => d.severity === 'error').length;
  const warnings = diags.filter((d) => d.severity === 'warning').length;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  if (errors > 0) return s.red(`✖ ${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'file')}${context}`);
  if (warnings > 0) return s.yellow(`⚠ ${plural(warnings, 'warning')} in ${plural(files, 'file')}${context}`);
  return s.green(`✔ ${plural(files, 'file')}, no problems${context}`);
}

export function formatJson(diags: readonly Diagnostic[], displayPath: (file: string) => string, extra: Record<string, unknown> = {}): string {
  return (
    JSON.stringify(
      {
        ...extra,
        summary: { errors: diags.filter((d) => d.severity === 'error').length, warnings: diags.filter((d) => d.severity === 'warning').length },
        diagnostics: diags.map((d) => ({ ...d, ...(d.file ? { file: displayPath(d.file) } : {}), ...(d.related ? { related: d.related.map((r) => ({ ...r, location: { ...r.location, file: displayPath(r.location.file) } })) } : {}) })),
      },
      null,
      2,
    ) + '\n'
  );
}

export function formatSarif(diags: readonly Diagnostic[], displayPath: (file: string) => string, version: string): string {
  const used = [...new Set(diags.map((d) => d.code))].sort();
  const level = (d: Diagnostic) => (d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'note');
  const region = (r: NonNullable<Diagnostic['range']>) => ({ startLine: r.start.line, startColumn: r.start.column, endLine: r.end.line, endColumn: Math.max(r.end.column, r.start.column + (r.end.line === r.start.line ? 1 : 0)) });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'lakespec',
            version,
            informationUri: 'https://github.com/lakespec/lakespec',
            rules: used.map((code) => ({
              id: code,
              name: catalog[code].title.replace(/[^A-Za-z0-9]+/g, ''),
              shortDescription: { text: catalog[code].title },
              help: { text: catalog[code].help },
              defaultConfiguration: { level: (catalog[code].severity as string) === 'info' ? 'note' : catalog[code].severity },
            })),
          },
        },
        results: diags.map((d) => ({
          ruleId: d.code,
          ruleIndex: used.indexOf(d.code),
          level: level(d),
          message: { text: d.fix ? `${d.message} (fix: ${d.fix.description})` : d.message },
          locations: d.file
            ? [{ physicalLocation: { artifactLocation: { uri: displayPath(d.file), uriBaseId: '%SRCROOT%' }, ...(d.range ? { region: region(d.range) } : {}) } }]
            : [],
          ...(d.related
            ? {
                relatedLocations: d.related.map((r, i) => ({
                  id: i + 1,
                  message: { text: r.message },
                  physicalLocation: { artifactLocation: { uri: displayPath(r.location.file), uriBaseId: '%SRCROOT%' }, region: region(r.location.range) },
                })),
              }
            : {}),
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
