// Parses spec files into plain values, recording where every value came from.
//
// We convert the YAML AST ourselves rather than calling toJS(): that is where hostile
// input is contained. Alias expansion is counted (billion laughs), nesting depth is
// bounded, __proto__-style keys and custom tags are refused, duplicate keys are
// reported with both places, and each value's JSON pointer is mapped to its source range.
import jsyaml from 'js-yaml';
import { type Document, type Node, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, LineCounter } from 'yaml';
import { type Diagnostic, type Location, diagnostic } from './diagnostic.js';
import { LineIndex, type SourceFile } from './source-file.js';

export interface LoaderLimits {
  /** Largest accepted file, in bytes of UTF-8. */
  maxFileBytes: number;
  /** Deepest accepted nesting of mappings and sequences. */
  maxDepth: number;
  /** Most values one document may produce through aliases (guards billion laughs); values written out count against maxFileBytes instead. */
  maxExpandedNodes: number;
  /** Most resources (YAML documents) in one file. */
  maxDocuments: number;
}

export const defaultLimits: LoaderLimits = {
  maxFileBytes: 8 * 1024 * 1024,
  maxDepth: 48,
  maxExpandedNodes: 100_000,
  maxDocuments: 20_000,
};

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const CORE_TAGS = new Set([
  'tag:yaml.org,2002:str',
  'tag:yaml.org,2002:int',
  'tag:yaml.org,2002:float',
  'tag:yaml.org,2002:bool',
  'tag:yaml.org,2002:null',
  'tag:yaml.org,2002:map',
  'tag:yaml.org,2002:seq',
]);

/** Offsets of a value (and of its key, when it is a mapping entry). */
export interface SourceSpan {
  keyStart?: number;
  keyEnd?: number;
  start: number;
  end: number;
}

/** One YAML document of a file, converted. */
export class LoadedDocument {
  private located?: { spans: Map<string, SourceSpan>; lines: LineIndex; start: number; end: number };

  constructor(
    readonly file: string,
    /** Ordinal among the file's non-empty documents. */
    readonly index: number,
    readonly value: unknown,
    private readonly locateLazily?: () => { spans: Map<string, SourceSpan>; lines: LineIndex; start: number; end: number },
    located?: { spans: Map<string, SourceSpan>; lines: LineIndex; start: number; end: number },
  ) {
    if (located) this.located = located;
  }

  private positions() {
    this.located ??= this.locateLazily!();
    return this.located;
  }

  /** JSON pointer ("/spec/columns/0/name") → where it is written. Computed on first use. */
  get spans(): Map<string, SourceSpan> {
    return this.positions().spans;
  }

  get lines(): LineIndex {
    return this.positions().lines;
  }

  /** Whole document span. */
  get start(): number {
    return this.positions().start;
  }

  get end(): number {
    return this.positions().end;
  }
}

export interface LoadedFile {
  file: string;
  documents: LoadedDocument[];
  /** Kind and name read from documents that failed to load, so references to them do not cascade. */
  salvaged: { kind: string; name: string }[];
  diagnostics: Diagnostic[];
  lines: LineIndex;
}

export function pointerOf(path: readonly (string | number)[]): string {
  let s = '';
  for (const p of path) s += '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1');
  return s;
}

class BudgetExceeded extends Error {}

/**
 * Loads a spec file. Valid files take a fast path (js-yaml, about ten times faster than the
 * position-keeping parser) and get their source positions computed only if a diagnostic
 * needs them; anything unusual — a parse error, a forbidden key, an alias expanding too
 * far, excessive depth — goes through the careful path, which reports it precisely.
 */
export function loadYamlFile(source: SourceFile, limits: LoaderLimits = defaultLimits): LoadedFile {
  const early = checkSize(source, limits);
  if (early) return early;
  return loadFast(source, limits) ?? loadCareful(source, limits);
}

