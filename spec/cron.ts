// Five-field cron expressions, checked field by field so the error names the field.

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
] as const;

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** Returns undefined when valid, else what is wrong. */
export function checkCron(expr: string): string | undefined {
  const e = expr.trim();
  if (e.startsWith('@')) return MACROS.has(e.toLowerCase()) ? undefined : `unknown macro "${e}" (use @hourly, @daily, @weekly, @monthly or @yearly)`;
  const parts = e.split(/\s+/);
  if (parts.length !== 5) return `expected 5 fields (minute hour day-of-month month day-of-week), found ${parts.length}`;
  for (let i = 0; i < 5; i++) {
    const f = FIELDS[i]!;
    const problem = checkField(parts[i]!, f.min, f.max, 'names' in f ? f.names : undefined);
    if (problem) return `${f.name} field "${parts[i]}": ${problem}`;
  }
  return undefined;
}

function value(tok: string, min: number, names: readonly string[] | undefined): number {
  const idx = names?.indexOf(tok.toLowerCase()) ?? -1;
  if (idx >= 0) return idx + (min === 1 ? 1 : 0);
  return /^[0-9]{1,2}$/.test(tok) ? Number(tok) : NaN;
}

function checkField(field: string, min: number, max: number, names: readonly string[] | undefined): string | undefined {
  for (const item of field.split(',')) {
    const [range, step, extra] = item.split('/');
    if (extra !== undefined) return 'more than one "/"';
    if (step !== undefined && !(/^[0-9]{1,2}$/.test(step) && Number(step) > 0)) return `step "${step}" is not a positive number`;
    if (range === '*') continue;
    const [a, b, more] = (range ?? '').split('-');
    if (more !== undefined) return `"${range}" is not a range`;
    const lo = value(a ?? '', min, names);
    const hi = b === undefined ? lo : value(b, min, names);
    if (Number.isNaN(lo) || Number.isNaN(hi)) return `"${range}" is not a number${names ? ' or name' : ''}`;
    if (lo < min || hi > max) return `values must be within ${min}-${max}`;
    if (lo > hi) return `range "${range}" runs backwards`;
  }
  return undefined;
}
