// Reads a small CSV file (header row, RFC 4180 quoting) into rows of strings; empty → null.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

export function readCsv(path: string): { header: string[]; rows: (string | null)[][] } {
  return parseCsv(readFileSync(path, 'utf8'));
}

/** The header row alone, read from the first 64 KB of the file. */
export function readCsvHeader(path: string): string[] {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(64 * 1024);
  let n: number;
  try {
    n = readSync(fd, buf, 0, buf.length, 0);
  } finally {
    closeSync(fd);
  }
  const text = buf.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '');
  return parseCsv(text.split(/\r?\n/)[0] ?? '').header;
}

function parseCsv(text: string): { header: string[]; rows: (string | null)[][] } {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const [header, ...rows] = records;
  return { header: header ?? [], rows: rows.map((r) => r.map((v) => (v === '' ? null : v))) };
}
