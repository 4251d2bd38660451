// SQL transforms are plain SELECTs in which datasets are referenced as {{ ref('name') }}.
// We split them into text and references once; each backend renders references its own way.

export type SqlPart = { kind: 'text'; text: string } | { kind: 'ref'; dataset: string; offset: number; length: number };

export interface SqlTemplateIssue {
  message: string;
  offset: number;
  length: number;
}

export interface ParsedSqlTemplate {
  parts: SqlPart[];
  refs: { dataset: string; offset: number; length: number }[];
  issues: SqlTemplateIssue[];
  /** Bare table names that follow FROM/JOIN (not refs, not CTEs). */
  bareTables: { name: string; offset: number; length: number }[];
}

const REF = /^\{\{\s*ref\(\s*(?:'([^'\\]*)'|"([^"\\]*)")\s*\)\s*\}\}/;

export function parseSqlTemplate(sql: string): ParsedSqlTemplate {
  const parts: SqlPart[] = [];
  const refs: ParsedSqlTemplate['refs'] = [];
  const issues: SqlTemplateIssue[] = [];
  let text = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    // String literals, quoted identifiers and comments are text, braces and all.
    const skipped = endOfNonCode(sql, i);
    if (skipped !== undefined) {
      text += sql.slice(i, skipped);
      i = skipped;
      continue;
    }
    if (c === '{' && (sql[i + 1] === '{' || sql[i + 1] === '%')) {
      const m = REF.exec(sql.slice(i));
      if (m) {
        if (text) parts.push({ kind: 'text', text });
        text = '';
        const dataset = (m[1] ?? m[2])!;
        parts.push({ kind: 'ref', dataset, offset: i, length: m[0].length });
        refs.push({ dataset, offset: i, length: m[0].length });
        i += m[0].length;
        continue;
      }
      const close = sql.indexOf(sql[i + 1] === '{' ? '}}' : '%}', i);
      const length = close === -1 ? sql.length - i : close + 2 - i;
      issues.push({ message: `only {{ ref('dataset') }} is allowed in SQL, not "${sql.slice(i, i + Math.min(length, 40))}"`, offset: i, length });
      i += length;
      continue;
    }
    text += c;
    i++;
  }
  if (text) parts.push({ kind: 'text', text });
  checkSingleSelect(parts, issues);
  // Exact-length copies: parsed templates are kept per step for the life of a watch.
  return { parts: parts.slice(), refs: refs.slice(), issues, bareTables: findBareTables(sql) };
}

/** An E'…' string: a backslash escapes the next character. */
function skipEscaped(s: string, start: number): number {
  let i = start + 1;
  while (i < s.length) {
    if (s[i] === '\\') {
      i += 2;
      continue;
    }
    if (s[i] === "'") {
      if (s[i + 1] === "'") {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return s.length;
}

function skipQuoted(s: string, start: number, q: string): number {
  let i = start + 1;
  while (i < s.length) {
    if (s[i] === q) {
      if (s[i + 1] === q) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return s.length;
}

/**
 * Where a literal, quoted identifier or comment starting at `i` ends; undefined when none
 * starts there. Read as the engines read them, so that nothing is code to an engine while
 * text here: E'…' strings take backslash escapes (DuckDB, PostgreSQL), and $tag$…$tag$ is a
 * dollar-quoted string (DuckDB).
 */
export function endOfNonCode(sql: string, i: number): number | undefined {
  const c = sql[i];
  if (c === "'" && (sql[i - 1] === 'E' || sql[i - 1] === 'e') && !/[A-Za-z0-9_$]/.test(sql[i - 2] ?? '')) return skipEscaped(sql, i);
  if (c === "'" || c === '"') return skipQuoted(sql, i, c);
  if (c === '$' && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')) {
    const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 66))?.[0];
    if (tag) {
      const end = sql.indexOf(tag, i + tag.length);
      return end === -1 ? sql.length : end + tag.length;
    }
  }
  if (c === '-' && sql[i + 1] === '-') {
    const end = sql.indexOf('\n', i);
    return end === -1 ? sql.length : end;
  }
  if (c === '/' && sql[i + 1] === '*') {
    const end = sql.indexOf('*/', i + 2);
    return end === -1 ? sql.length : end + 2;
  }
  return undefined;
}

/** Code with literals, quoted identifiers and comments blanked out (same length). */
export function blankLiterals(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const end = endOfNonCode(sql, i);
    if (end === undefined) {
      out += sql[i];
      i++;
      continue;
    }
    const c = sql[i]!;
    // Quotes keep their delimiters so that the result still reads as SQL.
    out += c === "'" || c === '"' ? c + ' '.repeat(Math.max(0, end - i - 2)) + (end - i >= 2 ? c : '') : ' '.repeat(end - i);
    i = end;
  }
  return out;
}

function checkSingleSelect(parts: SqlPart[], issues: SqlTemplateIssue[]): void {
  // A reference reads as a name of its own length, so that offsets stay those of the spec's text.
  const code = blankLiterals(parts.map((p) => (p.kind === 'text' ? p.text : 'x'.padEnd(p.length))).join(''));
  const first = /^\s*\(*\s*([A-Za-z]+)/.exec(code)?.[1]?.toLowerCase();
  if (first !== 'select' && first !== 'with') {
    issues.push({ message: 'a transform is one SELECT (or WITH … SELECT) statement', offset: 0, length: Math.min(code.length, 20) });
  }
  const semi = code.replace(/;\s*$/, '').indexOf(';');
  if (semi !== -1) issues.push({ message: 'a transform holds a single statement; remove the ";"', offset: semi, length: 1 });
  // lakespec wraps the query (INSERT … SELECT … FROM ( query ) AS src): a ")" that closes
  // more than the query opened would end the wrapper and let the rest run outside it.
  const unbalanced = parenthesisProblem(code);
  if (unbalanced) issues.push(unbalanced);
}

/** The first ")" without its "(", or the last "(" left open; in code with literals and comments blanked. */
function parenthesisProblem(code: string): SqlTemplateIssue | undefined {
  const open: number[] = [];
  for (let i = 0; i < code.length; i++) {
    if (code[i] === '(') open.push(i);
    else if (code[i] === ')') {
      if (open.length === 0) return { message: 'this ")" closes a parenthesis the query never opened: a transform is one query, parentheses balanced', offset: i, length: 1 };
      open.pop();
    }
  }
  const last = open.at(-1);
  return last === undefined ? undefined : { message: 'this "(" is never closed: a transform is one query, parentheses balanced', offset: last, length: 1 };
}

const AFTER = /\b(from|join)\s+([A-Za-z_][A-Za-z0-9_]*(?:\s*\.\s*[A-Za-z_][A-Za-z0-9_]*){0,2})/gi;
const NOT_TABLES = new Set(['unnest', 'lateral', 'values', 'table', 'select']);

function findBareTables(sql: string): ParsedSqlTemplate['bareTables'] {
  // Refs become a placeholder name of the same length so offsets stay exact.
  const code = blankLiterals(sql.replace(/\{\{[\s\S]*?\}\}/g, (m) => 'r' + '_'.repeat(m.length - 1)));
  const ctes = new Set<string>();
  for (const m of code.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\s+as\s*\(/gi)) ctes.add(m[1]!.toLowerCase());
  const out: ParsedSqlTemplate['bareTables'] = [];
  for (const m of code.matchAll(AFTER)) {
    const name = m[2]!.replace(/\s+/g, '');
    const lower = name.toLowerCase();
    if (NOT_TABLES.has(lower) || ctes.has(lower) || /^r_+$/.test(lower)) continue;
    // `extract(year from col)` and friends: FROM inside a function call takes a column.
    const before = code.slice(0, m.index).replace(/\s+$/, '');
    if (/\b(extract|trim|substring|position|overlay)\s*\([^()]*$/i.test(before + ' ')) continue;
    const offset = m.index! + m[0].length - m[2]!.length;
    out.push({ name: lower, offset, length: m[2]!.length });
  }
  return out;
}
