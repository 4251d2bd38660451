// Column types: a small parser for the Trino/Iceberg type syntax, so that type errors are
// found statically and each backend can render the type in its own dialect.

export type SqlType =
  | { kind: 'boolean' | 'integer' | 'bigint' | 'real' | 'double' | 'date' | 'varchar' | 'uuid' | 'varbinary' | 'time' }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'timestamp'; withTimeZone: boolean }
  | { kind: 'array'; element: SqlType }
  | { kind: 'map'; key: SqlType; value: SqlType }
  | { kind: 'row'; fields: { name: string; type: SqlType }[] };

export type TypeParseResult = { ok: true; type: SqlType } | { ok: false; message: string; suggestion?: string };

const SIMPLE: Record<string, SqlType['kind']> = {
  boolean: 'boolean',
  integer: 'integer',
  int: 'integer',
  bigint: 'bigint',
  real: 'real',
  double: 'double',
  date: 'date',
  varchar: 'varchar',
  uuid: 'uuid',
  varbinary: 'varbinary',
};

const SUGGEST: Record<string, string> = {
  string: 'varchar',
  text: 'varchar',
  char: 'varchar',
  tinyint: 'integer',
  smallint: 'integer',
  long: 'bigint',
  float: 'real',
  numeric: 'decimal(p, s)',
  bool: 'boolean',
  datetime: 'timestamp(6)',
  timestamptz: 'timestamp(6) with time zone',
  binary: 'varbinary',
  blob: 'varbinary',
  json: 'varchar',
  struct: 'row(name type, ...)',
  list: 'array(type)',
};

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  fail(message: string, suggestion?: string): never {
    throw Object.assign(new Error(message), { suggestion });
  }

  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  peek(): string {
    this.ws();
    return this.s[this.i] ?? '';
  }

  word(): string {
    this.ws();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i));
    if (!m) this.fail(`expected a type name at "${this.s.slice(this.i, this.i + 12) || 'end'}"`);
    this.i += m[0].length;
    return m[0];
  }

  int(): number {
    this.ws();
    const m = /^[0-9]{1,9}/.exec(this.s.slice(this.i));
    if (!m) this.fail(`expected a number at "${this.s.slice(this.i, this.i + 12) || 'end'}"`);
    this.i += m[0].length;
    return Number(m[0]);
  }

  expect(c: string): void {
    if (this.peek() !== c) this.fail(`expected "${c}" at "${this.s.slice(this.i, this.i + 12) || 'end'}"`);
    this.i++;
  }

  atEnd(): boolean {
    return this.peek() === '';
  }

  /** What is left after the parsed type (at most 40 characters). */
  rest(): string {
    const r = this.s.slice(this.i).trim();
    return r.length > 40 ? r.slice(0, 40) + '…' : r;
  }

  type(depth: number): SqlType {
    if (depth > 16) this.fail('type nests too deeply');
    const raw = this.word();
    const name = raw.toLowerCase();
    if (name in SIMPLE) {
      if (name === 'varchar' && this.peek() === '(') {
        this.expect('(');
        this.int();
        this.expect(')');
        this.fail('Iceberg has no bounded varchar', 'varchar');
      }
      if (name === 'double' && /^\s*precision\b/i.test(this.s.slice(this.i))) this.word();
      return { kind: SIMPLE[name]! } as SqlType;
    }
    switch (name) {
      case 'decimal': {
        let precision = 38;
        let scale = 0;
        if (this.peek() === '(') {
          this.expect('(');
          precision = this.int();
          if (this.peek() === ',') {
            this.expect(',');
            scale = this.int();
          }
          this.expect(')');
        }
        if (precision < 1 || precision > 38) this.fail(`decimal precision ${precision} is outside 1..38`);
        if (scale > precision) this.fail(`decimal scale ${scale} exceeds its precision ${precision}`);
        return { kind: 'decimal', precision, scale };
      }
      case 'time':
      case 'timestamp': {
        if (this.peek() === '(') {
          this.expect('(');
          const p = this.int();
          this.expect(')');
          if (p !== 6) this.fail(`Iceberg stores ${name} with microsecond precision only`, name === 'time' ? 'time(6)' : 'timestamp(6)');
        }
        let withTimeZone = false;
        const rest = this.s.slice(this.i);
        const tz = /^\s*(with|without)\s+time\s+zone\b/i.exec(rest);
        if (tz) {
          this.i += tz[0].length;
          withTimeZone = tz[1]!.toLowerCase() === 'with';
        }
        if (name === 'time') {
          if (withTimeZone) this.fail('Iceberg has no time with time zone', 'time(6)');
          return { kind: 'time' };
        }
        return { kind: 'timestamp', withTimeZone };
      }
      case 'array': {
        this.expect('(');
        const element = this.type(depth + 1);
        this.expect(')');
        return { kind: 'array', element };
      }
      case 'map': {
        this.expect('(');
        const key = this.type(depth + 1);
        this.expect(',');
        const value = this.type(depth + 1);
        this.expect(')');
        if (key.kind === 'array' || key.kind === 'map' || key.kind === 'row') this.fail('map keys must be primitive types');
        return { kind: 'map', key, value };
      }
      case 'row': {
        this.expect('(');
        const fields: { name: string; type: SqlType }[] = [];
        const names = new Set<string>();
        do {
          if (fields.length > 0) this.expect(',');
          const fname = this.word();
          if (!/^[a-z_][a-z0-9_]*$/.test(fname)) this.fail(`row field "${fname}" must be a lower-case identifier`);
          if (names.has(fname)) this.fail(`row field "${fname}" appears twice`);
          names.add(fname);
          fields.push({ name: fname, type: this.type(depth + 1) });
        } while (this.peek() === ',');
        this.expect(')');
        return { kind: 'row', fields };
      }
      default:
        this.fail(`unknown type "${raw}"`, SUGGEST[name]);
    }
  }
}