function checkSize(source: SourceFile, limits: LoaderLimits): LoadedFile | undefined {
  const bytes = Buffer.byteLength(source.text, 'utf8');
  const flowDepth = bytes > limits.maxFileBytes ? 0 : maxFlowDepth(source.text);
  if (bytes <= limits.maxFileBytes && flowDepth <= limits.maxDepth) return undefined;
  const lines = new LineIndex(source.text);
  const location = { file: source.path, range: lines.range(0, 0) };
  const d =
    bytes > limits.maxFileBytes
      ? diagnostic('LS1006', `file is ${bytes} bytes; the limit is ${limits.maxFileBytes} bytes. Split it into several files.`, { location })
      : diagnostic('LS1007', `brackets nest ${flowDepth} levels deep; the limit is ${limits.maxDepth}.`, { location });
  return { file: source.path, documents: [], salvaged: [], diagnostics: [d], lines };
}

const FAST_OPTIONS: jsyaml.LoadOptions = { schema: jsyaml.CORE_SCHEMA, json: false };

function loadFast(source: SourceFile, limits: LoaderLimits): LoadedFile | undefined {
  const values: unknown[] = [];
  try {
    jsyaml.loadAll(source.text, (v) => values.push(v), FAST_OPTIONS);
  } catch {
    return undefined; // let the careful path explain it
  }
  const docs = values.filter((v) => v !== null && v !== undefined);
  if (docs.length > limits.maxDocuments) return undefined;
  const shared = new Map<string, string>();
  for (let k = 0; k < docs.length; k++) {
    const v = compactPlain(docs[k], limits, shared);
    if (v === undefined) return undefined;
    docs[k] = v as object;
  }
  let careful: LoadedFile | undefined;
  const located = (k: number) => () => {
    careful ??= loadCareful(source, limits);
    const d = careful.documents[k];
    return d ? { spans: d.spans, lines: d.lines, start: d.start, end: d.end } : { spans: new Map(), lines: careful.lines, start: 0, end: 0 };
  };
  let lines: LineIndex | undefined;
  return {
    file: source.path,
    documents: docs.map((v, k) => new LoadedDocument(source.path, k, v, located(k))),
    salvaged: [],
    diagnostics: [],
    get lines() {
      return (lines ??= new LineIndex(source.text));
    },
  };
}

class NotPlain extends Error {}

/** Strings up to this length are shared within a file: names, types and tags repeat in every resource. */
const SHARED_STRING_MAX = 64;

/**
 * The document checked and compacted (strings shared through `shared`, one map per file), or undefined when it is not plain data within the
 * depth limit, without forbidden keys, and with aliases (shared references) not expanding
 * too far. Compacted because the parse cache keeps these values for the life of a watch or
 * a recompile: js-yaml grows arrays by pushing (a two-item array holds room for seventeen)
 * and gives every occurrence of "bigint" or "id" its own string. At 10 000 datasets the
 * parsed datasets took 31.7 MB as parsed and 18.2 MB compacted.
 */
function compactPlain(root: unknown, limits: LoaderLimits, shared: Map<string, string>): unknown {
  const distinct = new Set<object>();
  let visits = 0;
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') {
      if (v.length > SHARED_STRING_MAX) return v;
      const s = shared.get(v);
      if (s !== undefined) return s;
      shared.set(v, v);
      return v;
    }
    if (v === null || typeof v !== 'object') return v;
    if (depth > limits.maxDepth) throw new NotPlain();
    visits++;
    distinct.add(v);
    if (visits - distinct.size > limits.maxExpandedNodes) throw new NotPlain();
    // map() allocates exactly the length; an alias's target is copied once per reference, which the count above bounds.
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    if (Object.getPrototypeOf(v) !== Object.prototype || Object.prototype.hasOwnProperty.call(v, '__proto__')) throw new NotPlain();
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (FORBIDDEN_KEYS.has(k)) throw new NotPlain();
      o[k] = walk(o[k], depth + 1);
    }
    return o;
  };
  try {
    return walk(root, 0);
  } catch (e) {
    if (e instanceof NotPlain) return undefined;
    throw e;
  }
}

