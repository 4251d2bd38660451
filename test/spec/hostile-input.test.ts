// Hostile and malformed input: each is rejected with its own diagnostic, at the right
// place, quickly and without exhausting memory — never with an exception.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze, loadYamlFile, parseSpecs } from '../../spec/index.js';
import { DuckDbDialect, SparkDialect, TrinoDialect } from '../../compiler/index.js';
import { ORDERS, WORKSPACE, project } from '../helpers/specs.js';

const load = (text: string) => loadYamlFile({ path: 'x.yaml', text });
const codes = (text: string) => load(text).diagnostics.map((d) => d.code);

describe('hostile YAML', () => {
  it('stops a billion-laughs alias bomb with LS1003, quickly', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
    const started = performance.now();
    const r = load(lines.join('\n'));
    expect(r.diagnostics.map((d) => d.code)).toContain('LS1003');
    expect(r.documents).toHaveLength(0);
    // Not a timing assertion on speed: a guard that expansion was cut off rather than completed.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('refuses __proto__, constructor and prototype keys with LS1005 at the key', () => {
    const r = load('apiVersion: lakespec.dev/v1\nmetadata:\n  labels:\n    __proto__: { polluted: "yes" }\n');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'LS1005', range: { start: { line: 4, column: 5 } } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(codes('constructor: 1\n')).toEqual(['LS1005']);
    expect(codes('a:\n  prototype: 1\n')).toEqual(['LS1005']);
  });

  it('refuses custom and non-core tags with LS1004', () => {
    expect(codes('a: !!js/function "function () {}"\n')).toContain('LS1004');
    expect(codes('a: !env SECRET\n')).toContain('LS1004');
    expect(codes('a: !!binary aGVsbG8=\n')).toContain('LS1004');
    expect(codes('a: !!str 12\n')).toEqual([]);
  });

  it('reports duplicate keys with both places', () => {
    const r = load('a: 1\nb: 2\na: 3\n');
    expect(r.diagnostics[0]).toMatchObject({ code: 'LS1002', range: { start: { line: 3, column: 1 } } });
    expect(r.diagnostics[0]!.related?.[0]?.location.range.start.line).toBe(1);
  });

  it('bounds nesting depth for flow and block styles', () => {
    expect(codes('a: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n')).toEqual(['LS1007']);
    const block = Array.from({ length: 200 }, (_, i) => ' '.repeat(i) + `k${i}:`).join('\n') + ' 1\n';
    expect(codes(block)).toContain('LS1007');
  });

  it('refuses oversized files with LS1006 before parsing', () => {
    const r = loadYamlFile({ path: 'big.yaml', text: 'a: ' + 'x'.repeat(200) }, { maxFileBytes: 100, maxDepth: 48, maxExpandedNodes: 1000, maxDocuments: 10 });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['LS1006']);
  });

  it('reports syntax errors with LS1001 at the position', () => {
    const r = load('a: [1, 2\nb: 3\n');
    expect(r.diagnostics[0]?.code).toBe('LS1001');
    expect(r.diagnostics[0]?.range?.start.line).toBeGreaterThanOrEqual(1);
  });

  it('never throws, whatever the bytes (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const r = parseSpecs([{ path: 'f.yaml', text }]);
        for (const d of r.diagnostics) {
          expect(d.code).toMatch(/^LS1\d{3}$/);
          if (d.range) {
            expect(d.range.start.line).toBeGreaterThanOrEqual(1);
            expect(d.range.start.line).toBeLessThanOrEqual(text.split('\n').length + 1);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on YAML-shaped noise built from the grammar (property)', () => {
    const scalar = fc.oneof(fc.constantFrom('a', '1', '"x"', "'y'", 'null', '&a v', '*a', '!t x', '__proto__', '{', '[', '|', '- '), fc.string({ maxLength: 8 }));
    const line = fc.tuple(fc.nat({ max: 8 }), scalar, fc.constantFrom(':', ': ', '', ' #'), scalar).map(([i, k, sep, v]) => ' '.repeat(i) + k + sep + v);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        const text = lines.join('\n');
        const r = analyze([{ path: 'w.yaml', text: WORKSPACE }, { path: 'f.yaml', text }]);
        expect(Array.isArray(r.diagnostics)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('identifiers crafted to break out of SQL', () => {
  const hostile = ['a"b', "o'brien", 'x; drop table y', 'Robert`); --', 'a\\b', 'tab\tname', 'UPPER', '1abc', 'a-b', 'ünïcode', ''];

  it('are rejected by the schema with LS1205 at the value', () => {
    for (const name of hostile) {
      const ds = ORDERS.replace('{ name: customer_id,', `{ name: ${JSON.stringify(name)},`);
      const r = analyze(project({ 'datasets/orders.yaml': ds }), { environment: 'dev' });
      const d = r.diagnostics.find((x) => x.file === 'datasets/orders.yaml');
      expect(d, name).toBeDefined();
      expect(['LS1205', 'LS1207']).toContain(d!.code);
      expect(d!.range!.start.line).toBe(9);
    }
  });

  it('are always quoted and escaped by every dialect (property)', () => {
    const dialects = [new TrinoDialect(), new DuckDbDialect()];
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (s) => {
        for (const d of dialects) {
          const q = d.quoteIdent(s);
          expect(q.startsWith('"') && q.endsWith('"')).toBe(true);
          // Inside the quotes every quote is doubled: undoing that gives the input back.
          expect(q.slice(1, -1).replace(/""/g, '"')).toBe(s);
          expect(q.slice(1, -1).replace(/""/g, '')).not.toContain('"');
          const lit = d.stringLiteral(s);
          expect(lit.slice(1, -1).replace(/''/g, '')).not.toContain("'");
        }
        const spark = new SparkDialect();
        expect(spark.quoteIdent(s).slice(1, -1).replace(/``/g, '')).not.toContain('`');
        const lit = spark.stringLiteral(s).slice(1, -1);
        // No unescaped quote: every ' is preceded by an odd run of backslashes.
        for (let i = 0; i < lit.length; i++) {
          if (lit[i] !== "'") continue;
          let n = 0;
          for (let j = i - 1; j >= 0 && lit[j] === '\\'; j--) n++;
          expect(n % 2).toBe(1);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('secrets', () => {
  it('a literal password is LS1209 and the value is never echoed', () => {
    const conn = `apiVersion: lakespec.dev/v1
kind: Connection
metadata:
  name: erp
spec:
  type: postgres
  host: db
  database: erp
  user: reader
  password: hunter2-CANARY
`;
    const r = analyze(project({ 'connections/erp.yaml': conn }), { environment: 'dev' });
    const d = r.diagnostics.find((x) => x.code === 'LS1209');
    expect(d).toMatchObject({ file: 'connections/erp.yaml', range: { start: { line: 10, column: 3 } }, redactSource: true });
    expect(JSON.stringify(r.diagnostics)).not.toContain('CANARY');
  });
});
