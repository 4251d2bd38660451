// Where a value of a resolved resource was written: in the environment's override, in the
// resource itself, or in the workspace defaults it inherited.
import type { Location } from './diagnostic.js';
import type { Resource } from './model.js';
import { locate } from './schema-validator.js';
import { pointerOf } from './yaml-loader.js';

export type Path = readonly (string | number)[];

export class Locator {
  constructor(
    readonly resource: Resource,
    readonly environment: string | undefined,
  ) {}

  /** `path` is relative to the resource's spec. */
  at(path: Path, prefer: 'key' | 'value' = 'value'): Location {
    const doc = this.resource.doc;
    if (this.environment) {
      const over = ['spec', 'overrides', this.environment, ...path];
      if (doc.spans.has(pointerOf(over))) return locate(doc, over, prefer);
    }
    return locate(doc, ['spec', ...path], prefer);
  }

  name(): Location {
    return locate(this.resource.doc, ['metadata', 'name']);
  }

  /**
   * A position inside a SQL string (block scalars `|`/`|-` and single-line scalars map
   * exactly; other styles fall back to the value's first line).
   */
  inSql(path: Path, offset: number, length: number): Location {
    const doc = this.resource.doc;
    const full = ['spec', ...path];
    const span = doc.spans.get(pointerOf(full));
    const fallback = locate(doc, full);
    if (!span) return fallback;
    const text = doc.lines.text;
    const head = text.slice(span.start, span.start + 3);
    const sql = (() => {
      let v: unknown = doc.value;
      for (const p of full) v = (v as Record<string | number, unknown> | undefined)?.[p];
      return typeof v === 'string' ? v : '';
    })();
    const before = sql.slice(0, offset);
    const lineInSql = before.split('\n').length - 1;
    const colInSql = offset - (before.lastIndexOf('\n') + 1);
    if (head.startsWith('|')) {
      const startLine = doc.lines.position(span.start).line + 1;
      // Indentation of the block: the first non-empty content line's leading spaces.
      let indent = 0;
      for (let l = startLine; l < startLine + 1000; l++) {
        const t = doc.lines.line(l);
        if (t.trim() !== '') {
          indent = t.length - t.trimStart().length;
          break;
        }
      }
      const line = startLine + lineInSql;
      const col = indent + colInSql + 1;
      return { file: doc.file, range: { start: { line, column: col }, end: { line, column: col + length } } };
    }
    if (lineInSql === 0 && !sql.includes('\n')) {
      const quoted = head.startsWith('"') || head.startsWith("'") ? 1 : 0;
      const p = doc.lines.position(span.start + quoted + offset);
      return { file: doc.file, range: { start: p, end: { line: p.line, column: p.column + length } } };
    }
    return fallback;
  }
}