/** The position-keeping path: yaml's AST, converted by us. */
export function loadCareful(source: SourceFile, limits: LoaderLimits = defaultLimits): LoadedFile {
  const lines = new LineIndex(source.text);
  const diagnostics: Diagnostic[] = [];
  const result: LoadedFile = { file: source.path, documents: [], salvaged: [], diagnostics, lines };
  const at = (start: number, end: number): Location => ({ file: source.path, range: lines.range(start, end) });

  let docs: Document.Parsed[];
  try {
    const parsed = parseAllDocuments(source.text, {
      lineCounter: new LineCounter(),
      prettyErrors: false,
      uniqueKeys: false, // reported by us, with both places
      strict: true,
      schema: 'core',
      merge: false,
      intAsBigInt: false,
    });
    docs = Array.isArray(parsed) ? parsed : [];
  } catch (e) {
    // The composer recurses; an absurdly indented file can exhaust the stack.
    const msg = e instanceof RangeError ? 'the document nests too deeply to parse' : 'the YAML parser gave up on this file';
    diagnostics.push(diagnostic('LS1007', msg, { location: at(0, 0) }));
    return result;
  }
  if (docs.length > limits.maxDocuments) {
    diagnostics.push(
      diagnostic('LS1006', `file holds ${docs.length} documents; the limit is ${limits.maxDocuments}. Split it.`, {
        location: at(0, 0),
      }),
    );
    return result;
  }

  docs.forEach((doc) => {
    let broken = false;
    for (const err of doc.errors) {
      broken = true;
      diagnostics.push(diagnostic('LS1001', cleanYamlMessage(err.message), { location: at(err.pos[0], err.pos[1]) }));
    }
    for (const warn of doc.warnings) {
      // Unresolved tags arrive as warnings; we report tags ourselves, with a code.
      if (warn.code === 'TAG_RESOLVE_FAILED') continue;
      diagnostics.push(
        diagnostic('LS1001', cleanYamlMessage(warn.message), { location: at(warn.pos[0], warn.pos[1]), severity: 'warning' }),
      );
    }
    const salvage = () => {
      // Plain scalar look-ups on the AST: no alias expansion, so this is safe on hostile input.
      try {
        const kind = doc.get('kind');
        const name = doc.getIn(['metadata', 'name']);
        if (typeof kind === 'string' && typeof name === 'string') result.salvaged.push({ kind, name });
      } catch {
        /* nothing to salvage */
      }
    };
    if (broken) return salvage();
    const contents = doc.contents as Node | null;
    if (contents === null || (isScalar(contents) && contents.value === null)) return; // empty document: `---` separators
    const converter = new Converter(doc, source.path, lines, limits, diagnostics);
    let value: unknown;
    try {
      value = converter.convert(contents, [], 0);
    } catch (e) {
      if (e instanceof BudgetExceeded) return salvage(); // already reported
      if (e instanceof RangeError) {
        diagnostics.push(diagnostic('LS1007', 'the document nests too deeply', { location: at(0, 0) }));
        return;
      }
      throw e;
    }
    if (converter.failed) return salvage();
    const range = contents.range ?? [0, 0, 0];
    result.documents.push(new LoadedDocument(source.path, result.documents.length, value, undefined, { spans: converter.spans, lines, start: range[0], end: range[1] }));
  });
  return result;
}

class Converter {
  readonly spans = new Map<string, SourceSpan>();
  failed = false;
  private expanded = 0;
  private aliasDepth = 0;

  constructor(
    private readonly doc: Document.Parsed,
    private readonly file: string,
    private readonly lines: LineIndex,
    private readonly limits: LoaderLimits,
    private readonly diagnostics: Diagnostic[],
  ) {}

  private at(start: number, end: number): Location {
    return { file: this.file, range: this.lines.range(start, end) };
  }

  private fail(d: Diagnostic): void {
    this.failed = true;
    this.diagnostics.push(d);
  }

  private record(path: (string | number)[], node: Node, key?: Node): void {
    // Values reached through an alias point at the anchor; keep the first (outermost) span.
    if (this.aliasDepth > 0) return;
    const r = node.range ?? [0, 0, 0];
    const span: SourceSpan = { start: r[0], end: r[1] };
    if (key?.range) {
      span.keyStart = key.range[0];
      span.keyEnd = key.range[1];
    }
    this.spans.set(pointerOf(path), span);
  }