/**
 * Results by type text. Types are never changed once parsed, so every column written
 * `bigint` can share one object: at 10 000 datasets the 80 000 columns had 80 000 type
 * objects, a few dozen of them distinct. Bounded, so that hostile input with many distinct
 * types cannot grow it without end (past the bound, texts are parsed each time).
 */
const parsedTypes = new Map<string, TypeParseResult>();
const PARSED_TYPES_MAX = 4096;

export function parseSqlType(text: string): TypeParseResult {
  let r = parsedTypes.get(text);
  if (r === undefined) {
    r = parseFresh(text);
    if (parsedTypes.size < PARSED_TYPES_MAX && text.length <= 256) parsedTypes.set(text, r);
  }
  return r;
}

function parseFresh(text: string): TypeParseResult {
  const p = new Parser(text);
  try {
    const type = p.type(0);
    if (!p.atEnd()) p.fail(`unexpected text after the type: "${p.rest()}"`);
    return { ok: true, type };
  } catch (e) {
    const err = e as Error & { suggestion?: string };
    return err.suggestion ? { ok: false, message: err.message, suggestion: err.suggestion } : { ok: false, message: err.message };
  }
}

/** The canonical Trino/Iceberg spelling (also the engine-neutral one used in the IR). */
export function formatSqlType(t: SqlType): string {
  switch (t.kind) {
    case 'decimal':
      return `decimal(${t.precision}, ${t.scale})`;
    case 'time':
      return 'time(6)';
    case 'timestamp':
      return t.withTimeZone ? 'timestamp(6) with time zone' : 'timestamp(6)';
    case 'array':
      return `array(${formatSqlType(t.element)})`;
    case 'map':
      return `map(${formatSqlType(t.key)}, ${formatSqlType(t.value)})`;
    case 'row':
      return `row(${t.fields.map((f) => `${f.name} ${formatSqlType(f.type)}`).join(', ')})`;
    default:
      return t.kind;
  }
}

export const isTemporal = (t: SqlType): boolean => t.kind === 'date' || t.kind === 'timestamp';
export const isInteger = (t: SqlType): boolean => t.kind === 'integer' || t.kind === 'bigint';
export const isNumeric = (t: SqlType): boolean => isInteger(t) || t.kind === 'decimal' || t.kind === 'real' || t.kind === 'double';
export const isComplex = (t: SqlType): boolean => t.kind === 'array' || t.kind === 'map' || t.kind === 'row';
/** Types that can be compared with < and sorted (usable as an incremental cursor). */
export const isOrderable = (t: SqlType): boolean => isNumeric(t) || isTemporal(t) || t.kind === 'varchar' || t.kind === 'time';

export function sameType(a: SqlType, b: SqlType): boolean {
  return formatSqlType(a) === formatSqlType(b);
}

/** Whether changing a column from `from` to `to` keeps every value (Iceberg's allowed promotions). */
export function isWidening(from: SqlType, to: SqlType): boolean {
  if (sameType(from, to)) return true;
  if (from.kind === 'integer' && to.kind === 'bigint') return true;
  if (from.kind === 'real' && to.kind === 'double') return true;
  if (from.kind === 'decimal' && to.kind === 'decimal') return to.scale === from.scale && to.precision >= from.precision;
  return false;
}
