// Golden files: one expected-output file per case. UPDATE_GOLDEN=1 rewrites them
// (`npm run test:update`); otherwise any difference fails with a readable diff.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { expect } from 'vitest';

export const updating = process.env.UPDATE_GOLDEN === '1';

export function expectGolden(file: string, actual: string): void {
  if (updating) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`missing golden file ${file}; run \`npm run test:update\` to create it`);
  expect(actual, `golden ${file}`).toBe(readFileSync(file, 'utf8'));
}

function listFiles(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const full = join(dir, n);
      return statSync(full).isDirectory() ? listFiles(full, base) : [relative(base, full).split('\\').join('/')];
    });
}

/** A whole folder of golden files: same set of files, same bytes. */
export function expectGoldenTree(dir: string, files: Map<string, string>): void {
  if (updating) {
    rmSync(dir, { recursive: true, force: true });
    for (const [path, content] of files) {
      const f = join(dir, ...path.split('/'));
      mkdirSync(dirname(f), { recursive: true });
      writeFileSync(f, content);
    }
    return;
  }
  const expected = listFiles(dir);
  expect([...files.keys()].sort(), `file list of ${dir}`).toEqual(expected);
  for (const [path, content] of files) expect(content, `golden ${dir}/${path}`).toBe(readFileSync(join(dir, ...path.split('/')), 'utf8'));
}