  convert(node: Node, path: (string | number)[], depth: number, key?: Node): unknown {
    if (this.aliasDepth > 0 && ++this.expanded > this.limits.maxExpandedNodes) {
      const r = node.range ?? [0, 0, 0];
      this.fail(
        diagnostic(
          'LS1003',
          `aliases expand to more than ${this.limits.maxExpandedNodes} values (a "billion laughs" document?)`,
          { location: this.at(r[0], r[1]) },
        ),
      );
      throw new BudgetExceeded();
    }
    if (depth > this.limits.maxDepth) {
      const r = node.range ?? [0, 0, 0];
      this.fail(diagnostic('LS1007', `values nest more than ${this.limits.maxDepth} levels deep`, { location: this.at(r[0], r[1]) }));
      throw new BudgetExceeded();
    }
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (!target) {
        const r = node.range ?? [0, 0, 0];
        this.fail(diagnostic('LS1001', `unknown alias *${node.source}`, { location: this.at(r[0], r[1]) }));
        return null;
      }
      this.record(path, node, key);
      this.aliasDepth++;
      try {
        return this.convert(target, path, depth, undefined);
      } finally {
        this.aliasDepth--;
      }
    }
    this.record(path, node, key);
    const tag = (node as { tag?: string }).tag;
    if (tag !== undefined && !CORE_TAGS.has(tag)) {
      const r = node.range ?? [0, 0, 0];
      this.fail(
        diagnostic('LS1004', `tag ${tag} is not supported; specs are plain YAML`, {
          location: this.at(r[0], r[1]),
          fix: { description: `remove the ${tag} tag` },
        }),
      );
    }
    if (isScalar(node)) return node.value;
    if (isSeq(node)) {
      const out: unknown[] = [];
      node.items.forEach((item, i) => {
        out.push(this.convert(item as Node, [...path, i], depth + 1));
      });
      return out;
    }
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const seen = new Map<string, Node>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const k = pair.key as Node | null;
        const kr = k?.range ?? node.range ?? [0, 0, 0];
        if (!k || !isScalar(k) || (typeof k.value !== 'string' && typeof k.value !== 'number' && typeof k.value !== 'boolean')) {
          this.fail(diagnostic('LS1010', 'mapping keys must be plain strings', { location: this.at(kr[0], kr[1]) }));
          continue;
        }
        const name = String(k.value);
        if (FORBIDDEN_KEYS.has(name)) {
          this.fail(
            diagnostic('LS1005', `the key "${name}" is not allowed`, {
              location: this.at(kr[0], kr[1]),
              fix: { description: `remove or rename "${name}"` },
            }),
          );
          continue;
        }
        const first = seen.get(name);
        if (first) {
          const fr = first.range ?? [0, 0, 0];
          this.fail(
            diagnostic('LS1002', `duplicate key "${name}"`, {
              location: this.at(kr[0], kr[1]),
              related: [{ message: 'first defined here', location: this.at(fr[0], fr[1]) }],
            }),
          );
          continue;
        }
        seen.set(name, k);
        const v = pair.value as Node | null;
        if (v === null) {
          out[name] = null;
          this.spans.set(pointerOf([...path, name]), { keyStart: kr[0], keyEnd: kr[1], start: kr[1], end: kr[1] });
        } else {
          out[name] = this.convert(v, [...path, name], depth + 1, k);
        }
      }
      return out;
    }
    return null;
  }
}

function cleanYamlMessage(message: string): string {
  // yaml appends " at line N, column M" and a code frame; we print our own.
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '').trim();
}

/** Deepest nesting of flow brackets outside quotes and comments, found in one pass. */
function maxFlowDepth(text: string): number {
  // Character codes rather than one-character strings and regexes: this runs over every byte of every file.
  let depth = 0;
  let max = 0;
  let quote = 0;
  let comment = false;
  const space = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 0xa0 || c === 0xfeff || (c >= 0x2000 && (c <= 0x200a || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000)) || c === 0x1680;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (comment) {
      if (c === 10) comment = false;
      continue;
    }
    if (quote !== 0) {
      if (c === 92 && quote === 34) i++; // \ inside "…"
      else if (c === quote) quote = 0;
      continue;
    }
    if (c === 35) {
      // '#' starts a comment at the start or after white space
      if (i === 0 || space(text.charCodeAt(i - 1))) comment = true;
    } else if (c === 34 || c === 39) {
      // a quote opens a string at the start or after white space, '[', '{', ',' or ':'
      const p = i === 0 ? 32 : text.charCodeAt(i - 1);
      if (space(p) || p === 91 || p === 123 || p === 44 || p === 58) quote = c;
    } else if (c === 91 || c === 123) {
      if (++depth > max) max = depth;
    } else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  return max;
}
