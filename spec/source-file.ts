// A spec file's text and the offset → line/column arithmetic for it.

import type { Location, Position, Range } from './diagnostic.js';

export interface SourceFile {
  /** Path relative to the spec root, with forward slashes. */
  path: string;
  text: string;
}

/** Offsets are UTF-16 code units into the text (what the YAML parser reports). */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - this.starts[lo]! + 1 };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  /** The text of a 1-based line, without its newline. */
  line(n: number): string {
    const s = this.starts[n - 1];
    if (s === undefined) return '';
    const e = this.starts[n] ?? this.text.length + 1;
    return this.text.slice(s, e - 1).replace(/\r$/, '');
  }
}

export function locationOf(file: string, index: LineIndex, start: number, end: number): Location {
  return { file, range: index.range(start, end) };
}
