// A small, fast, deterministic YAML writer for the plain data the backends emit (strings,
// numbers, booleans, null, lists, mappings). Block style; strings are plain when that is
// unambiguous, block literals when multi-line, and double-quoted (JSON escapes, which YAML
// accepts) otherwise. A property test checks that the yaml parser reads back the same data.

type Plain = string | number | boolean | null | undefined | Plain[] | { [k: string]: Plain };

const RESERVED = /^(?:true|false|yes|no|on|off|y|n|null|~|\.nan|\.inf|-\.inf|\+\.inf)$/i;
const NUMBERISH = /^[-+]?(?:\.?[0-9]|0[xob])/i;
const SAFE_PLAIN = /^[A-Za-z_/$({][A-Za-z0-9_ ./$(){}',|*+=@-]*$/;

function scalarString(s: string): string {
  if (
    s.length > 0 &&
    s.length < 200 &&
    SAFE_PLAIN.test(s) &&
    !RESERVED.test(s) &&
    !NUMBERISH.test(s) &&
    !s.endsWith(' ') &&
    !s.includes(': ') &&
    !s.includes(' #') &&
    !s.startsWith('{')
  )
    return s;
  return JSON.stringify(s);
}

function key(k: string): string {
  return /^\+?[A-Za-z_][A-Za-z0-9_./+-]*$/.test(k) && !RESERVED.test(k) ? k : JSON.stringify(k);
}

function scalar(v: Plain): string | undefined {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
  if (typeof v === 'string') return scalarString(v);
  if (Array.isArray(v) && v.length === 0) return '[]';
  if (v && typeof v === 'object' && Object.values(v as Record<string, Plain>).every((x) => x === undefined)) return '{}';
  return undefined;
}

function blockLiteral(s: string, indent: string): string | undefined {
  if (!s.includes('\n') || /[\r\t]/.test(s) || /(^|\n) +\S/.test(s.split('\n')[0] ?? '') || s.startsWith(' ')) return undefined;
  // Trailing spaces on a line or control characters would not survive: quote instead.
  if (/ \n| $/.test(s) || /[\u0000-\u0008\u000b-\u001f\u007f]/.test(s)) return undefined;
  const chomp = s.endsWith('\n') ? (s.endsWith('\n\n') ? '+' : '') : '-';
  const body = (s.endsWith('\n') ? s.slice(0, -1) : s).split('\n');
  return `|${chomp}\n` + body.map((l) => (l.length > 0 ? indent + l : '')).join('\n');
}

function write(v: Plain, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (const item of v) {
      const s = scalar(item);
      if (s !== undefined) out.push(`${indent}- ${s}`);
      else if (typeof item === 'string') out.push(`${indent}- ${blockLiteral(item, indent + '  ') ?? JSON.stringify(item)}`);
      else {
        const inner: string[] = [];
        write(item, indent + '  ', inner);
        out.push(`${indent}- ${inner[0]!.slice(indent.length + 2)}`, ...inner.slice(1));
      }
    }
    return;
  }
  for (const [k, x] of Object.entries(v as Record<string, Plain>)) {
    if (x === undefined) continue;
    const s = typeof x === 'string' && x.includes('\n') ? undefined : scalar(x);
    if (s !== undefined) out.push(`${indent}${key(k)}: ${s}`);
    else if (typeof x === 'string') out.push(`${indent}${key(k)}: ${blockLiteral(x, indent + '  ') ?? JSON.stringify(x)}`);
    else {
      out.push(`${indent}${key(k)}:`);
      write(x, indent + '  ', out);
    }
  }
}

/** `indent` prefixes every line: for a document that goes inside another (a list item of a property file). */
export function toYaml(value: Plain | object, indent = ''): string {
  const s = scalar(value as Plain);
  if (s !== undefined) return indent + s + '\n';
  const out: string[] = [];
  write(value as Plain, indent, out);
  out.push(''); // the final newline, inside the join: one flat string rather than a join plus '\n' (see flat())
  return out.join('\n');
}
