// Runs the precompiled JSON Schema validators on a loaded document and turns ajv's
// errors into catalog diagnostics placed on the offending key or value.
import { type Diagnostic, type Location, diagnostic } from './diagnostic.js';
import { closest, didYouMean } from './did-you-mean.js';
import { descriptionAt, propertyNamesAt } from './schema-catalog.js';
import type { LoadedDocument } from './yaml-loader.js';
import { pointerOf } from './yaml-loader.js';

export interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: AjvError[] | null;
}

/** Fields that hold secrets: a plain value there is a leak, and is never echoed back. */
export const SECRET_FIELDS = new Set(['password', 'token', 'credential', 'accessKeyId', 'secretAccessKey', 'kubeconfig']);

const PATTERN_HINTS: Record<string, string> = {
  '^[a-z][a-z0-9_]*$': 'use lower-case letters, digits and underscores, starting with a letter',
  '^[a-z_][a-z0-9_]*$': 'use lower-case letters, digits and underscores, not starting with a digit',
  '^([0-9]+(ms|s|m|h|d))+$': 'write a duration such as 90s, 30m, 2h or 1h30m',
};

function parsePointer(p: string): string[] {
  if (p === '') return [];
  return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function toPath(segments: string[], data: unknown): (string | number)[] {
  const out: (string | number)[] = [];
  let cur = data;
  for (const s of segments) {
    if (Array.isArray(cur)) {
      out.push(Number(s));
      cur = cur[Number(s)];
    } else {
      out.push(s);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[s] : undefined;
    }
  }
  return out;
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let cur = data;
  for (const s of path) cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[s] : undefined;
  return cur;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number';
  return `a ${typeof v}`;
}

/** Where a JSON pointer is written in a document; `key` prefers the key over the value. */
export function locate(doc: LoadedDocument, path: readonly (string | number)[], prefer: 'key' | 'value' = 'value'): Location {
  for (let n = path.length; n >= 0; n--) {
    const span = doc.spans.get(pointerOf(path.slice(0, n)));
    if (!span) continue;
    if ((prefer === 'key' || n < path.length) && span.keyStart !== undefined)
      return { file: doc.file, range: doc.lines.range(span.keyStart, span.keyEnd ?? span.keyStart) };
    // A multi-line value: point at its first line only.
    const end = Math.min(span.end, firstLineEnd(doc, span.start));
    return { file: doc.file, range: doc.lines.range(span.start, end) };
  }
  return { file: doc.file, range: doc.lines.range(doc.start, doc.start) };
}

function firstLineEnd(doc: LoadedDocument, start: number): number {
  const nl = doc.lines.text.indexOf('\n', start);
  return nl === -1 ? doc.lines.text.length : nl;
}

function where(path: readonly (string | number)[]): string {
  return path.length === 0 ? 'the resource' : path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[');
}

export function schemaDiagnostics(
  kind: string,
  doc: LoadedDocument,
  validator: CompiledValidator,
  /** Prefix of the validated value within the document (for overrides). */
  base: readonly (string | number)[] = [],
  /** Kind's schema path prefix for suggestions (undefined: no suggestions). */
  suggestKind: string | undefined = kind,
): Diagnostic[] {
  const data = valueAt(doc.value, base);
  if (validator(data)) return [];
  const errors = validator.errors ?? [];
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const push = (key: string, d: Diagnostic) => {
    if (seen.has(key)) return;
    seen.add(key);
    out.push(d);
  };
  // Errors inside a oneOf's branches are noise once the oneOf itself is reported.
  const oneOfPaths = errors.filter((e) => e.keyword === 'oneOf').map((e) => e.schemaPath);
  for (const e of errors) {
    if (e.keyword === 'if' || e.keyword === 'allOf') continue;
    if (oneOfPaths.some((p) => e.schemaPath.startsWith(p + '/'))) continue;
    const rel = toPath(parsePointer(e.instancePath), data);
    const path = [...base, ...rel];
    const value = valueAt(doc.value, path);
    const last = path[path.length - 1];
    const loc = (p: readonly (string | number)[], prefer: 'key' | 'value' = 'value') => locate(doc, p, prefer);
    switch (e.keyword) {
      case 'required': {
        const missing = String(e.params.missingProperty);
        push(`req|${e.instancePath}|${missing}`,
          diagnostic('LS1201', `${where(rel.length ? path : path)} is missing the required property "${missing}"`, {
            location: loc(path, 'key'),
            fix: { description: `add "${missing}:"` },
          }),
        );
        break;
      }
      case 'additionalProperties':
      case 'unevaluatedProperties': {
        const prop = String(e.params.additionalProperty ?? e.params.unevaluatedProperty);
        const candidates = suggestKind ? propertyNamesAt(suggestKind, path, doc.value) : [];
        // A failing if/then branch leaves its own properties "unevaluated"; those are not
        // unknown, the real error is reported elsewhere.
        if (e.keyword === 'unevaluatedProperties' && candidates.includes(prop)) break;
        const guess = closest(prop, candidates);
        const allowed = candidates.length > 0 && candidates.length <= 12 ? ` (allowed: ${candidates.join(', ')})` : '';
        push(`add|${e.instancePath}|${prop}`,
          diagnostic('LS1202', `unknown property "${prop}" in ${where(path)}${guess ? `; did you mean "${guess}"?` : allowed}`, {
            location: loc([...path, prop], 'key'),
            ...(guess ? { fix: { description: `rename "${prop}" to "${guess}"` } } : {}),
          }),
        );
        break;
      }
      case 'type': {
        if (typeof last === 'string' && SECRET_FIELDS.has(last) && typeof value !== 'object') {
          push(`secret|${e.instancePath}`,
            diagnostic('LS1209', `"${last}" holds a literal value; secrets must be references, e.g. ${last}: { fromEnv: ${envNameHint(path, doc)} }`, {
              location: loc(path, 'key'),
              redactSource: true,
              fix: { description: `replace the value with { fromEnv: ${envNameHint(path, doc)} } and set that variable where lakespec runs` },
            }),
          );
          break;
        }
        push(`type|${e.instancePath}`,
          diagnostic('LS1203', `${where(path)} must be ${article(String(e.params.type))}, not ${typeName(value)}`, { location: loc(path) }),
        );
        break;
      }
      case 'enum':
      case 'const': {
        const allowed = (e.keyword === 'enum' ? (e.params.allowedValues as unknown[]) : [e.params.allowedValue]).map(String);
        if (path.length === 1 && path[0] === 'apiVersion') {
          push(`api`, diagnostic('LS1206', `apiVersion must be "${allowed[0]}"`, { location: loc(path), fix: { description: `set apiVersion: ${allowed[0]}` } }));
          break;
        }
        const hint = typeof value === 'string' ? didYouMean(value, allowed) : '';
        push(`enum|${e.instancePath}`,
          diagnostic('LS1204', `${where(path)} is ${JSON.stringify(value)}; allowed: ${allowed.join(', ')}${hint}`, {
            location: loc(path),
          }),
        );
        break;
      }
      case 'pattern': {
        const hint = PATTERN_HINTS[String(e.params.pattern)] ?? `it must match ${String(e.params.pattern)}`;
        push(`pat|${e.instancePath}`,
          diagnostic('LS1205', `${where(path)} ${JSON.stringify(value)} is not valid: ${hint}`, { location: loc(path) }),
        );
        break;
      }
      case 'propertyNames': {
        const name = String(e.params.propertyName);
        push(`pn|${e.instancePath}|${name}`,
          diagnostic('LS1205', `"${name}" is not a valid key in ${where(path)}: use lower-case letters, digits and underscores`, {
            location: loc([...path, name], 'key'),
          }),
        );
        break;
      }
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
      case 'minLength':
      case 'maxLength':
      case 'minItems':
      case 'maxItems':
      case 'minProperties':
      case 'maxProperties': {
        const limit = e.params.limit;
        const what: Record<string, string> = {
          minimum: `must be at least ${limit}`,
          maximum: `must be at most ${limit}`,
          exclusiveMinimum: `must be greater than ${limit}`,
          exclusiveMaximum: `must be less than ${limit}`,
          minLength: `must not be empty`,
          maxLength: `must be at most ${limit} characters long`,
          minItems: `needs at least ${limit} item${limit === 1 ? '' : 's'}`,
          maxItems: `allows at most ${limit} items`,
          minProperties: `needs at least ${limit} entr${limit === 1 ? 'y' : 'ies'}`,
          maxProperties: last && SECRET_FIELDS.has(String(last)) ? 'must name exactly one source: fromEnv, fromSecret or fromFile' : `allows at most ${limit} entries`,
        };
        push(`rng|${e.instancePath}|${e.keyword}`, diagnostic('LS1207', `${where(path)} ${what[e.keyword]}`, { location: loc(path) }));
        break;
      }
      case 'uniqueItems':
        push(`uniq|${e.instancePath}`,
          diagnostic('LS1207', `${where(path)} lists an item twice (items ${e.params.j} and ${e.params.i})`, {
            location: loc([...path, Number(e.params.i)]),
          }),
        );
        break;
      case 'oneOf':
        push(`one|${e.instancePath}`, diagnostic('LS1208', `${where(path)}: ${oneOfHint(path, value)}`, { location: loc(path, 'key') }));
        break;
      case 'anyOf':
        push(`any|${e.instancePath}`, diagnostic('LS1201', `${where(path)} needs min or max`, { location: loc(path) }));
        break;
      case 'not':
        push(`not|${e.instancePath}`,
          diagnostic('LS1202', `"width" is only used with the bucket and truncate transforms`, { location: loc([...path, 'width'], 'key') }),
        );
        break;
      default: {
        const desc = suggestKind ? descriptionAt(suggestKind, path, doc.value) : undefined;
        push(`other|${e.instancePath}|${e.keyword}`,
          diagnostic('LS1208', `${where(path)} ${e.message ?? 'is invalid'}${desc ? ` (${desc})` : ''}`, { location: loc(path) }),
        );
      }
    }
  }
  return out;
}

function article(t: string): string {
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false' };
  return t.split(',').map((x) => names[x] ?? x).join(' or ');
}

function oneOfHint(path: readonly (string | number)[], value: unknown): string {
  if (path[path.length - 1] === 'from' && value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('table' in v && 'path' in v) return 'give either "table" or "path", not both';
    return 'give the source "table" (postgres, trino) or "path" (files)';
  }
  return 'matches none or several of the allowed forms';
}

function envNameHint(path: readonly (string | number)[], doc?: LoadedDocument): string {
  const name = (doc?.value as { metadata?: { name?: unknown } } | undefined)?.metadata?.name;
  const prefix = typeof name === 'string' ? [name] : [];
  return [...prefix, ...path].filter((p) => typeof p === 'string' && p !== 'spec').map((p) => String(p).replace(/[A-Z]/g, (c) => '_' + c)).join('_').toUpperCase().replace(/[^A-Z0-9_]/g, '_') || 'SECRET';
}
