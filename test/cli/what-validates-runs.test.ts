// Anything validate accepts must run: every example and every fixture project that validates
// (for its default environment) is applied and run end to end on the embedded engine with
// `lakespec up`, and must succeed. A project that validates and then fails mid-run is a
// missing diagnostic (LS1324 came from here: a files source that is not in the repository).
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, FIXTURES } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const projects = [
  ...readdirSync(EXAMPLES).map((n) => join(EXAMPLES, n)),
  ...readdirSync(join(FIXTURES, 'diagnostics')).map((n) => join(FIXTURES, 'diagnostics', n)),
];

describe('what validates runs', () => {
  it('finds the examples and fixtures', () => expect(projects.length).toBeGreaterThan(20));

  const validating: string[] = [];
  it('knows which of them validate', async () => {
    for (const dir of projects) if ((await runCli(['validate', dir], dir)).code === 0) validating.push(dir);
    // examples/finance and the clean fixture at least.
    expect(validating.length).toBeGreaterThanOrEqual(2);
  });

  it('runs each one that validates with lakespec up, to the end', async () => {
    for (const dir of validating) {
      const state = mkdtempSync(join(tmpdir(), 'lakespec-runs-'));
      const r = await runCli(['up', dir, '--state', state], dir);
      expect(r.code, `${dir}\n${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/run succeeded/);
    }
  }, 240_000);

  it('a fixture whose ingest file is missing does not validate (LS1324), so it is never run', async () => {
    const dir = join(FIXTURES, 'diagnostics', 'missing-source-file');
    const r = await runCli(['validate', dir], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('LS1324');
  });
});
