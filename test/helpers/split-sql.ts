// Splits an SQL script into statements at semicolons outside literals and comments.
import { blankLiterals } from '../../spec/index.js';

export function splitSql(script: string): string[] {
  const code = blankLiterals(script);
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < code.length; i++) {
    if (code[i] !== ';') continue;
    out.push(script.slice(start, i));
    start = i + 1;
  }
  out.push(script.slice(start));
  // Drop comment-only pieces; keep statements as written.
  return out.map((s) => s.trim()).filter((s) => blankLiterals(s).replace(/\s+/g, '') !== '');
}
